"""Reading what a trial's record says: did it use up budget, why did it fail, an arm's tally.

Torch-free: the API, the progress display and the comparison read these without training.
"""

from __future__ import annotations

import optuna

INTERRUPTED_ATTR = "interrupted"


STALE_REASON = "its worker stopped (no heartbeat)"


def counts_toward_budget(trial: optuna.trial.FrozenTrial) -> bool:
    """Finished trials, except failures that were not the trial's own doing.

    A trial that fails on its own (divergence) records its `error` while it runs. One whose
    process was killed never could (and Optuna cannot annotate a trial once failed); one
    stopped by a cancel or a shutdown is marked interrupted before it is failed.
    """
    attrs = trial.user_attrs
    if trial.state == optuna.trial.TrialState.FAIL:
        return "error" in attrs and not attrs.get(INTERRUPTED_ATTR, False)
    return trial.state.is_finished()


def failure_reason(trial: optuna.trial.FrozenTrial) -> str | None:
    if trial.state != optuna.trial.TrialState.FAIL:
        return None
    return trial.user_attrs.get("error", STALE_REASON)


def finished_count(study: optuna.Study) -> int:
    """Trials that used up budget: completed, pruned, or failed on their own (not interrupted)."""
    return sum(1 for t in study.get_trials(deepcopy=False) if counts_toward_budget(t))


def best_value(study: optuna.Study) -> float | None:
    try:
        return study.best_value
    except ValueError:  # no completed trial yet
        return None
