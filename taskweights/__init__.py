"""taskweights: tune fixed multi-task loss weights with Optuna, or learn them? Run both, compare.

The code lives in three layers, each a subpackage: `taskweights.models` (PyTorch),
`taskweights.search` (Optuna studies and the comparison) and `taskweights.app` (HTTP API,
workers, database, command line). See docs/architecture.md.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("taskweights")
except PackageNotFoundError:  # a checkout on sys.path without an install
    __version__ = "0+unknown"
