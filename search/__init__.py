"""The search layer: study specs, Optuna studies per arm, final evaluation and the comparison.

It knows Optuna and the database, never HTTP.
"""

from taskweights.search.arms import EVALUATION, REFERENCE, TUNED, Arm, build_arms
from taskweights.search.comparison import Comparison, load_comparison
from taskweights.search.errors import (
    SearchError,
    SpecError,
    StudyCancelled,
    StudyConflictError,
    StudyNotFoundError,
)
from taskweights.search.events import (
    ArmStarted,
    EpochFinished,
    EvaluationRunFinished,
    Event,
    EventHandler,
    PhaseStarted,
    TrialFinished,
)
from taskweights.search.plan import DONE, Unit, phase_of, run_study, run_unit, units_of
from taskweights.search.progress import (
    ArmProgress,
    StudyProgress,
    arm_trials,
    delete_optuna_studies,
    study_progress,
)
from taskweights.search.runner import (
    prepare_study,
    run_reference_phase,
    run_search_arm,
    study_context,
)
from taskweights.search.spec import StudySpec, load_spec, validate_spec
from taskweights.search.storage import open_storage, optuna_study_name, storage_at
from taskweights.search.trials import counts_toward_budget, failure_reason

__all__ = [
    "DONE",
    "EVALUATION",
    "REFERENCE",
    "TUNED",
    "Arm",
    "ArmProgress",
    "ArmStarted",
    "Comparison",
    "EpochFinished",
    "EvaluationRunFinished",
    "Event",
    "EventHandler",
    "PhaseStarted",
    "SearchError",
    "SpecError",
    "StudyCancelled",
    "StudyConflictError",
    "StudyNotFoundError",
    "StudyProgress",
    "StudySpec",
    "TrialFinished",
    "Unit",
    "arm_trials",
    "build_arms",
    "counts_toward_budget",
    "delete_optuna_studies",
    "failure_reason",
    "load_comparison",
    "load_spec",
    "open_storage",
    "optuna_study_name",
    "phase_of",
    "prepare_study",
    "run_reference_phase",
    "run_search_arm",
    "run_study",
    "run_unit",
    "storage_at",
    "study_context",
    "study_progress",
    "units_of",
    "validate_spec",
]
