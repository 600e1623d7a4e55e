"""How long building a comparison takes for a study with many tuned trials.

What: a study stored through Optuna as a finished one would be (TRIALS tuned trials with
their records, one trial per learned arm, the evaluation runs of every arm on SEEDS seeds),
then `load_comparison` (verdict, tuning curve, Pareto view, diagnostics) timed REPEATS times.
Goal (issue 10): under 1 s at 200 trials. Prints the median and the worst time, both samplers.

    python bench/comparison_speed.py [--trials 200] [--db URL]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import numpy as np
import optuna
from optuna.distributions import FloatDistribution
from optuna.trial import create_trial

from taskweights.search.comparison import load_comparison
from taskweights.search.records import TrialRecord
from taskweights.search.scores import TaskInfo
from taskweights.search.spec import StudySpec
from taskweights.search.storage import storage_at

GOAL_S = 1.0
TASKS = [
    TaskInfo(name="digit", metric="accuracy", higher_is_better=True),
    TaskInfo(name="group3", metric="accuracy", higher_is_better=True),
    TaskInfo(name="recon", metric="rmse", higher_is_better=False),
]
LEARNED = ["uncertainty", "dwa", "gradnorm", "alpha", "rlw"]


def attrs(**fields: object) -> dict[str, object]:
    return TrialRecord.model_validate(fields).model_dump(mode="json", exclude_unset=True)


def store(storage: optuna.storages.BaseStorage, spec: StudySpec, trials: int, seeds: int) -> None:
    rng = np.random.default_rng(0)
    weight = FloatDistribution(0.01, 100, log=True)
    space: dict[str, optuna.distributions.BaseDistribution] = {
        "w_group3": weight,
        "w_recon": weight,
    }

    def metrics() -> dict[str, float]:
        return {
            "digit": rng.uniform(0.8, 1),
            "group3": rng.uniform(0.9, 1),
            "recon": rng.uniform(0.2, 0.4),
        }

    tuned = optuna.create_study(
        study_name=f"{spec.name}/tuned", storage=storage, direction="maximize"
    )
    tuned.add_trials(
        create_trial(
            params={
                "w_group3": float(rng.uniform(0.1, 10)),
                "w_recon": float(rng.uniform(0.1, 10)),
            },
            distributions=space,
            value=float(rng.normal()),
            intermediate_values={epoch: float(rng.normal()) for epoch in range(1, 31)},
            user_attrs=attrs(
                config={"strategy_params": {}, "lr": 0.001},
                val_metrics=metrics(),
                weights={"digit": 1.0, "group3": 1.0, "recon": 1.0},
                epochs=30,
            ),
        )
        for _ in range(trials)
    )
    for arm in LEARNED:
        study = optuna.create_study(
            study_name=f"{spec.name}/{arm}", storage=storage, direction="maximize"
        )
        study.add_trial(
            create_trial(
                value=float(rng.normal()),
                user_attrs=attrs(
                    config={"strategy_params": {}, "lr": 0.001},
                    val_metrics=metrics(),
                    weights={"digit": 0.3, "group3": 0.3, "recon": 0.4},
                    epochs=30,
                ),
            )
        )
    evaluation = optuna.create_study(
        study_name=f"{spec.name}/evaluation", storage=storage, direction="maximize"
    )
    evaluation.add_trials(
        create_trial(
            value=float(rng.normal()),
            user_attrs=attrs(
                arm=arm,
                seed=spec.seed + 1 + seed,
                test_metrics=metrics(),
                weights={"digit": 0.3, "group3": 0.3, "recon": 0.4},
                train_loss={"digit": 0.1, "group3": 0.1, "recon": 0.1},
            ),
        )
        for arm in ["reference", "tuned", *LEARNED]
        for seed in range(seeds)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--db", help="SQLAlchemy URL (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    print(f"{args.trials} tuned trials, 5 learned arms, {args.seeds} seeds; goal < {GOAL_S} s")
    for sampler in ("tpe", "random"):
        spec = StudySpec.model_validate(
            {
                "name": f"speed-{sampler}",
                "problem": {"name": "digits"},
                "strategies": LEARNED,
                "tuned": {"trials": args.trials, "sampler": sampler},
                "evaluation": {"seeds": args.seeds},
            }
        )
        db = args.db or f"sqlite:///{tempfile.mkdtemp(prefix='taskweights-bench-')}/bench.db"
        with storage_at(db) as storage:
            store(storage, spec, args.trials, args.seeds)
            seconds = []
            for _ in range(args.repeats):
                start = time.perf_counter()
                load_comparison(storage, spec, TASKS)
                seconds.append(time.perf_counter() - start)
        median, worst = statistics.median(seconds), max(seconds)
        verdict = "meets" if worst < GOAL_S else "MISSES"
        timing = f"median {median * 1000:6.0f} ms   worst {worst * 1000:6.0f} ms"
        print(f"  {sampler:<7} {timing}   {verdict} the goal")


if __name__ == "__main__":
    main()
