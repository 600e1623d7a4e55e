"""The second pass of spec validation: build what the spec names, once, before storing anything.

A bad problem parameter, a strategy hyperparameter or a task name is caught here with the field
it came from (`SpecError`), and so is a study too big for this machine (`search.limits`): the
problem's data is estimated before it is built, the network's parameters are counted without
building it. Whatever a builder raises becomes one line at a field, never a trace. This imports
torch: the API runs it in its models process.
"""

from __future__ import annotations

import re
from typing import Any

from taskweights.models import (
    ConfigurationError,
    ParameterError,
    Problem,
    TrunkConfig,
    build_problem,
    build_strategy,
)
from taskweights.models.problems import estimate_data_bytes
from taskweights.search.errors import SpecError
from taskweights.search.limits import Limits, Sizes, check_limits
from taskweights.search.scores import TaskInfo
from taskweights.search.spec import StudySpec, TrunkSpec, parse_spec

REASON_CHARS = 300  # a reason is one line of at most this many characters
TORCH_PREFIX = re.compile(r"^\[enforce fail at [^\]]*\]\s*")  # where in torch's C++ it failed


def validate_spec(data: Any, limits: Limits | None = None) -> StudySpec:
    """A spec that parses, within `limits`, whose problem and strategies build; else
    `SpecError`."""
    spec = parse_spec(data)
    check_against_models(spec, limits)
    return spec


def trunk_config(trunk: TrunkSpec) -> TrunkConfig:
    return TrunkConfig(trunk.type, tuple(trunk.hidden), tuple(trunk.channels), trunk.dropout)


def task_infos(problem: Problem) -> list[TaskInfo]:
    return [
        TaskInfo(name=t.name, metric=t.metric, higher_is_better=t.higher_is_better)
        for t in problem.tasks
    ]


def one_line(error: BaseException, context: str = "") -> str:
    """An exception as a reason: `context`, then its first line, without torch's C++ location,
    bounded as a whole."""
    if isinstance(error, MemoryError):
        text = "this machine has not enough memory for it"
    else:
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        text = TORCH_PREFIX.sub("", lines[0]) if lines else type(error).__name__
    text = context + text
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1] + "…"


def _problem_issue(name: str, error: Exception) -> tuple[str, str]:
    """Where a problem's builder (or its estimate) failed, and why, in one line."""
    if isinstance(error, ParameterError):
        return f"problem.params.{error.parameter}", one_line(error)
    if isinstance(error, ConfigurationError):
        field = "problem.name" if str(error).startswith("Unknown") else "problem.params"
        return field, one_line(error)
    return "problem.params", one_line(error, f"problem {name!r} cannot use these parameters: ")


def check_against_models(spec: StudySpec, limits: Limits | None = None) -> Problem:
    """Build the problem and every strategy once; return the problem (its tasks are needed).

    With `limits` (a server's, a local run's), refuse what exceeds them: the spec's values
    first, the problem's data before it is built (when its builder can say), the network's
    parameters and the samples to train once the problem is known.
    """
    wanted = spec.problem
    try:
        if limits is not None:  # what the spec says alone, then the data, before building it
            check_limits(spec, limits)
            estimate = estimate_data_bytes(wanted.name, wanted.params)
            check_limits(spec, limits, Sizes(data_bytes=estimate))
        problem = build_problem(wanted.name, wanted.params, spec.seed)
    except SpecError:
        raise
    except Exception as error:  # a builder may raise anything; the user gets one line
        raise SpecError([_problem_issue(wanted.name, error)]) from error
    try:
        problem = problem.with_task_overrides(
            {name: override.fields() for name, override in spec.problem.tasks.items()}
        )
        problem = problem.without_tasks(spec.problem.unused_tasks)
    except ConfigurationError as error:
        raise SpecError([("problem.tasks", str(error))]) from error
    issues: list[tuple[str, str]] = []
    trunk = spec.problem.trunk
    if trunk is not None and problem.network is not None:
        issues.append(
            (
                "problem.trunk",
                f"problem {spec.problem.name!r} builds its own network; leave trunk out",
            )
        )
    elif trunk is not None and trunk.type == "cnn" and len(problem.input_shape) != 3:
        issues.append(
            (
                "problem.trunk.type",
                f"a cnn trunk needs image inputs but {spec.problem.name!r} has inputs of shape "
                f"{problem.input_shape}",
            )
        )
    classification = [task.is_classification for task in problem.tasks]
    for i, strategy in enumerate(spec.strategies):
        try:
            build_strategy(strategy.name, classification, strategy.params)
        except Exception as error:  # a hyperparameter the strategy cannot use
            field = "name" if str(error).startswith("Unknown") else "params"
            issues.append((f"strategies.{i}.{field}", one_line(error)))
    if spec.score.startswith("task:") and spec.score[5:] not in problem.task_names:
        issues.append(("score", f"no task {spec.score[5:]!r}; tasks are {problem.task_names}"))
    if issues:
        raise SpecError(issues)
    if limits is not None:
        check_limits(spec, limits, _sizes(spec, problem))
    return problem


def _sizes(spec: StudySpec, problem: Problem) -> Sizes:
    """What the built problem says: its data (measured), its network (counted, not built)."""
    trunk = None if spec.problem.trunk is None else trunk_config(spec.problem.trunk)
    try:
        parameters = problem.parameter_count(trunk)
    except Exception as error:  # a trunk that does not fit the inputs, a network that fails
        field = "problem.trunk" if trunk is not None else "problem.name"
        raise SpecError([(field, one_line(error))]) from error
    return Sizes(problem.data_bytes, parameters, len(problem.train))
