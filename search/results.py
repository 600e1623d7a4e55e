"""What a comparison says, as data: the shapes the API serves, the CLI prints and scripts read.

Plain pydantic models (no Optuna, no torch): `taskweights.Client` returns them too.
`Comparison.rows()` flattens the arms into one record per (arm, seed) run; `to_frame()` makes
that a pandas DataFrame when pandas is installed.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from taskweights.search.scores import TaskInfo

if TYPE_CHECKING:
    import pandas


class Summary(BaseModel):
    mean: float
    std: float  # sample standard deviation over seeds (0 with one seed)

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        std = statistics.stdev(values) if len(values) > 1 else 0.0
        return cls(mean=statistics.fmean(values), std=std)


class ArmConfig(BaseModel):
    weights: dict[str, float]  # normalised to sum to 1, so arms compare directly
    sigmas: dict[str, float] | None = None  # uncertainty weighting: mean learned sigma per task
    lr: float
    params: dict[str, object] = {}


class Compute(BaseModel):
    """What the arm's search spent (final evaluation costs every arm the same)."""

    trials: int
    epochs: int
    seconds: float


class SeedRun(BaseModel):
    seed: int
    test: dict[str, float]
    delta_m: float
    score: float


class ArmResult(BaseModel):
    arm: str
    strategy: str
    config: ArmConfig | None
    test: dict[str, Summary]
    delta_m: Summary | None
    score: Summary | None
    compute: Compute
    runs: list[SeedRun]
    failed_runs: int
    error: str | None = None


Answer = Literal["tune", "learn", "tie"]


class Difference(BaseModel):
    """One test of the first arm against the second, oriented so that positive = first better."""

    difference: float  # mean over seeds (paired) or difference of means (Welch)
    ci: tuple[float, float]  # 95 % t interval of `difference`
    p_value: float
    p_holm: float  # Holm-corrected over the family it belongs to
    significant: bool  # p_holm < 0.05


class TaskDifference(Difference):
    task: str  # the task's test metric, in its own units


class Pair(Difference):
    """The tuned arm against one learned arm, on the study's score (`difference` in its units;
    Holm over the pairs) and per task (Holm over the tasks)."""

    arm: str  # the learned arm
    seeds: int  # runs compared (shared seeds, for a paired test)
    tasks: list[TaskDifference]


class Dynamics(Difference):
    """A learned arm against its final weights held fixed (`analysis.frozen`), on the study's
    score (positive = the learned arm better; Holm over the learned arms) and per task: is the
    result the weights it ends with, or the way they move on the way there?"""

    arm: str  # the learned arm
    frozen: str  # its frozen arm
    seeds: int
    tasks: list[TaskDifference]
    statement: str


class Verdict(BaseModel):
    """Tune or learn: the tuned arm against each learned arm, and the answer against the best."""

    answer: Answer | None  # None: too few runs to test
    tuned: str | None
    learned: str | None  # the learned arm with the best mean score
    test: str  # which test, over how many seeds
    pairs: list[Pair]
    statement: str


class CurvePoint(BaseModel):
    k: int  # trials
    low: float | None  # None: beyond what the data can bound
    mid: float | None
    high: float | None


class TuningCurve(BaseModel):
    method: str  # how the curve and its band were made
    points: list[CurvePoint]


class Match(BaseModel):
    """Tuned trials needed to reach a learned arm's validation score (None: not in budget)."""

    mid: int | None
    low: int | None  # on the band's optimistic edge
    high: int | None  # on its pessimistic edge
    target: float | None = None  # the learned arm's best validation score


class ParetoPoint(BaseModel):
    trial: int  # the tuned trial's number
    weights: dict[str, float]  # normalised to sum to 1
    metrics: dict[str, float]  # validation, per task, in the metric's own units


class LearnedPosition(BaseModel):
    arm: str
    metrics: dict[str, float]  # its best search trial's validation metrics
    dominated: bool  # some front point is at least as good on every task, better on one
    margin: float  # max over front points of their smallest per-task lead (> 0: dominated)


class Pareto(BaseModel):
    """The tuned trials' non-dominated set, and each learned arm against it."""

    front: list[ParetoPoint]
    learned: list[LearnedPosition]
    dominated: list[ParetoPoint] = []  # the other tuned trials, behind the front


class Diagnostic(BaseModel):
    """A reason to doubt part of a result, and what to do about it."""

    code: str  # sigma_not_converged, weight_at_range_edge, budget_small, winners_curse,
    # weight_collapse, failed_trials, duplicate_trials
    arm: str | None
    task: str | None
    message: str


class Band(BaseModel):
    """Per epoch, a quantity's mean over the evaluation seeds and its range."""

    mean: list[float]
    low: list[float]
    high: list[float]


class Trajectory(BaseModel):
    """How a learned arm's weights (normalised to sum 1 each epoch) and sigmas moved during its
    final-evaluation runs: per task, a band over seeds."""

    arm: str
    epochs: list[int]
    weights: dict[str, Band]
    sigmas: dict[str, Band] | None = None


class Comparison(BaseModel):
    study: str
    score: str
    tasks: list[TaskInfo]
    reference: dict[str, Summary]  # equal weights' test metrics over the evaluation seeds
    arms: list[ArmResult]
    tuning_curve: TuningCurve | None = None  # the tuned arm's best validation score by trials
    trials_to_match: dict[str, Match] = {}  # per learned arm
    pareto: Pareto | None = None
    diagnostics: list[Diagnostic] = []
    verdict: Verdict  # under score: pareto, that of the front point best on validation Δm
    front: list[Verdict] = []  # score: pareto: one per evaluated front point (`tuned-<trial>`)
    dynamics: list[Dynamics] = []  # per learned arm with a frozen arm (`analysis.frozen`)
    trajectories: list[Trajectory] = []  # per learned arm, from the stored epochs

    def rows(self) -> list[dict[str, Any]]:
        """One record per final-evaluation run: arm, strategy, seed, Δm, score, test metrics."""
        return [
            {
                "arm": arm.arm,
                "strategy": arm.strategy,
                "seed": run.seed,
                "delta_m": run.delta_m,
                "score": run.score,
                **{f"test.{task}": value for task, value in run.test.items()},
            }
            for arm in self.arms
            for run in arm.runs
        ]

    def plot(
        self, name: str, format: str = "png", true_sigmas: dict[str, float] | None = None
    ) -> bytes:
        """One plot (weights, tasks, tuning, pareto, compute) as PNG or SVG bytes, drawn with
        matplotlib from this comparison alone (search/plots.py)."""
        from taskweights.search.plots import render

        return render(name, self, true_sigmas=true_sigmas, format=format)

    def to_frame(self) -> pandas.DataFrame:
        """`rows()` as a pandas DataFrame (pandas is optional: `pip install pandas`)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("Comparison.to_frame() needs pandas: pip install pandas") from None
        return pandas.DataFrame(self.rows())
