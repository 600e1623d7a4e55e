"""The PyTorch layer: problems, networks, tasks, weighting strategies and the training loop.

It knows nothing of Optuna, SQL or HTTP.
"""

import lazy_loader

# what the package offers is listed once, in __init__.pyi (which type checkers read too); a name
# imports its module when first used, so a torch-free part never loads torch through this file
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
