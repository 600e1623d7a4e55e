"""/problems and /strategies: what a spec may name, with parameters and defaults."""

from __future__ import annotations

import inspect
from typing import Any

from fastapi import APIRouter

from taskweights.app.schemas import ParameterInfo, ProblemInfo, StrategyInfo
from taskweights.models import (
    STRATEGIES,
    GradientWeighting,
    available_problems,
    problem_parameters,
    strategy_parameters,
)

router = APIRouter(tags=["catalog"])


def _parameters(defaults: dict[str, Any]) -> list[ParameterInfo]:
    def plain(value: Any) -> Any:
        return list(value) if isinstance(value, tuple) else value

    return [
        ParameterInfo(
            name=name,
            default=None if default is inspect.Parameter.empty else plain(default),
            required=default is inspect.Parameter.empty,
        )
        for name, default in defaults.items()
    ]


def _summary(obj: Any) -> str:
    return (inspect.getdoc(obj) or "").split("\n\n")[0].replace("\n", " ")


@router.get("/problems")
def list_problems() -> list[ProblemInfo]:
    """Built-in problems and those installed as `taskweights.problems` entry points."""
    return [
        ProblemInfo(
            name=name,
            description=_summary(builder),
            params=_parameters(problem_parameters(builder)),
        )
        for name, builder in sorted(available_problems().items())
    ]


@router.get("/strategies")
def list_strategies() -> list[StrategyInfo]:
    """Weighting strategies a spec's `strategies` may name, with their hyperparameters."""
    return [
        StrategyInfo(
            name=name,
            level="gradient" if issubclass(cls, GradientWeighting) else "loss",
            description=_summary(cls),
            params=_parameters(strategy_parameters(name)),
        )
        for name, cls in sorted(STRATEGIES.items())
    ]
