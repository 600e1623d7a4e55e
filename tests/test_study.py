"""Running studies in-process: determinism, diverging trials, resuming."""

from __future__ import annotations

import optuna
import pytest
from optuna.trial import TrialState

from taskweights.app.errors import StudyNotFinishedError
from taskweights.app.local import load_comparison, run_study
from taskweights.search import EpochFinished, Event, storage_at, validate_spec
from taskweights.search.records import read
from tests.conftest import small_digits_spec


def comparison_of(spec_data: dict, db_url: str):
    return run_study(validate_spec(spec_data), db_url)


def trials_of(url: str, study: str) -> list[optuna.trial.FrozenTrial]:
    with storage_at(url) as storage:
        return optuna.load_study(study_name=study, storage=storage).trials


def test_same_spec_and_seed_give_the_same_metrics(tmp_path, postgres_url: str) -> None:
    spec = small_digits_spec(strategies=["uncertainty", "dwa"])
    first = comparison_of(spec, f"sqlite:///{tmp_path / 'a.db'}")
    second = comparison_of(spec, postgres_url)  # and the storage makes no difference
    for a, b in zip(first.arms, second.arms, strict=True):
        assert a.runs == b.runs
        assert a.config == b.config
    assert first.verdict == second.verdict


def test_a_diverging_trial_fails_alone_with_its_reason(storage_url: str) -> None:
    # weights near float32's limit overflow the loss for some trials and not for others
    spec = small_digits_spec(
        name="wild",
        tuned={"trials": 6, "weight_range": [1e30, 1e38], "sampler": "random", "pruner": "none"},
    )
    comparison = comparison_of(spec, storage_url)
    trials = trials_of(storage_url, "wild/tuned")
    failed = [t for t in trials if t.state == TrialState.FAIL]
    completed = [t for t in trials if t.state == TrialState.COMPLETE]
    assert failed and completed, [t.state for t in trials]
    assert all("training diverged" in str(read(t).error) for t in failed)
    assert len(trials) == 6  # the budget counts failed trials: no endless retries
    assert {arm.arm for arm in comparison.arms if arm.runs} == {"tuned", "uncertainty"}


def test_an_interrupted_study_resumes_where_it_stopped(storage_url: str) -> None:
    """Ctrl-C mid-trial fails that trial as interrupted (no budget used); the rerun finishes."""
    spec = validate_spec(small_digits_spec(name="cut", tuned={"trials": 3, "pruner": "none"}))

    def stop_in_the_second_tuned_trial(event: Event) -> None:
        if isinstance(event, EpochFinished) and (event.arm, event.trial) == ("tuned", 1):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_study(spec, storage_url, on_event=stop_in_the_second_tuned_trial)
    with pytest.raises(StudyNotFinishedError, match="'cut' is running"):
        load_comparison("cut", storage_url)
    run_study(spec, storage_url)
    trials = trials_of(storage_url, "cut/tuned")
    states = [t.state for t in trials]
    assert states.count(TrialState.COMPLETE) == 3
    assert states.count(TrialState.FAIL) == 1
    interrupted = next(t for t in trials if t.state == TrialState.FAIL)
    assert read(interrupted).interrupted
    assert len(load_comparison("cut", storage_url).arms) == 2


def test_a_study_on_a_task_subset_trains_and_compares_those_tasks_only(tmp_path) -> None:
    spec = small_digits_spec(
        "subset", problem={"name": "digits", "tasks": {"recon": {"use": False}}}
    )
    comparison = comparison_of(spec, f"sqlite:///{tmp_path / 'subset.db'}")
    assert [t.name for t in comparison.tasks] == ["digit", "group3"]
    for arm in comparison.arms:
        assert set(arm.test) == {"digit", "group3"}
        assert arm.config is not None and set(arm.config.weights) == {"digit", "group3"}
    assert {t.task for pair in comparison.verdict.pairs for t in pair.tasks} <= {"digit", "group3"}
