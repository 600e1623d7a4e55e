"""Names a spec may use, known without importing torch: problems and weighting strategies.

The command line and the HTTP API check names against this registry; only a process that
trains (or deeply checks a spec) loads what a name points to. Other packages add problems
through the entry-point group `taskweights.problems`; a spec names a problem, it never carries
code.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points
from typing import Any

ENTRY_POINT_GROUP = "taskweights.problems"

BUILT_IN_PROBLEMS = {
    "kendall-toy": "taskweights.models.problems:kendall_toy",
    "digits": "taskweights.models.problems:digits",
    "csv": "taskweights.models.tabular:csv",
}

STRATEGIES = {
    "alpha": "taskweights.models.strategies.alpha:LearnedConvexWeights",
    "dwa": "taskweights.models.strategies.dwa:DynamicWeightAverage",
    "equal": "taskweights.models.strategies.fixed:EqualWeights",
    "famo": "taskweights.models.strategies.famo:FAMO",
    "fixed": "taskweights.models.strategies.fixed:FixedWeights",
    "gradnorm": "taskweights.models.strategies.gradnorm:GradNorm",
    "log": "taskweights.models.strategies.log:LogLossWeighting",
    "magnitude": "taskweights.models.strategies.magnitude:MagnitudeWeighting",
    "rlw": "taskweights.models.strategies.rlw:RandomLossWeighting",
    "uncertainty": "taskweights.models.strategies.uncertainty:UncertaintyWeighting",
}


def problem_entry_points() -> dict[str, EntryPoint]:
    """Every problem by name: built-in ones, then installed plugins (a built-in name wins)."""
    found = {
        name: EntryPoint(name, target, ENTRY_POINT_GROUP)
        for name, target in BUILT_IN_PROBLEMS.items()
    }
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, entry)
    return found


def problem_names() -> list[str]:
    return sorted(problem_entry_points())


def strategy_names() -> list[str]:
    return sorted(STRATEGIES)


def load_strategy(name: str) -> Any:
    """The class registered under `name` (imports torch)."""
    return EntryPoint(name, STRATEGIES[name], "taskweights.strategies").load()
