"""The names `taskweights.search` offers; each loads its module on first use."""

from .arms import EVALUATION, REFERENCE, TUNED, Arm, build_arms
from .checks import check_against_models, validate_spec
from .comparison import load_comparison
from .errors import (
    SearchError,
    SpecError,
    StudyCancelled,
    StudyConflictError,
    StudyNotFoundError,
)
from .events import (
    ArmStarted,
    EpochFinished,
    EvaluationRunFinished,
    Event,
    EventHandler,
    PhaseStarted,
    TrialFinished,
)
from .pages import TrialSummary, trial_page
from .plan import DONE, Unit, next_stage, phase_of, run_unit, units_of
from .progress import (
    ArmProgress,
    StudyProgress,
    delete_optuna_studies,
    study_progress,
)
from .records import counts_toward_budget, failure_reason
from .results import ArmResult, Comparison, Summary, Verdict
from .runner import run_reference_phase, run_search_arm, study_context
from .scores import TaskInfo
from .spec import SpecSource, StudySpec, load_spec, parse_spec
from .storage import open_storage, optuna_study_name, storage_at
from .studies import prepare_study

__all__ = [
    "DONE",
    "EVALUATION",
    "REFERENCE",
    "TUNED",
    "Arm",
    "ArmProgress",
    "ArmResult",
    "ArmStarted",
    "Comparison",
    "EpochFinished",
    "EvaluationRunFinished",
    "Event",
    "EventHandler",
    "PhaseStarted",
    "SearchError",
    "SpecError",
    "SpecSource",
    "StudyCancelled",
    "StudyConflictError",
    "StudyNotFoundError",
    "StudyProgress",
    "StudySpec",
    "Summary",
    "TaskInfo",
    "TrialFinished",
    "TrialSummary",
    "Unit",
    "Verdict",
    "build_arms",
    "check_against_models",
    "counts_toward_budget",
    "delete_optuna_studies",
    "failure_reason",
    "load_comparison",
    "load_spec",
    "next_stage",
    "open_storage",
    "optuna_study_name",
    "parse_spec",
    "phase_of",
    "prepare_study",
    "run_reference_phase",
    "run_search_arm",
    "run_unit",
    "storage_at",
    "study_context",
    "study_progress",
    "trial_page",
    "units_of",
    "validate_spec",
]
