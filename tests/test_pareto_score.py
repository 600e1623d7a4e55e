"""`score: pareto`: the tuned arm searches one objective per task, its front points are each
evaluated as an arm of their own, and the verdict answers per front point."""

from __future__ import annotations

import math
from pathlib import Path

import optuna
import pytest
from optuna.study import StudyDirection
from optuna.trial import TrialState

from taskweights.app.local import run_study
from taskweights.search import storage_at, trial_page, units_of, validate_spec
from taskweights.search.pareto import dominates, oriented
from taskweights.search.records import read
from taskweights.search.spec import SpecError, parse_spec
from tests.conftest import small_digits_spec

FRONT = 3


def pareto_spec(**overrides: object) -> dict:
    fields = {
        "strategies": ["uncertainty", "dwa"],
        "score": "pareto",
        "tuned": {"trials": 8, "pruner": "median"},  # the tuned arm's pruning is off anyway
        "evaluation": {"seeds": 2, "front": FRONT},
    }
    return small_digits_spec("front", **(fields | overrides))


def test_cmaes_cannot_search_a_front() -> None:
    with pytest.raises(SpecError) as raised:
        parse_spec(pareto_spec(tuned={"trials": 8, "sampler": "cmaes"}))
    [(field, reason)] = raised.value.issues
    assert field == "score" and "CMA-ES" in reason


def test_front_arm_names_are_reserved_under_pareto() -> None:
    with pytest.raises(SpecError) as raised:
        parse_spec(pareto_spec(strategies=[{"name": "dwa", "arm": "tuned-3"}]))
    [(field, reason)] = raised.value.issues
    assert field == "score" and "tuned-3" in reason
    parse_spec(small_digits_spec(strategies=[{"name": "dwa", "arm": "tuned-3"}]))  # else free


def test_the_tuned_arm_evaluates_one_unit_per_front_point_and_seed() -> None:
    spec = parse_spec(pareto_spec())
    tuned_units = [u for u in units_of(spec, 3) if u.arm == "tuned"]
    assert [u.slot for u in tuned_units] == list(range(FRONT * 2))
    assert [u.slot for u in units_of(spec, 3) if u.arm == "dwa"] == [0, 1]


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, object]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('pareto')) / 'front.db'}"
    return url, run_study(validate_spec(pareto_spec()), url)


def test_the_tuned_search_has_one_objective_per_task_and_no_pruning(finished) -> None:
    url, comparison = finished
    directions = [
        StudyDirection.MAXIMIZE if t.higher_is_better else StudyDirection.MINIMIZE
        for t in comparison.tasks
    ]
    with storage_at(url) as storage:
        tuned = optuna.load_study(study_name="front/tuned", storage=storage)
        assert tuned.directions == directions
        trials = tuned.get_trials()
        page, _ = trial_page(storage, "front", ["tuned"], 0, 100)
    assert len(trials) == 8
    assert all(t.state == TrialState.COMPLETE for t in trials)  # nothing pruned
    for trial, summary in zip(trials, page, strict=True):
        record = read(trial)
        assert record.val_metrics is not None and record.score is not None
        assert trial.values == [record.val_metrics[t.name] for t in comparison.tasks]
        assert summary.value == pytest.approx(record.score)  # pages show its Δm


def test_each_evaluated_front_point_is_a_non_dominated_trial_with_its_weights(finished) -> None:
    url, comparison = finished
    front = [a for a in comparison.arms if a.arm.startswith("tuned-")]
    assert 1 <= len(front) <= FRONT
    assert "tuned" not in [a.arm for a in comparison.arms]
    with storage_at(url) as storage:
        trials = optuna.load_study(study_name="front/tuned", storage=storage).get_trials()
    points = {t.number: oriented(read(t).val_metrics or {}, comparison.tasks) for t in trials}
    on_front = {n for n, p in points.items() if not any(dominates(q, p) for q in points.values())}
    assert len(front) == min(FRONT, len(on_front))
    for arm in front:
        number = int(arm.arm.removeprefix("tuned-"))
        assert number in on_front
        assert len(arm.runs) == 2 and arm.strategy == "fixed"
        weights = read(trials[number]).weights or {}
        total = sum(weights.values())
        assert arm.config is not None
        assert arm.config.weights == pytest.approx({k: w / total for k, w in weights.items()})
        assert arm.compute.trials == 8  # the whole search paid for its front


def test_the_verdict_answers_per_front_point(finished) -> None:
    url, comparison = finished
    front = [a.arm for a in comparison.arms if a.arm.startswith("tuned-")]
    assert [v.tuned for v in comparison.front] == front
    for verdict in comparison.front:
        assert {p.arm for p in verdict.pairs} == {"uncertainty", "dwa"}  # never another point
        assert verdict.statement.split(":")[0] in {"Tune", "Learn", "Tie"}
        assert verdict.tuned in verdict.statement
    with storage_at(url) as storage:
        trials = optuna.load_study(study_name="front/tuned", storage=storage).get_trials()
    validation = {
        arm: read(trials[int(arm.removeprefix("tuned-"))]).score or -math.inf for arm in front
    }
    assert comparison.verdict.tuned == max(validation, key=lambda arm: validation[arm])
    assert comparison.verdict in comparison.front
    assert comparison.tuning_curve is not None  # over the trials' Δm
    assert set(comparison.trials_to_match) == {"uncertainty", "dwa"}
