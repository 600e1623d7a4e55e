"""The search layer: study specs, Optuna studies per arm, final evaluation and the comparison.

It knows Optuna and the database, never HTTP.
"""

from search.comparison import Comparison, load_comparison
from search.errors import SearchError, SpecError, StudyConflictError, StudyNotFoundError
from search.events import (
    ArmStarted,
    EvaluationRunFinished,
    Event,
    EventHandler,
    PhaseStarted,
    TrialFinished,
)
from search.runner import run_study
from search.spec import StudySpec, load_spec, validate_spec
from search.storage import open_storage, optuna_study_name, storage_at

__all__ = [
    "ArmStarted",
    "Comparison",
    "EvaluationRunFinished",
    "Event",
    "EventHandler",
    "PhaseStarted",
    "SearchError",
    "SpecError",
    "StudyConflictError",
    "StudyNotFoundError",
    "StudySpec",
    "TrialFinished",
    "load_comparison",
    "load_spec",
    "open_storage",
    "optuna_study_name",
    "run_study",
    "storage_at",
    "validate_spec",
]
