"""Names a spec may use, known without importing torch: problems and weighting strategies.

The command line and the HTTP API check names against this registry; only a process that
trains (or deeply checks a spec) loads what a name points to. Other packages add problems
through the entry-point group `taskweights.problems`; a spec names a problem, it never carries
code. A script adds problems of its own for the duration of a local run (`local_problems`):
they live in this process only, so a server's workers never see them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from taskweights.models.errors import ConfigurationError

ENTRY_POINT_GROUP = "taskweights.problems"

BUILT_IN_PROBLEMS = {
    "kendall-toy": "taskweights.models.problems:kendall_toy",
    "digits": "taskweights.models.problems:digits",
    "csv": "taskweights.models.tabular:csv",
    "mnist": "taskweights.models.mnist:mnist",
    "qm9": "taskweights.models.qm9:qm9",
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


BUILT_IN = "built-in"
LOCAL = "local"


def problem_sources() -> dict[str, str]:
    """Where each problem comes from: "built-in", the plugin's distribution name, or "local"."""
    sources = {
        name: BUILT_IN if entry.dist is None else entry.dist.name
        for name, entry in problem_entry_points().items()
    }
    return sources | dict.fromkeys(local_problem_builders(), LOCAL)


def problem_names() -> list[str]:
    """Every problem a spec may name now: built-in, installed plugins, and local ones."""
    return sorted(problem_entry_points().keys() | local_problem_builders().keys())


# --- problems of a script, for the duration of a local run ----------------------------------

_local_lock = threading.Lock()
_local: dict[str, tuple[Callable[..., Any], int]] = {}  # name -> (builder, registrations)


def local_problem_builders() -> dict[str, Callable[..., Any]]:
    """The problems registered by `local_problems` in this process, now."""
    with _local_lock:
        return {name: builder for name, (builder, _) in _local.items()}


@contextmanager
def local_problems(problems: Mapping[str, Callable[..., Any]]) -> Iterator[None]:
    """Make `problems` (name -> `builder(seed, **params) -> Problem`) nameable in this process
    until the block ends.

    A name may not shadow a built-in problem or an installed plugin (a spec naming it would be
    ambiguous). Nested or concurrent blocks may register the same builder under the same name;
    another builder under a name already registered is refused.
    """
    installed = problem_entry_points()
    for name, builder in problems.items():
        if name in installed:
            entry = installed[name]
            owner = "a built-in problem" if entry.dist is None else f"plugin {entry.dist.name!r}"
            raise ConfigurationError(
                f"problem name {name!r} is taken by {owner}; give your problem another name."
            )
        if not callable(builder):
            raise ConfigurationError(
                f"problem {name!r} must be a function (seed, **params) -> Problem "
                f"but got {type(builder).__name__}."
            )
    with _local_lock:
        for name, builder in problems.items():
            if name in _local and _local[name][0] is not builder:
                raise ConfigurationError(
                    f"problem name {name!r} is already registered by this process with "
                    "another builder; give your problem another name."
                )
        for name, builder in problems.items():
            _local[name] = (builder, _local[name][1] + 1 if name in _local else 1)
    try:
        yield
    finally:
        with _local_lock:
            for name in problems:
                builder, count = _local[name]
                if count == 1:
                    del _local[name]
                else:
                    _local[name] = (builder, count - 1)


def strategy_names() -> list[str]:
    return sorted(STRATEGIES)


def load_strategy(name: str) -> Any:
    """The class registered under `name` (imports torch)."""
    return EntryPoint(name, STRATEGIES[name], "taskweights.strategies").load()
