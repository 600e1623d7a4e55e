"""Terminal output: the live progress of a running study and the comparison table."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from search import (
    ArmStarted,
    Comparison,
    EvaluationRunFinished,
    Event,
    PhaseStarted,
    TrialFinished,
)


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
        self.bars: dict[str, int] = {}

    def __enter__(self) -> StudyProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def _bar(self, key: str, total: int, done: int = 0) -> int:
        if key not in self.bars:
            self.bars[key] = self.progress.add_task(key, total=total, completed=done, detail="")
        return self.bars[key]

    def __call__(self, event: Event) -> None:
        match event:
            case PhaseStarted(phase="done"):
                pass
            case PhaseStarted(phase=phase):
                self.progress.console.log(f"phase: {phase}")
            case ArmStarted(arm=arm, done=done, budget=budget):
                self._bar(arm, budget, done)
            case TrialFinished(arm=arm, done=done, budget=budget, best=best):
                detail = "" if best is None else f"best {best:+.3f}"
                self.progress.update(self._bar(arm, budget), completed=done, detail=detail)
            case EvaluationRunFinished(done=done, total=total):
                bar = self._bar("final evaluation", total)
                self.progress.update(bar, completed=done, detail=f"{event.arm} seed {event.seed}")


def _pm(mean: float, std: float, digits: int = 3) -> str:
    return f"{mean:.{digits}f} ± {std:.{digits}f}"


def comparison_table(comparison: Comparison) -> Table:
    tasks = [t.name for t in comparison.tasks]
    table = Table(title=f"{comparison.study}: held-out test, mean ± std over seeds")
    table.add_column("arm")
    table.add_column("weights (sum 1)")
    table.add_column("sigmas")
    for task in comparison.tasks:
        arrow = "↑" if task.higher_is_better else "↓"
        table.add_column(f"{task.name}\n{task.metric} {arrow}", justify="right")
    table.add_column("Δm % ↑", justify="right")
    table.add_column("search\ntrials / epochs / s", justify="right")
    reference = comparison.reference
    table.add_row(
        "equal (reference)",
        "",
        "",
        *(_pm(reference[t].mean, reference[t].std) for t in tasks),
        "0",
        "",
    )
    for arm in comparison.arms:
        config = arm.config
        weights = " ".join(f"{config.weights[t]:.2f}" for t in tasks) if config else "-"
        sigmas = (
            " ".join(f"{config.sigmas[t]:.2f}" for t in tasks) if config and config.sigmas else ""
        )
        metrics = [_pm(arm.test[t].mean, arm.test[t].std) if arm.test else "-" for t in tasks]
        dm = _pm(arm.delta_m.mean, arm.delta_m.std, 2) if arm.delta_m else (arm.error or "-")
        compute = arm.compute
        table.add_row(
            arm.arm,
            weights,
            sigmas,
            *metrics,
            dm,
            f"{compute.trials} / {compute.epochs} / {compute.seconds:.0f}",
        )
    table.caption = "weights and sigmas in task order: " + ", ".join(tasks)
    return table


def print_comparison(console: Console, comparison: Comparison) -> None:
    console.print(comparison_table(comparison))
    console.print(f"[bold]Verdict:[/bold] {comparison.verdict.statement}")
