"""Processes sharing one arm, at the level of the search runner: the budget is met exactly.

These run in the test process against a real storage with heartbeats (1 s, grace 2 s); the
tests in test_crash.py and test_processes.py do the same with real, separately started workers.
"""

from __future__ import annotations

import time

import optuna
import pytest
from optuna.trial import FrozenTrial, TrialState

from taskweights.search import (
    counts_toward_budget,
    failure_reason,
    open_storage,
    prepare_study,
    run_reference_phase,
    run_search_arm,
    study_context,
    validate_spec,
)
from taskweights.search.concurrency import HEARTBEAT_WITHOUT_OPTIMIZE, ask, first_heartbeat
from taskweights.search.studies import open_arm_study
from tests.conftest import small_digits_spec

GRACE_SECONDS = 2


def run_tuned_arm_beside_a_dead_trial(
    storage_url: str, name: str, beat_once: bool
) -> tuple[list[FrozenTrial], float]:
    """An arm of 1 trial whose budget a dead worker's RUNNING trial holds; this process runs it.

    Returns the arm's trials and the seconds `run_search_arm` took.
    """
    spec = validate_spec(small_digits_spec(name, tuned={"trials": 1, "pruner": "none"}))
    deadline = time.monotonic() + 60  # a bug that waits for ever fails here, as a cancel
    context = study_context(spec, should_stop=lambda: time.monotonic() > deadline)
    storage = open_storage(storage_url, heartbeat_seconds=1, grace_seconds=GRACE_SECONDS)
    try:
        prepare_study(storage, spec, context.score.direction)
        run_reference_phase(context, storage)
        tuned = open_arm_study(storage, spec, "tuned", context.score.direction)
        with pytest.warns(UserWarning, match=HEARTBEAT_WITHOUT_OPTIMIZE):
            dead = tuned.ask()  # another worker's trial ...
        if beat_once:
            first_heartbeat(storage, dead)  # ... that beat once, then its process died
        started = time.monotonic()
        run_search_arm(context, storage, "tuned")
        return tuned.trials, time.monotonic() - started
    finally:
        storage.remove_session()
        storage.engine.dispose()


def assert_retried_once(trials: list[FrozenTrial]) -> None:
    assert [t.state for t in trials] == [TrialState.FAIL, TrialState.COMPLETE]
    assert failure_reason(trials[0]) == "its worker stopped (no heartbeat)"
    assert trials[1].system_attrs["failed_trial"] == trials[0].number
    assert [counts_toward_budget(t) for t in trials] == [False, True]


def test_an_arm_ends_only_once_a_dead_workers_trial_has_run_again(storage_url: str) -> None:
    """A trial whose process died fills the budget until it goes stale: the arm must wait.

    Otherwise a worker that finds the budget full of finished plus running trials calls the
    arm done, and the dead trial stays RUNNING for ever: the arm ends a trial short.
    """
    trials, waited = run_tuned_arm_beside_a_dead_trial(storage_url, "dead", beat_once=True)
    assert_retried_once(trials)
    assert waited >= GRACE_SECONDS


def test_a_trial_whose_worker_died_before_its_first_beat_is_run_again(storage_url: str) -> None:
    """Optuna never sees a trial without a heartbeat as stale (it would hold the budget until
    the 60-second stop above cancels the arm); we fail it and run it again."""
    trials, _ = run_tuned_arm_beside_a_dead_trial(storage_url, "unborn", beat_once=False)
    assert_retried_once(trials)


@pytest.mark.parametrize("sampler", ["tpe", "random", "cmaes", "gp"])
def test_processes_sharing_an_arm_propose_their_own_trials(storage_url: str, sampler: str) -> None:
    """Seeded alike, every process sharing an arm proposed the same start-up trials: the budget
    was spent on copies. Each slot draws from its own stream; slot 0 of a fresh arm (a local
    run) still draws from the spec's seed, so a single process reproduces itself."""
    spec = validate_spec(small_digits_spec("streams", tuned={"sampler": sampler, "trials": 8}))
    storage = open_storage(storage_url)
    try:
        first = [open_arm_study(storage, spec, "tuned", "maximize", slot) for slot in (0, 1)]
        proposals = [propose(study) for study in first]
        again = open_arm_study(
            storage, spec.model_copy(update={"name": "streams2"}), "tuned", "maximize"
        )
        assert propose(again) == proposals[0]  # the same seed, a fresh arm: the same trial
        assert proposals[0] != proposals[1]
        resumed = open_arm_study(storage, spec, "tuned", "maximize", slot=0)  # 2 trials stored
        assert propose(resumed) not in proposals
    finally:
        storage.remove_session()
        storage.engine.dispose()


def propose(study: optuna.Study) -> tuple[float, float]:
    """A new trial's two weights, as the tuned arm's search space draws them."""
    trial = ask(study)
    return (
        trial.suggest_float("w_group3", 0.01, 100.0, log=True),
        trial.suggest_float("w_recon", 0.01, 100.0, log=True),
    )
