"""The second pass of spec validation: build what the spec names, once, before storing anything.

A bad problem parameter, a strategy hyperparameter or a task name is caught here with the field
it came from (`SpecError`). This imports torch: the API runs it in its models process.
"""

from __future__ import annotations

from typing import Any

from taskweights.models import (
    ConfigurationError,
    ParameterError,
    Problem,
    TrunkConfig,
    build_problem,
    build_strategy,
)
from taskweights.search.errors import SpecError
from taskweights.search.scores import TaskInfo
from taskweights.search.spec import StudySpec, TrunkSpec, parse_spec


def validate_spec(data: Any) -> StudySpec:
    """A spec that parses and whose problem and strategies build; else `SpecError`."""
    spec = parse_spec(data)
    check_against_models(spec)
    return spec


def trunk_config(trunk: TrunkSpec) -> TrunkConfig:
    return TrunkConfig(trunk.type, tuple(trunk.hidden), tuple(trunk.channels), trunk.dropout)


def task_infos(problem: Problem) -> list[TaskInfo]:
    return [
        TaskInfo(name=t.name, metric=t.metric, higher_is_better=t.higher_is_better)
        for t in problem.tasks
    ]


def check_against_models(spec: StudySpec) -> Problem:
    """Build the problem and every strategy once; return the problem (its tasks are needed)."""
    try:
        problem = build_problem(spec.problem.name, spec.problem.params, spec.seed)
    except ParameterError as error:
        raise SpecError([(f"problem.params.{error.parameter}", str(error))]) from error
    except ConfigurationError as error:
        field = "problem.name" if str(error).startswith("Unknown") else "problem.params"
        raise SpecError([(field, str(error))]) from error
    except (TypeError, ValueError) as error:  # a parameter the builder cannot use
        raise SpecError([("problem.params", str(error))]) from error
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
        except (ConfigurationError, TypeError) as error:
            field = "name" if str(error).startswith("Unknown") else "params"
            issues.append((f"strategies.{i}.{field}", str(error)))
    if spec.score.startswith("task:") and spec.score[5:] not in problem.task_names:
        issues.append(("score", f"no task {spec.score[5:]!r}; tasks are {problem.task_names}"))
    if issues:
        raise SpecError(issues)
    return problem
