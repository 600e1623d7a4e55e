"""Exceptions raised by the PyTorch layer.

ModelsError
├── ConfigurationError (also ValueError): a task, network, problem or strategy was built wrong
└── DivergedError: the training loss stopped being finite
"""


class ModelsError(Exception):
    """Base class of every error `models/` raises on purpose."""


class ConfigurationError(ModelsError, ValueError):
    """A component got an argument it cannot work with; the message names it."""


class DivergedError(ModelsError):
    """Training produced a non-finite loss: the run cannot continue, the study can."""
