"""/problems and /strategies: what a spec may name, with parameters and defaults."""

from __future__ import annotations

from fastapi import APIRouter

from taskweights.app.api.deps import ServicesDep
from taskweights.app.schemas import ProblemInfo, StrategyInfo

router = APIRouter(tags=["catalog"])


@router.get("/problems")
def list_problems(services: ServicesDep) -> list[ProblemInfo]:
    """Built-in problems and those installed as `taskweights.problems` entry points (each
    with the distribution it comes from), with their parameters and defaults."""
    problems, _ = services.models.catalog()
    return problems


@router.get("/strategies")
def list_strategies(services: ServicesDep) -> list[StrategyInfo]:
    """Weighting strategies a spec's `strategies` may name, with their hyperparameters."""
    _, strategies = services.models.catalog()
    return strategies
