"""Problems installed by other packages, through the `taskweights.problems` entry points."""

from __future__ import annotations

from pathlib import Path

import pytest

from taskweights.app.api.models_process import _catalog
from taskweights.app.schemas import ProblemInfo
from taskweights.models import available_problems, build_problem
from taskweights.search import SpecError, validate_spec

PLUGIN_MODULE = '''
import torch
from taskweights.models import Problem, Task, TrunkConfig
from taskweights.models.problems import split_dataset


def two_sines(seed, *, n=200):
    """Two regression tasks on one input: sin(x) and sin(2x)."""
    g = torch.Generator().manual_seed(seed)
    x = 6 * torch.rand(n, 1, generator=g) - 3
    targets = [torch.sin(x), torch.sin(2 * x)]
    tasks = (Task("sin1", "regression", 1), Task("sin2", "regression", 1))
    train, val, test = split_dataset(x, targets, seed, 0.2, 0.2)
    return Problem("two-sines", tasks, train, val, test, TrunkConfig("mlp", hidden=(16,)))
'''


@pytest.fixture
def installed_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A distribution on sys.path declaring the entry point, as `pip install` would leave it."""
    (tmp_path / "two_sines_plugin.py").write_text(PLUGIN_MODULE)
    dist_info = tmp_path / "two_sines_plugin-0.1.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: two-sines-plugin\nVersion: 0.1\n"
    )
    (dist_info / "entry_points.txt").write_text(
        "[taskweights.problems]\ntwo-sines = two_sines_plugin:two_sines\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))


def test_entry_point_problems_are_available(installed_plugin: None) -> None:
    assert {"digits", "kendall-toy", "two-sines"} <= set(available_problems())
    problem = build_problem("two-sines", {"n": 100}, seed=3)
    assert problem.task_names == ["sin1", "sin2"]
    assert len(problem.train) == 60


def test_a_spec_can_name_a_plugin_problem_and_its_parameters(installed_plugin: None) -> None:
    spec = validate_spec({"name": "p", "problem": {"name": "two-sines", "params": {"n": 80}}})
    assert spec.problem.name == "two-sines"
    with pytest.raises(SpecError, match="has no parameter 'm'"):
        validate_spec({"name": "p", "problem": {"name": "two-sines", "params": {"m": 80}}})


def test_without_the_plugin_the_name_is_unknown() -> None:
    with pytest.raises(SpecError, match="Unknown problem 'two-sines'"):
        validate_spec({"name": "p", "problem": {"name": "two-sines"}})


def test_the_catalog_names_the_distribution_a_plugin_comes_from(installed_plugin: None) -> None:
    """What the models process answers for GET /problems (run here: its child process would
    not see this test's sys.path)."""
    problems, _ = _catalog()
    found = {p.name: p for p in map(ProblemInfo.model_validate, problems)}
    assert found["two-sines"].source == "two-sines-plugin"
    assert [(p.name, p.default) for p in found["two-sines"].params] == [("n", 200)]
    assert found["digits"].source == "built-in"
