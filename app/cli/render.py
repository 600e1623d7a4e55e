"""Terminal output: the live progress of a running study and the comparison table."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from taskweights.app.schemas import StudyPublic
from taskweights.search.events import (
    ArmStarted,
    EvaluationRunFinished,
    Event,
    PhaseStarted,
    TrialFinished,
)
from taskweights.search.results import Comparison, Verdict

if TYPE_CHECKING:
    from taskweights.app.client import Client


class StudyProgress:
    """One bar per arm (trials done / budget, best so far), one for the final evaluation."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=console,
        )
        self.bars: dict[str, TaskID] = {}

    def __enter__(self) -> StudyProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def _bar(self, key: str, total: int, done: int = 0) -> TaskID:
        if key not in self.bars:
            self.bars[key] = self.progress.add_task(key, total=total, completed=done, detail="")
        return self.bars[key]

    def __call__(self, event: Event) -> None:
        match event:
            case PhaseStarted(phase="done"):
                pass
            case PhaseStarted(phase=phase):
                stamp = time.strftime("%H:%M:%S")
                self.progress.console.print(f"[dim]{stamp}[/dim] phase: {phase}", highlight=False)
            case ArmStarted(arm=arm, done=done, budget=budget):
                self._bar(arm, budget, done)
            case TrialFinished(arm=arm, done=done, budget=budget, best=best):
                detail = "" if best is None else f"best {best:+.3f}"
                self.progress.update(self._bar(arm, budget), completed=done, detail=detail)
            case EvaluationRunFinished(done=done, total=total):
                bar = self._bar("final evaluation", total)
                detail = f"{event.arm} seed {event.seed}" if event.arm else ""
                self.progress.update(bar, completed=done, detail=detail)


def _pm(mean: float, std: float, digits: int = 3) -> str:
    return f"{mean:.{digits}f}±{std:.{digits}f}"


def results_table(comparison: Comparison) -> Table:
    """Held-out test metrics, Δm and the search compute of every arm."""
    tasks = [t.name for t in comparison.tasks]
    seeds = max((len(arm.runs) for arm in comparison.arms), default=0)
    table = Table(
        title=f"{comparison.study}: test split, mean±std over {seeds} seeds",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        pad_edge=False,
        show_edge=False,
    )
    table.add_column("arm", no_wrap=True)
    for task in comparison.tasks:
        arrow = "↑" if task.higher_is_better else "↓"
        table.add_column(f"{task.name}\n{task.metric}{arrow}", justify="right", no_wrap=True)
    table.add_column("Δm %\n↑", justify="right", no_wrap=True)
    reference = comparison.reference
    table.add_row(
        "equal (ref)",
        *(_pm(reference[t].mean, reference[t].std) for t in tasks),
        "0",
        style="dim",
    )
    for arm in comparison.arms:
        metrics = [_pm(arm.test[t].mean, arm.test[t].std) if arm.test else "-" for t in tasks]
        dm = _pm(arm.delta_m.mean, arm.delta_m.std, 2) if arm.delta_m else "failed"
        table.add_row(arm.arm, *metrics, dm)
    return table


def weights_table(comparison: Comparison) -> Table:
    """Each arm's weights, normalised to sum to 1 (learned: where training ended), and sigmas."""
    tasks = [t.name for t in comparison.tasks]
    with_sigmas = any(arm.config and arm.config.sigmas for arm in comparison.arms)
    table = Table(
        title="loss weights (sum 1): tuned = best trial; learned = final, seed mean",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    table.add_column("arm", no_wrap=True)
    for task in tasks:
        table.add_column(f"w {task}", justify="right")
    for task in tasks if with_sigmas else []:
        table.add_column(f"sigma {task}", justify="right")
    for arm in comparison.arms:
        config = arm.config
        if config is None:
            table.add_row(arm.arm, "failed")
            continue
        weights = [f"{config.weights[t]:.3f}" for t in tasks]
        sigmas = [f"{config.sigmas[t]:.3g}" if config.sigmas else "" for t in tasks]
        table.add_row(arm.arm, *weights, *(sigmas if with_sigmas else []))
    return table


def compute_table(comparison: Comparison) -> Table:
    """What each arm's search spent; the final evaluation costs every arm the same."""
    table = Table(title="search compute", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for column in ("arm", "trials", "epochs", "seconds", "lr (best)"):
        table.add_column(column, justify="left" if column == "arm" else "right")
    for arm in comparison.arms:
        compute, config = arm.compute, arm.config
        lr = f"{config.lr:.2g}" if config else "-"
        table.add_row(
            arm.arm, str(compute.trials), str(compute.epochs), f"{compute.seconds:.1f}", lr
        )
    return table


def pairs_table(comparison: Comparison, verdict: Verdict) -> Table:
    """A tuned arm (or front point) against each learned arm: the score's difference and each
    task's (+ = tuned better)."""
    table = Table(
        title=f"{verdict.tuned} against each learned arm (+ = {verdict.tuned} better; "
        f"{verdict.test})",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    score = (
        comparison.score.removeprefix("task:") if comparison.score.startswith("task:") else "Δm"
    )
    for column in ("arm", score, "95% CI", "p (Holm)"):
        table.add_column(column, justify="left" if column == "arm" else "right", no_wrap=True)
    for task in comparison.tasks:
        table.add_column(task.name, justify="right", no_wrap=True)
    for pair in verdict.pairs:
        tasks = {t.task: t for t in pair.tasks}
        table.add_row(
            pair.arm,
            f"{pair.difference:+.3g}" + (" *" if pair.significant else ""),
            f"[{pair.ci[0]:+.2g}, {pair.ci[1]:+.2g}]",
            f"{pair.p_holm:.2g}",
            *(
                f"{tasks[t.name].difference:+.2g}" + (" *" if tasks[t.name].significant else "")
                if t.name in tasks
                else "-"
                for t in comparison.tasks
            ),
        )
    return table


def print_comparison(console: Console, comparison: Comparison) -> None:
    console.print(results_table(comparison))
    console.print(weights_table(comparison))
    console.print(compute_table(comparison))
    verdicts = comparison.front or [comparison.verdict]
    for verdict in verdicts:
        if verdict.pairs:
            console.print(pairs_table(comparison, verdict))
    if any(verdict.pairs for verdict in verdicts):
        console.print("[dim]* significant at 0.05 after Holm's correction[/dim]")
    for arm in comparison.arms:
        if arm.error:
            console.print(f"[red]{arm.arm}[/red]: {arm.error}", highlight=False)
    for dynamics in comparison.dynamics:
        console.print(f"[bold]Endpoint or dynamics:[/bold] {dynamics.statement}", highlight=False)
    if comparison.pareto is not None:
        front = comparison.pareto.front
        console.print(
            f"tuned Pareto front of validation metrics: {len(front)} trials", highlight=False
        )
        for place in comparison.pareto.learned:
            where = (
                f"dominated by the front (every task behind by at least {place.margin:.2g})"
                if place.dominated
                else "on or beyond the front (against every front trial, ahead by at least "
                f"{-place.margin:.2g} on some task)"
            )
            console.print(f"  {place.arm}: {where}", highlight=False)
    for found in comparison.diagnostics:
        where = " ".join(part for part in (found.arm, found.task) if part)
        console.print(
            f"[yellow]warning[/yellow] {found.code} ({escape(where)}): {escape(found.message)}",
            highlight=False,
        )
    for verdict in comparison.front:
        if verdict.tuned != comparison.verdict.tuned:
            console.print(f"Front point {verdict.tuned}: {verdict.statement}", highlight=False)
    picked = " (the front point best on validation Δm)" if comparison.front else ""
    console.print(f"[bold]Verdict{picked}:[/bold] {comparison.verdict.statement}", highlight=False)


def print_status(console: Console, study: StudyPublic) -> None:
    """A submitted study's status, phase and per-arm progress."""
    console.print(
        f"study {study.id} [bold]{study.name}[/bold]: {study.status}, phase {study.phase}",
        highlight=False,
    )
    if study.error:
        console.print(f"[red]error:[/red] {study.error}", highlight=False)
    for arm in study.arms:
        best = "" if arm.best is None else f"  best {arm.best:+.3f}"
        console.print(f"  {arm.arm:<14} {arm.done}/{arm.budget} trials{best}")
    evaluation = study.evaluation
    console.print(f"  {'evaluation':<14} {evaluation.done}/{evaluation.total} runs")


def follow_events(client: Client, study_id: int, console: Console) -> StudyPublic:
    """Draw a submitted study's progress from its server-sent events; return the final state."""
    final: StudyPublic | None = None
    with StudyProgress(console) as progress:
        for event, data in client.events(study_id):
            if event == "phase":
                progress(PhaseStarted(phase=data["phase"]))
            elif event == "trial":
                progress(
                    TrialFinished(
                        data["arm"], -1, "", None, data["done"], data["budget"], data["best"]
                    )
                )
            elif event == "evaluation" and data["total"]:
                progress(EvaluationRunFinished("", 0, False, data["done"], data["total"]))
            elif event == "done":
                final = StudyPublic.model_validate(data)
    return final if final is not None else client.study(study_id)
