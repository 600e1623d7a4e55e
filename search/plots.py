"""Plots of a comparison, each drawn from the `Comparison` alone (so from the stored study).

matplotlib's object API on its Agg canvas, never pyplot (its figure registry is global state),
one figure at a time (`_DRAWING`): the API draws in request threads. No network, no fonts
beyond matplotlib's own.

    weights  each learned arm's weights (sum 1) per epoch, band over seeds; sigmas with the
             true noise where the problem knows it
    tasks    per task, each arm's test metric (mean ± sd over seeds), the reference dashed
    tuning   the tuned arm's tuning curve and band, each learned arm's validation score, and
             the trials the curve needs to reach it
    pareto   the tuned trials' validation metrics per pair of tasks, the front drawn, the
             learned arms marked
    compute  each arm's score against the epochs its search spent

Arms with fixed weights (the tuned arm, its front points, frozen copies, equal) are drawn in
one colour family, learned arms in another, so the two schools read apart at a glance.
"""

from __future__ import annotations

import io
import itertools
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from taskweights.search.results import ArmResult, Comparison
from taskweights.search.scores import TaskInfo

Format = Literal["png", "svg"]
TrueSigmas = Mapping[str, float] | None
FIXED_STRATEGIES = ("fixed", "equal")
TUNED_COLOURS = ["#1f4e9e", "#4f7fd0", "#86a9e6", "#2a7f8e", "#5fb3c2"]
LEARNED_COLOURS = ["#c0461b", "#e08a1e", "#8e3b8e", "#3c8d3c", "#b8860b", "#a33b5c", "#6b6b2a"]
SIZE = (8.0, 5.0)  # inches at 100 dpi: 800 x 500 pixels
# matplotlib shares its settings and font and text caches between threads, pyplot or not: the
# API's request threads draw one figure at a time
_DRAWING = threading.Lock()
# SVG element ids come from a salted hash, random unless salted: the same plot, the same bytes
matplotlib.rcParams["svg.hashsalt"] = "taskweights"


def colours(arms: Sequence[ArmResult]) -> dict[str, str]:
    """A stable colour per arm: blues for fixed weights, warm colours for learned ones."""
    tuned = itertools.cycle(TUNED_COLOURS)
    learned = itertools.cycle(LEARNED_COLOURS)
    return {arm.arm: next(tuned if arm.strategy in FIXED_STRATEGIES else learned) for arm in arms}


def _figure(panels: int, columns: int = 3) -> tuple[Figure, list[Axes]]:
    columns = max(1, min(columns, panels))
    rows = math.ceil(panels / columns)
    figure = Figure(figsize=(SIZE[0], max(SIZE[1], 3.2 * rows)), dpi=100, layout="constrained")
    grid = figure.subplots(rows, columns, squeeze=False)
    axes = [ax for row in grid for ax in row]
    for spare in axes[panels:]:
        spare.set_visible(False)
    return figure, axes[:panels]


def _nothing(title: str, reason: str) -> Figure:
    """A figure that says why there is nothing to draw (never an error)."""
    figure, [ax] = _figure(1)
    ax.set_title(title)
    ax.text(0.5, 0.5, reason, ha="center", va="center", wrap=True, transform=ax.transAxes)
    ax.set_axis_off()
    return figure


def _direction(task: TaskInfo) -> str:
    return (
        f"{task.name}: {task.metric} ({'higher' if task.higher_is_better else 'lower'} is better)"
    )


def weights_plot(comparison: Comparison, true_sigmas: TrueSigmas = None) -> Figure:
    trajectories = comparison.trajectories
    if not trajectories:
        return _nothing("Learned weights", "no learned arm's weights recorded epoch by epoch")
    with_sigmas = [t for t in trajectories if t.sigmas]
    figure, axes = _figure(len(trajectories) + len(with_sigmas))
    task_colours = dict(zip((t.name for t in comparison.tasks), LEARNED_COLOURS, strict=False))
    for ax, trajectory in zip(axes, trajectories, strict=False):
        for task, band in trajectory.weights.items():
            colour = task_colours.get(task)
            ax.plot(trajectory.epochs, band.mean, color=colour, label=task)
            ax.fill_between(trajectory.epochs, band.low, band.high, color=colour, alpha=0.2)
        ax.set_title(f"{trajectory.arm}: weights")
        ax.set_xlabel("epoch")
        ax.set_ylabel("share of the loss weight")
        ax.set_ylim(0, 1)
        ax.legend(fontsize="small")
    for ax, trajectory in zip(axes[len(trajectories) :], with_sigmas, strict=True):
        for task, band in (trajectory.sigmas or {}).items():
            colour = task_colours.get(task)
            ax.plot(trajectory.epochs, band.mean, color=colour, label=f"{task}")
            ax.fill_between(trajectory.epochs, band.low, band.high, color=colour, alpha=0.2)
            if true_sigmas and task in true_sigmas:
                ax.axhline(true_sigmas[task], color=colour, linestyle="--", linewidth=1)
        ax.set_title(
            f"{trajectory.arm}: sigmas" + (" (dashed: true noise)" if true_sigmas else "")
        )
        ax.set_xlabel("epoch")
        ax.set_ylabel("sigma")
        ax.set_yscale("log")
        ax.legend(fontsize="small")
    figure.suptitle("Learned weights during training (mean and range over evaluation seeds)")
    return figure


def tasks_plot(comparison: Comparison, true_sigmas: TrueSigmas = None) -> Figure:
    arms = [arm for arm in comparison.arms if arm.test]
    if not arms:
        return _nothing("Test metrics", "no arm finished its evaluation runs")
    figure, axes = _figure(len(comparison.tasks))
    palette = colours(comparison.arms)
    for ax, task in zip(axes, comparison.tasks, strict=True):
        positions = range(len(arms))
        for x, arm in zip(positions, arms, strict=True):
            summary = arm.test[task.name]
            ax.errorbar(x, summary.mean, yerr=summary.std, fmt="o", color=palette[arm.arm])
        reference = comparison.reference[task.name].mean
        ax.axhline(reference, color="grey", linestyle="--", linewidth=1, label="equal (reference)")
        ax.set_xticks(list(positions), [arm.arm for arm in arms], rotation=45, ha="right")
        ax.set_title(task.name)
        ax.set_ylabel(_direction(task), fontsize="small")
        ax.legend(fontsize="small")
    figure.suptitle("Test metric per task (mean ± sd over evaluation seeds)")
    return figure


def tuning_plot(comparison: Comparison, true_sigmas: TrueSigmas = None) -> Figure:
    curve = comparison.tuning_curve
    if curve is None:
        return _nothing("Tuning curve", "no tuned trial completed: there is no tuning curve")
    figure, [ax] = _figure(1)
    ks = [p.k for p in curve.points]
    mids = [math.nan if p.mid is None else p.mid for p in curve.points]
    lows = [math.nan if p.low is None else p.low for p in curve.points]
    highs = [math.nan if p.high is None else p.high for p in curve.points]
    ax.plot(ks, mids, color=TUNED_COLOURS[0], label="tuned: best after k trials")
    ax.fill_between(ks, lows, highs, color=TUNED_COLOURS[0], alpha=0.2, label="band")
    palette = colours(comparison.arms)
    for arm, match in comparison.trials_to_match.items():
        if match.target is None:
            continue
        colour = palette.get(arm, LEARNED_COLOURS[0])
        ax.axhline(match.target, color=colour, linestyle="--", linewidth=1, label=arm)
        if match.mid is not None:
            ax.plot([match.mid], [match.target], "o", color=colour)
            ax.annotate(
                f"{match.mid}",
                (match.mid, match.target),
                textcoords="offset points",
                xytext=(4, 4),
                fontsize="small",
                color=colour,
            )
    ax.set_xlabel("tuned trials (k)")
    score = "Δm (%)" if comparison.score in ("delta_m", "pareto") else comparison.score
    ax.set_ylabel(f"validation {score}")
    ax.set_title(f"Tuning curve: {curve.method}", fontsize="small", wrap=True)
    ax.legend(fontsize="small", loc="lower right")
    return figure


def pareto_plot(comparison: Comparison, true_sigmas: TrueSigmas = None) -> Figure:
    pareto = comparison.pareto
    tasks = comparison.tasks
    if pareto is None or len(tasks) < 2:
        return _nothing("Pareto front", "no tuned trial completed, or a single task")
    pairs = list(itertools.combinations(tasks, 2))
    figure, axes = _figure(len(pairs))
    palette = colours(comparison.arms)
    for ax, (first, second) in zip(axes, pairs, strict=True):
        behind = pareto.dominated
        ax.scatter(
            [p.metrics[first.name] for p in behind],
            [p.metrics[second.name] for p in behind],
            s=12,
            color="#b0b8c8",
            label="tuned trials",
        )
        front = sorted(pareto.front, key=lambda p: p.metrics[first.name])
        ax.plot(
            [p.metrics[first.name] for p in front],
            [p.metrics[second.name] for p in front],
            "o-",
            color=TUNED_COLOURS[0],
            markersize=4,
            label="tuned front",
        )
        for place in pareto.learned:
            ax.scatter(
                [place.metrics[first.name]],
                [place.metrics[second.name]],
                marker="*",
                s=120,
                color=palette.get(place.arm, LEARNED_COLOURS[0]),
                label=place.arm,
                zorder=3,
            )
        ax.set_xlabel(_direction(first), fontsize="small")
        ax.set_ylabel(_direction(second), fontsize="small")
    axes[0].legend(fontsize="small")
    figure.suptitle("Validation metrics: the tuned front and the learned arms")
    return figure


def compute_plot(comparison: Comparison, true_sigmas: TrueSigmas = None) -> Figure:
    arms = [arm for arm in comparison.arms if arm.score is not None]
    if not arms:
        return _nothing("Compute", "no arm finished its evaluation runs")
    figure, [ax] = _figure(1)
    palette = colours(comparison.arms)
    for arm in arms:
        assert arm.score is not None
        epochs = max(arm.compute.epochs, 1)  # frozen arms search nothing: drawn at 1
        ax.errorbar(epochs, arm.score.mean, yerr=arm.score.std, fmt="o", color=palette[arm.arm])
        ax.annotate(
            arm.arm,
            (epochs, arm.score.mean),
            textcoords="offset points",
            xytext=(5, 3),
            fontsize="small",
        )
    ax.set_xscale("log")
    ax.set_xlabel("epochs spent by the arm's search (log)")
    score = "Δm (%)" if comparison.score in ("delta_m", "pareto") else comparison.score
    ax.set_ylabel(f"test {score} (mean ± sd)")
    ax.axhline(0 if score == "Δm (%)" else math.nan, color="grey", linestyle="--", linewidth=1)
    ax.set_title("Score against search compute")
    return figure


PLOTS: dict[str, Callable[[Comparison, TrueSigmas], Figure]] = {
    "weights": weights_plot,
    "tasks": tasks_plot,
    "tuning": tuning_plot,
    "pareto": pareto_plot,
    "compute": compute_plot,
}


class UnknownPlotError(KeyError):
    def __str__(self) -> str:
        return f"no plot named {self.args[0]!r}; plots: {', '.join(PLOTS)}"


def render(
    name: str, comparison: Comparison, *, true_sigmas: TrueSigmas = None, format: str = "png"
) -> bytes:
    """The plot called `name` as PNG or SVG bytes (no dates inside: the same study, the same
    bytes)."""
    if name not in PLOTS:
        raise UnknownPlotError(name)
    out = io.BytesIO()
    metadata = {"Date": None} if format == "svg" else {"Software": None}
    with _DRAWING:
        figure = PLOTS[name](comparison, true_sigmas)
        FigureCanvasAgg(figure).print_figure(out, format=format, metadata=metadata)
    return out.getvalue()
