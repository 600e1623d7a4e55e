"""The names `taskweights.models` offers; each loads its module on first use."""

from .errors import ConfigurationError, DivergedError, ModelsError, ParameterError
from .networks import MultiTaskModel, MultiTaskNet, TrunkConfig
from .problems import (
    NetworkFactory,
    Problem,
    Split,
    available_problems,
    build_problem,
    problem_parameters,
    sized_by,
)
from .registry import (
    ENTRY_POINT_GROUP,
    local_problems,
    problem_names,
    problem_sources,
    strategy_names,
)
from .strategies import (
    STRATEGIES,
    GradientWeighting,
    LossWeighting,
    WeightingStrategy,
    build_strategy,
    strategy_parameters,
)
from .tasks import Task
from .training import (
    EpochRecord,
    TrainConfig,
    TrainResult,
    evaluate,
    resolve_device,
    train,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "STRATEGIES",
    "ConfigurationError",
    "DivergedError",
    "EpochRecord",
    "GradientWeighting",
    "LossWeighting",
    "ModelsError",
    "MultiTaskModel",
    "MultiTaskNet",
    "NetworkFactory",
    "ParameterError",
    "Problem",
    "Split",
    "Task",
    "TrainConfig",
    "TrainResult",
    "TrunkConfig",
    "WeightingStrategy",
    "available_problems",
    "build_problem",
    "build_strategy",
    "evaluate",
    "local_problems",
    "problem_names",
    "problem_parameters",
    "problem_sources",
    "resolve_device",
    "sized_by",
    "strategy_names",
    "strategy_parameters",
    "train",
]
