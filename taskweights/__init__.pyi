"""The public Python API of taskweights; each name loads its module on first use."""

from .app.client import ApiError, Client
from .app.errors import StudyNotFinishedError
from .app.local import add_dataset, load_comparison, run_study
from .search.errors import SpecError, StudyConflictError, StudyNotFoundError
from .search.results import ArmResult, Comparison, Verdict
from .search.spec import StudySpec, load_spec

__version__: str

__all__ = [
    "ApiError",
    "ArmResult",
    "Client",
    "Comparison",
    "SpecError",
    "StudyConflictError",
    "StudyNotFinishedError",
    "StudyNotFoundError",
    "StudySpec",
    "Verdict",
    "add_dataset",
    "load_comparison",
    "load_spec",
    "run_study",
]
