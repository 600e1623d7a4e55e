"""How long the report of a study with many tuned trials takes to build.

What: the study of bench/comparison_speed.py (TRIALS tuned trials, 5 learned arms, SEEDS
evaluation seeds), stored as a finished study would be: its row in our tables (done) and the
epochs of every learned arm's evaluation runs (what the weights plot draws). Then, timed:
- the page as the API serves it (`inline=False`: the comparison and the HTML; plots are
  requests of their own), the first time (the comparison built) and after (kept),
- the five plots drawn the first time, and served again from the cache,
- the page as `taskweights report` writes it (`inline=True`: every plot inlined).
Goal (issue 11): a 200-trial study's report in under 2 s; plots cached once it is done.

    python bench/report_speed.py [--trials 200]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable

import numpy as np
import optuna
from comparison_speed import LEARNED, TASKS, store

from taskweights.app.db import studies
from taskweights.app.db.database import Database, upgrade_database
from taskweights.app.db.tables import EpochRow, StudyRow
from taskweights.app.report.build import PLOT_CACHE, build_report, plot
from taskweights.search.plots import PLOTS
from taskweights.search.spec import StudySpec
from taskweights.search.storage import storage_at

GOAL_S = 2.0
EPOCHS = 30


def store_rows(db: Database, spec: StudySpec, seeds: int) -> int:
    """The study's row (done) and its learned arms' evaluation epochs; the row's id."""
    rng = np.random.default_rng(1)
    with db.session() as session:
        row = StudyRow(
            name=spec.name,
            spec=spec.model_dump(mode="json"),
            tasks=[task.model_dump() for task in TASKS],
            status="done",
            stage=5,
        )
        session.add(row)
        session.flush()
        session.add_all(
            EpochRow(
                study_id=row.id,
                arm=arm,
                phase="evaluation",
                trial=seed,
                seed=spec.seed + 1 + seed,
                epoch=epoch,
                train_loss={t.name: 0.1 for t in TASKS},
                val_loss={t.name: 0.1 for t in TASKS},
                val_metric={t.name: 0.9 for t in TASKS},
                weights={t.name: float(rng.uniform(0.1, 1)) for t in TASKS},
                sigmas={t.name: float(rng.uniform(0.1, 2)) for t in TASKS}
                if arm == "uncertainty"
                else None,
                seconds=0.01,
            )
            for arm in LEARNED
            for seed in range(seeds)
            for epoch in range(1, EPOCHS + 1)
        )
        return row.id


def timed(work: Callable[[], object], repeats: int) -> list[float]:
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    spec = StudySpec.model_validate(
        {
            "name": "report-speed",
            "problem": {"name": "digits"},
            "strategies": LEARNED,
            "tuned": {"trials": args.trials, "sampler": "random"},
            "evaluation": {"seeds": args.seeds},
        }
    )
    url = f"sqlite:///{tempfile.mkdtemp(prefix='taskweights-bench-')}/bench.db"
    upgrade_database(url)
    db = Database(url)
    links = {"self": "/studies/1", "events": "/studies/1/events"}
    with storage_at(url) as storage:
        store(storage, spec, args.trials, args.seeds)
        study_id = store_rows(db, spec, args.seeds)
        with db.sessions() as session:  # as the API's requests get theirs
            row = session.get_one(StudyRow, study_id)
            comparison = studies.finished_comparison(session, storage, row)

            def page() -> None:
                build_report(session, storage, row, links, inline=False)

            def first_page() -> None:
                studies.forget_finished()
                page()

            def plots() -> None:
                for name in PLOTS:
                    plot(row, comparison, name)

            def offline() -> None:
                build_report(session, storage, row, links, inline=True)

            def first_plots() -> None:
                PLOT_CACHE.clear()
                plots()

            built = timed(first_page, args.repeats)
            served = timed(page, args.repeats)
            drawn = timed(first_plots, 1)
            cached = timed(plots, args.repeats)
            written = timed(offline, args.repeats)
    db.dispose()
    print(f"{args.trials} tuned trials, 5 learned arms, {args.seeds} seeds; goal < {GOAL_S} s")
    rows = [
        ("served page, comparison built", built),
        ("served page, comparison kept", served),
        ("five plots, first drawing", drawn),
        ("five plots, from the cache", cached),
        ("offline file (plots cached)", written),
    ]
    for what, seconds in rows:
        median, worst = statistics.median(seconds), max(seconds)
        print(f"  {what:34s} median {1000 * median:7.0f} ms   worst {1000 * worst:7.0f} ms")
    first = statistics.median(built) + drawn[0]
    verdict = "meets" if first < GOAL_S else "MISSES"
    print(f"  a first full report (page + every plot drawn): {first:.2f} s: {verdict} the goal")


if __name__ == "__main__":
    main()
