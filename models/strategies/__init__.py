"""Weighting strategies: how per-task losses become one training loss.

`build_strategy("uncertainty", classification, {"sigma_lr": 10})` builds one by the name a spec
uses; `STRATEGIES` maps every name to its class.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any

from taskweights.models import registry
from taskweights.models.errors import ConfigurationError
from taskweights.models.strategies.alpha import LearnedConvexWeights
from taskweights.models.strategies.base import GradientWeighting, LossWeighting, WeightingStrategy
from taskweights.models.strategies.dwa import DynamicWeightAverage
from taskweights.models.strategies.famo import FAMO
from taskweights.models.strategies.fixed import EqualWeights, FixedWeights
from taskweights.models.strategies.gradnorm import GradNorm
from taskweights.models.strategies.log import LogLossWeighting
from taskweights.models.strategies.magnitude import MagnitudeWeighting
from taskweights.models.strategies.rlw import RandomLossWeighting
from taskweights.models.strategies.uncertainty import UncertaintyWeighting

# the classes behind the registry's names (models/registry.py owns the names)
STRATEGIES: dict[str, type[WeightingStrategy]] = {
    name: registry.load_strategy(name) for name in registry.strategy_names()
}


def strategy_parameters(name: str) -> dict[str, Any]:
    """Hyperparameters of a strategy and their defaults (`inspect.Parameter.empty` if required)."""
    signature = inspect.signature(strategy_class(name).__init__)
    return {
        p.name: p.default
        for p in signature.parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }


def strategy_class(name: str) -> type[WeightingStrategy]:
    if name not in STRATEGIES:
        raise ConfigurationError(f"Unknown weighting {name!r}; choose from {sorted(STRATEGIES)}.")
    return STRATEGIES[name]


def build_strategy(
    name: str, classification: Sequence[bool], params: Mapping[str, Any] | None = None
) -> WeightingStrategy:
    params = dict(params or {})
    allowed = strategy_parameters(name)
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ConfigurationError(
            f"weighting {name!r} has no parameter {unknown[0]!r}; it takes {sorted(allowed)}."
        )
    missing = [p for p, default in allowed.items() if default is inspect.Parameter.empty]
    missing = [p for p in missing if p not in params]
    if missing:
        raise ConfigurationError(f"weighting {name!r} needs parameter {missing[0]!r}.")
    return strategy_class(name)(classification, **params)


__all__ = [
    "FAMO",
    "STRATEGIES",
    "DynamicWeightAverage",
    "EqualWeights",
    "FixedWeights",
    "GradNorm",
    "GradientWeighting",
    "LearnedConvexWeights",
    "LogLossWeighting",
    "LossWeighting",
    "MagnitudeWeighting",
    "RandomLossWeighting",
    "UncertaintyWeighting",
    "WeightingStrategy",
    "build_strategy",
    "strategy_parameters",
]
