"""Progress events a running study emits; the CLI draws them, the API will stream them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # a record of the training loop; events themselves need no torch
    from taskweights.models import EpochRecord

Phase = Literal["reference", "search", "evaluation", "done"]


@dataclass(frozen=True)
class PhaseStarted:
    phase: Phase


@dataclass(frozen=True)
class ArmStarted:
    arm: str
    done: int
    budget: int


@dataclass(frozen=True)
class TrialFinished:
    arm: str
    number: int
    state: str  # COMPLETE, PRUNED or FAIL
    value: float | None
    done: int
    budget: int
    best: float | None


@dataclass(frozen=True)
class EvaluationRunFinished:
    arm: str
    seed: int
    failed: bool
    done: int
    total: int


@dataclass(frozen=True)
class EpochFinished:
    """One epoch of one training run, as it happens (reference, search trial or evaluation)."""

    arm: str
    phase: Phase
    trial: int  # the run's trial number in its Optuna study
    seed: int
    record: EpochRecord


Event = PhaseStarted | ArmStarted | TrialFinished | EvaluationRunFinished | EpochFinished
EventHandler = Callable[[Event], None]
StopCheck = Callable[[], bool]


def ignore(event: Event) -> None:
    """The default handler: nobody is watching."""


def never() -> bool:
    """The default stop check: nobody can cancel."""
    return False
