"""CSV exports: a comparison as one row per (arm, task), a study's trials as one row per trial.

What spreadsheets, pandas and R read without a JSON step; the API (`?format=csv`) and the CLI
(`taskweights compare --csv`) both write these, so the columns are defined once, here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from taskweights.app.schemas import TrialPublic
from taskweights.search.results import Comparison

COMPARISON_COLUMNS = (
    "arm",
    "strategy",
    "task",
    "metric",
    "higher_is_better",
    "test_mean",
    "test_std",
    "reference_mean",
    "seeds",
    "weight",  # normalised to sum 1 over the tasks: tuned = searched, learned = final
    "sigma",
    "lr",
    "delta_m_mean",
    "delta_m_std",
    "score_mean",
    "score_std",
    "search_trials",
    "search_epochs",
    "search_seconds",
)


def comparison_csv(comparison: Comparison) -> str:
    """One row per arm and task: the arm's test metric for the task beside its weight there,
    and the arm's overall results repeated on each of its rows (so any row stands alone)."""
    rows = []
    for arm in comparison.arms:
        config = arm.config
        for task in comparison.tasks:
            summary = arm.test.get(task.name)
            rows.append(
                {
                    "arm": arm.arm,
                    "strategy": arm.strategy,
                    "task": task.name,
                    "metric": task.metric,
                    "higher_is_better": task.higher_is_better,
                    "test_mean": summary.mean if summary else None,
                    "test_std": summary.std if summary else None,
                    "reference_mean": comparison.reference[task.name].mean,
                    "seeds": len(arm.runs),
                    "weight": config.weights.get(task.name) if config else None,
                    "sigma": (config.sigmas or {}).get(task.name) if config else None,
                    "lr": config.lr if config else None,
                    "delta_m_mean": arm.delta_m.mean if arm.delta_m else None,
                    "delta_m_std": arm.delta_m.std if arm.delta_m else None,
                    "score_mean": arm.score.mean if arm.score else None,
                    "score_std": arm.score.std if arm.score else None,
                    "search_trials": arm.compute.trials,
                    "search_epochs": arm.compute.epochs,
                    "search_seconds": arm.compute.seconds,
                }
            )
    return _csv(COMPARISON_COLUMNS, rows)


def trial_columns(tasks: Sequence[str]) -> tuple[str, ...]:
    return (
        "arm",
        "number",
        "state",
        "value",
        "epochs",
        "searched_lr",  # empty where the spec fixes the learning rate
        *(f"weight_{task}" for task in tasks),
        *(f"val_{task}" for task in tasks),
        *(f"sigma_{task}" for task in tasks),
        "error",
    )


def trials_csv(trials: Iterable[TrialPublic], tasks: Sequence[str]) -> str:
    """One row per trial: its arm, number, state and value, the weights it trained with (as
    stored: the tuned arm's searched ones, a learned arm's final ones), its per-task validation
    metrics and sigmas, and why it failed."""
    rows = []
    for trial in trials:
        weights, metrics, sigmas = trial.weights or {}, trial.val_metrics or {}, trial.sigmas or {}
        rows.append(
            {
                "arm": trial.arm,
                "number": trial.number,
                "state": trial.state,
                "value": trial.value,
                "epochs": trial.epochs,
                "searched_lr": trial.params.get("lr"),
                **{f"weight_{task}": weights.get(task) for task in tasks},
                **{f"val_{task}": metrics.get(task) for task in tasks},
                **{f"sigma_{task}": sigmas.get(task) for task in tasks},
                "error": trial.error,
            }
        )
    return _csv(trial_columns(tasks), rows)


def _csv(columns: Sequence[str], rows: list[dict[str, Any]]) -> str:
    """RFC 4180 CSV with a header; None is an empty cell."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
