"""Exceptions raised by the PyTorch layer.

ModelsError
├── ConfigurationError (also ValueError): a task, network, problem or strategy was built wrong
│   └── ParameterError: one problem parameter is wrong (it names which: `targets.1.column`)
└── DivergedError: the training loss stopped being finite
"""


class ModelsError(Exception):
    """Base class of every error `models/` raises on purpose."""


class ConfigurationError(ModelsError, ValueError):
    """A component got an argument it cannot work with; the message names it."""


class ParameterError(ConfigurationError):
    """A problem parameter cannot be used: `parameter` is its path within the parameters."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


class DivergedError(ModelsError):
    """Training produced a non-finite loss: the run cannot continue, the study can."""
