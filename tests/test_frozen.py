"""`analysis.frozen`: each learned arm's final weights, held fixed from the start, as an arm of
its own, and the test of the learned arm against it ("the endpoint" against "the dynamics")."""

from __future__ import annotations

import statistics
from pathlib import Path

import optuna
import pytest

from taskweights.app.local import run_study
from taskweights.search import DONE, next_stage, storage_at, units_of, validate_spec
from taskweights.search.dynamics import compare_dynamics
from taskweights.search.records import read
from taskweights.search.spec import SpecError, parse_spec
from tests.conftest import small_digits_spec
from tests.test_verdict import TASKS, arm


def frozen_spec(**overrides: object) -> dict:
    fields = {"strategies": ["uncertainty", "dwa", "equal"], "analysis": {"frozen": True}}
    return small_digits_spec("frozen", **(fields | overrides))


def test_frozen_arms_are_named_for_learned_arms_with_moving_weights() -> None:
    spec = parse_spec(frozen_spec())
    assert spec.frozen_arms == {"uncertainty": "uncertainty-frozen", "dwa": "dwa-frozen"}
    assert spec.evaluated_arms[-2:] == ["uncertainty-frozen", "dwa-frozen"]
    assert parse_spec(small_digits_spec()).frozen_arms == {}  # off by default


def test_a_frozen_name_already_taken_is_refused_naming_the_field() -> None:
    data = frozen_spec(strategies=["dwa", {"name": "rlw", "arm": "dwa-frozen"}])
    with pytest.raises(SpecError) as raised:
        parse_spec(data)
    [(field, reason)] = raised.value.issues
    assert field == "analysis"
    assert "dwa-frozen" in reason


def test_the_frozen_stage_comes_after_the_arms_evaluation_and_is_skipped_when_off() -> None:
    spec = parse_spec(frozen_spec())
    stage = units_of(spec, 4)
    assert {(u.arm, u.slot) for u in stage} == {
        (arm, seed) for arm in ("uncertainty-frozen", "dwa-frozen") for seed in (0, 1)
    }
    assert {u.phase for u in stage} == {"evaluation"}
    assert next_stage(spec, 3) == 4
    assert next_stage(parse_spec(small_digits_spec()), 3) == DONE


def test_dynamics_tests_each_learned_arm_against_its_frozen_copy() -> None:
    arms = [
        arm("uncertainty", [5.0, 6.0, 7.5], [0.9, 0.9, 0.9], [1.0, 1.0, 1.0]),
        arm("uncertainty-frozen", [3.0, 4.0, 5.0], [0.8, 0.8, 0.8], [1.0, 1.0, 1.0]),
        arm("dwa", [1.0, 2.0, 3.0], [0.8, 0.8, 0.8], [1.0, 1.0, 1.0]),
    ]
    frozen = {"uncertainty": "uncertainty-frozen", "dwa": "dwa-frozen"}  # dwa's never ran
    [found] = compare_dynamics(arms, frozen, maximize=True, tasks=TASKS)
    # paired differences 2, 2, 2.5: mean 13/6, learned better
    assert (found.arm, found.frozen, found.seeds) == ("uncertainty", "uncertainty-frozen", 3)
    assert found.difference == pytest.approx(13 / 6)
    assert found.p_holm == pytest.approx(found.p_value)  # a family of one
    assert found.significant
    assert "dynamics matter" in found.statement
    assert [t.task for t in found.tasks] == ["acc", "err"]
    assert found.tasks[0].difference == pytest.approx(0.1)


def test_a_frozen_copy_that_does_as_well_says_the_endpoint_explains_it() -> None:
    arms = [
        arm("dwa", [1.0, 2.0, 3.0], [0.8, 0.8, 0.8], [1.0, 1.0, 1.0]),
        arm("dwa-frozen", [1.2, 1.7, 3.1], [0.8, 0.8, 0.8], [1.0, 1.0, 1.0]),
    ]
    [found] = compare_dynamics(arms, {"dwa": "dwa-frozen"}, maximize=True, tasks=TASKS)
    assert not found.significant
    assert "where its weights end, not how they move" in found.statement


def test_a_study_trains_frozen_arms_with_the_learned_arms_final_weights(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'frozen.db'}"
    comparison = run_study(validate_spec(frozen_spec()), url)
    by_name = {a.arm: a for a in comparison.arms}
    assert list(by_name) == [
        "tuned",
        "uncertainty",
        "dwa",
        "equal",
        "uncertainty-frozen",
        "dwa-frozen",
    ]
    with storage_at(url) as storage:
        runs = [
            read(t)
            for t in optuna.load_study(study_name="frozen/evaluation", storage=storage).trials
        ]
    for learned in ("uncertainty", "dwa"):
        frozen = by_name[f"{learned}-frozen"]
        assert frozen.strategy == "fixed" and len(frozen.runs) == 2
        assert frozen.compute.trials == 0  # it searched nothing
        # the learned arm's final weights, each run scaled to a mean of 1, seed-averaged
        finals = [r.weights for r in runs if r.arm == learned and r.weights]
        scaled = [{t: w * len(f) / sum(f.values()) for t, w in f.items()} for f in finals]
        expected = {t: statistics.fmean(s[t] for s in scaled) for t in scaled[0]}
        trained = {r.seed: r for r in runs if r.arm == frozen.arm}
        for run in trained.values():
            assert run.config is not None
            assert run.config.strategy_params["weights"] == pytest.approx(
                list(expected.values()), rel=1e-5
            )
            assert run.weights == pytest.approx(expected, rel=1e-5)  # they never moved
            assert run.config.lr == by_name[learned].config.lr  # type: ignore[union-attr]
        assert set(trained) == {r.seed for r in by_name[learned].runs}  # the same seeds
        assert frozen.config is not None
        assert frozen.config.weights == pytest.approx(
            by_name[learned].config.weights,  # type: ignore[union-attr]
            rel=1e-4,
        )
    assert [d.arm for d in comparison.dynamics] == ["uncertainty", "dwa"]
    assert comparison.verdict.learned not in {"uncertainty-frozen", "dwa-frozen"}
    assert {p.arm for p in comparison.verdict.pairs} == {"uncertainty", "dwa", "equal"}
    assert not any(d.arm.endswith("-frozen") for d in comparison.diagnostics if d.arm)
