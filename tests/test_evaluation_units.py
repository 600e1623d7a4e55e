"""The final evaluation cut into units (the reference's seeds, then one per (arm, seed)).

Workers run these units in any order and on any machine; these tests run them in this process,
in an order no local run would use, against a real storage.
"""

from __future__ import annotations

import warnings

import optuna
import pytest
from optuna.trial import TrialState

import taskweights as tw
from taskweights.models import DivergedError
from taskweights.search import (
    EVALUATION,
    StudySpec,
    Unit,
    failure_reason,
    load_comparison,
    prepare_study,
    run_unit,
    storage_at,
    study_context,
    units_of,
    validate_spec,
)
from taskweights.search.concurrency import HEARTBEAT_WITHOUT_OPTIMIZE
from taskweights.search.evaluation import evaluation_study
from taskweights.search.records import TrialRecord, read, write
from taskweights.search.trials import StudyContext
from tests.conftest import small_digits_spec

SEEDS = 2


def spec_named(name: str) -> StudySpec:
    return validate_spec(small_digits_spec(name, strategies=["uncertainty", "dwa"]))


def search_then_evaluate_the_reference(
    storage: optuna.storages.RDBStorage, spec: StudySpec
) -> StudyContext:
    """Stages 0 to 2 of the plan, every unit of each (one process playing every worker)."""
    context = study_context(spec)
    for stage in range(3):
        for unit in units_of(spec, stage):
            run_unit(context, storage, unit)
    return context


def test_units_in_any_order_give_what_one_process_gives(storage_url: str) -> None:
    """Same seeds, same configurations: the split changes who trains, never what."""
    whole, split = spec_named("whole"), spec_named("split")
    expected = tw.run_study(whole, storage_url)
    with storage_at(storage_url) as storage:
        context = search_then_evaluate_the_reference(storage, split)
        for arm in reversed(split.arm_names):
            for seed_index in reversed(range(SEEDS)):
                run_unit(context, storage, Unit(3, arm, seed_index))
        actual = load_comparison(storage, split, context.task_infos)
    assert [a.arm for a in actual.arms] == ["tuned", "uncertainty", "dwa"]
    for want, got in zip(expected.arms, actual.arms, strict=True):
        assert len(got.runs) == SEEDS
        runs = {r.seed: r for r in got.runs}
        for run in want.runs:
            assert runs[run.seed].test == pytest.approx(run.test, abs=1e-6)
            assert runs[run.seed].delta_m == pytest.approx(run.delta_m, abs=1e-6)
    assert actual.verdict.statement == expected.verdict.statement


def test_a_run_left_by_a_dead_worker_is_failed_and_run_again(storage_url: str) -> None:
    spec = spec_named("abandoned")
    with storage_at(storage_url) as storage:
        context = search_then_evaluate_the_reference(storage, spec)
        evaluation = evaluation_study(storage, spec)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", HEARTBEAT_WITHOUT_OPTIMIZE, UserWarning)
            dead = evaluation.ask()  # a worker took (tuned, second seed), then died
        write(dead, TrialRecord(arm="tuned", seed=spec.seed + 2))
        run_unit(context, storage, Unit(3, "tuned", 1))  # the unit, given to another worker
        run_unit(context, storage, Unit(3, "tuned", 1))  # and again: nothing left to do
        runs = [
            t
            for t in evaluation_study(storage, spec).trials
            if (read(t).arm, read(t).seed) == ("tuned", spec.seed + 2)
        ]
    assert [t.state for t in runs] == [TrialState.FAIL, TrialState.COMPLETE]
    assert failure_reason(runs[0]) == "its worker stopped (no heartbeat)"


def test_an_arm_run_needs_the_reference_first(storage_url: str) -> None:
    spec = spec_named("early")
    with storage_at(storage_url) as storage:
        context = study_context(spec)
        prepare_study(storage, spec, context.score.direction)
        with pytest.raises(DivergedError, match="reference has no finished evaluation run"):
            run_unit(context, storage, Unit(3, "tuned", 0))
        assert not optuna.load_study(
            study_name=f"early/{EVALUATION}", storage=storage
        ).trials  # nothing was started
