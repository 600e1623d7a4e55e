"""The PyTorch layer: problems, networks, tasks, weighting strategies and the training loop.

It knows nothing of Optuna, SQL or HTTP.
"""

from taskweights.models.errors import ConfigurationError, DivergedError, ModelsError
from taskweights.models.networks import MultiTaskNet, TrunkConfig
from taskweights.models.problems import (
    ENTRY_POINT_GROUP,
    Problem,
    Split,
    available_problems,
    build_problem,
    problem_parameters,
)
from taskweights.models.strategies import (
    STRATEGIES,
    GradientWeighting,
    LossWeighting,
    WeightingStrategy,
    build_strategy,
    strategy_parameters,
)
from taskweights.models.tasks import Task
from taskweights.models.training import (
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
    "MultiTaskNet",
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
    "problem_parameters",
    "resolve_device",
    "strategy_parameters",
    "train",
]
