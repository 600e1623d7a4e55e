"""The qm9 problem: molecular properties in their own units, from qm9pack's bundled CSVs."""

from __future__ import annotations

import sys
from typing import Any

import pytest
import torch

from taskweights.models import ConfigurationError, TrainConfig, build_problem, build_strategy
from taskweights.models.problems import Problem
from taskweights.models.qm9 import DEFAULT_TARGETS, FEATURES, TARGETS, smiles_counts
from taskweights.models.training import train
from taskweights.search import SpecError, validate_spec


@pytest.fixture(scope="module")
def qm9() -> Problem:
    return build_problem("qm9", {"n": 1000}, seed=0)


def test_one_regression_task_per_default_target(qm9: Problem) -> None:
    assert qm9.task_names == list(DEFAULT_TARGETS)
    assert all(task.kind == "regression" for task in qm9.tasks)
    assert [len(qm9.train), len(qm9.val), len(qm9.test)] == [600, 200, 200]
    assert qm9.input_shape == (len(FEATURES),)
    assert [tuple(t.shape) for t in qm9.train.targets] == [(600, 1)] * len(DEFAULT_TARGETS)


def test_targets_keep_their_units(qm9: Problem) -> None:
    """Not standardised: the gap is a fraction of a Hartree, U0 hundreds of Hartree below 0."""
    targets = zip(qm9.task_names, qm9.train.targets, strict=True)
    means = {name: target.mean().item() for name, target in targets}
    assert 0.1 < means["gap"] < 0.5
    assert 50 < means["alpha"] < 100
    assert -500 < means["u0"] < -300
    assert 800 < means["r2"] < 1600


def test_the_features_count_atoms(qm9: Problem) -> None:
    counts = dict(zip(FEATURES, qm9.train.x.T, strict=True))
    heavy = counts["C"] + counts["N"] + counts["O"] + counts["F"]
    assert torch.equal(counts["heavy"], heavy)
    assert heavy.min() >= 1 and heavy.max() <= 9  # QM9: up to nine heavy atoms
    assert smiles_counts("O=C1CC2CC(O2)C1=O") == [2, 0, 2]
    assert smiles_counts("C#CC#N") == [0, 2, 0]


def test_the_seed_draws_the_molecules_whatever_the_targets(qm9: Problem) -> None:
    chosen = build_problem("qm9", {"n": 1000, "targets": ["cv", "alpha"]}, seed=0)
    assert chosen.task_names == ["cv", "alpha"]
    assert torch.equal(chosen.train.x, qm9.train.x)
    torch.testing.assert_close(chosen.train.targets[1], qm9.train.targets[1])
    other = build_problem("qm9", {"n": 1000}, seed=1)
    assert not torch.equal(other.train.x, qm9.train.x)


def test_a_short_run_beats_predicting_the_mean() -> None:
    problem = build_problem("qm9", {"n": 3000, "targets": ["alpha", "r2"]}, seed=0)
    result = train(
        problem,
        build_strategy("equal", [False, False]),
        TrainConfig(epochs=10, lr=3e-3, device="cpu"),
    )
    spread = [t.std().item() for t in problem.val.targets]
    rmse = result.final.val_metric
    # measured 0.75 and 0.73 of the spread (10 epochs on 1,800 molecules, ~0.4 s)
    assert rmse[0] < 0.85 * spread[0] and rmse[1] < 0.85 * spread[1]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"targets": ["gap", "energy"]}, "qm9 has no target 'energy'; choose from \\['alpha'"),
        ({"targets": []}, "targets must list property names but got \\[\\]."),
        ({"targets": "gap"}, "targets must list property names but got 'gap'."),
        ({"targets": ["mu", "mu"]}, "targets must not repeat a name but got \\['mu', 'mu'\\]."),
        ({"n": 5}, "n must be between 100 and 130831 but got 5."),
    ],
)
def test_bad_parameters_are_refused(params: dict, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        build_problem("qm9", params, seed=0)


def test_without_qm9pack_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "qm9pack", None)  # what an absent package looks like
    with pytest.raises(ConfigurationError, match=r'pip install "taskweights\[qm9\]"'):
        build_problem("qm9", {}, seed=0)


def test_a_spec_may_name_it_and_choose_targets() -> None:
    spec: dict[str, Any] = {
        "name": "qm9-spec",
        "problem": {"name": "qm9", "params": {"n": 500, "targets": ["mu", "zpve"]}},
        "strategies": ["uncertainty"],
        "tuned": {"trials": 2},
    }
    assert validate_spec(spec).problem.params["targets"] == ["mu", "zpve"]
    spec["problem"]["params"] = {"targets": ["mu", "dipole"]}
    with pytest.raises(SpecError) as refused:
        validate_spec(spec)
    field, reason = refused.value.issues[0]
    assert field == "problem.params" and "'dipole'" in reason and str(sorted(TARGETS)) in reason
