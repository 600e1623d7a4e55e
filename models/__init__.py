"""The PyTorch layer: problems, networks, tasks, weighting strategies and the training loop.

It knows nothing of Optuna, SQL or HTTP.
"""

from models.errors import ConfigurationError, DivergedError, ModelsError
from models.networks import MultiTaskNet, TrunkConfig
from models.problems import (
    ENTRY_POINT_GROUP,
    Problem,
    Split,
    available_problems,
    build_problem,
    problem_parameters,
)
from models.strategies import (
    STRATEGIES,
    GradientWeighting,
    LossWeighting,
    WeightingStrategy,
    build_strategy,
    strategy_parameters,
)
from models.tasks import Task
from models.training import (
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
