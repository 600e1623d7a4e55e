"""Read latency of the API while workers train a study with thousands of stored trials.

What: `taskweights serve --workers 0` and `taskweights worker --processes 2` on one database;
one study whose tuned arm already holds TRIALS finished trials (written through Optuna, with
the record a real trial leaves) and keeps training more; then sequential GETs on
each read endpoint, REQUESTS each, timed from the client.
Goal: p99 <= 50 ms for every endpoint while the workers train (issue 9). Prints p50 and p99
per endpoint and whether each meets the goal.

    python bench/api_latency.py                      # SQLite in a temporary folder
    python bench/api_latency.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import optuna

from taskweights.search.arms import Config
from taskweights.search.records import TrialRecord
from taskweights.search.storage import storage_at

GOAL_MS = 50.0
TASKWEIGHTS = str(Path(sys.executable).parent / "taskweights")


def spec(trials: int) -> dict:
    return {
        "name": "latency",
        "problem": {"name": "digits", "trunk": {"type": "mlp", "hidden": [32]}},
        "strategies": ["uncertainty"],
        "tuned": {"trials": trials + 500, "pruner": "none"},
        "training": {"epochs": 5, "batch_size": 128, "lr": 0.003},
        "evaluation": {"seeds": 2},
    }


def stored_trials(db: str, count: int) -> None:
    """`count` finished tuned trials, as big as real ones (params, values, their record)."""
    record = TrialRecord(
        config=Config({"weights": {"digit": 1.0, "group3": 1.0, "recon": 1.0}}, lr=0.003),
        seed=0,
        val_metrics={"digit": 0.9, "group3": 0.9, "recon": 0.3},
        weights={"digit": 1.0, "group3": 1.0, "recon": 1.0},
        epochs=5,
        seconds=1.5,
    )
    distributions: dict[str, optuna.distributions.BaseDistribution] = {
        "w_group3": optuna.distributions.FloatDistribution(0.01, 100, log=True),
        "w_recon": optuna.distributions.FloatDistribution(0.01, 100, log=True),
    }
    trials = [
        optuna.trial.create_trial(
            params={"w_group3": 1.0 + i / count, "w_recon": 2.0 - i / count},
            distributions=distributions,
            value=float(i % 97) / 10,
            intermediate_values={epoch: float(i % 97) / 10 for epoch in range(1, 6)},
            user_attrs=record.model_dump(mode="json", exclude_unset=True),
        )
        for i in range(count)
    ]
    with storage_at(db) as storage:
        study = optuna.create_study(  # as the tuned arm's first worker will find it
            study_name="latency/tuned", storage=storage, direction="maximize", load_if_exists=True
        )
        study.add_trials(trials)


def wait_for(predicate: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(0.5)


def timed(client: httpx.Client, path: str, requests: int) -> list[float]:
    millis = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        millis.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    return millis


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="SQLAlchemy URL (default: SQLite in a temporary folder)")
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=8790)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="taskweights-bench-")
    db = args.db or f"sqlite:///{folder}/bench.db"
    url = f"http://127.0.0.1:{args.port}"
    # the tuned arm's budget is beyond the default per-arm limit of 500 trials
    env = os.environ | {"TASKWEIGHTS_DB_URL": db, "TASKWEIGHTS_MAX_TRIALS": str(args.trials * 2)}
    log = open(Path(folder) / "processes.log", "wb")  # noqa: SIM115
    api = subprocess.Popen(
        [TASKWEIGHTS, "serve", "--workers", "0", "--port", str(args.port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    workers = None
    try:
        client = httpx.Client(base_url=url, timeout=60)
        wait_for(lambda: _ready(client), 120, "the API")
        created = client.post("/studies", json=spec(args.trials))
        if created.status_code != 201:
            raise SystemExit(f"the study was refused: {created.text}")
        study = created.json()
        stored_trials(db, args.trials)
        workers = subprocess.Popen(
            [TASKWEIGHTS, "worker", "--processes", "2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: _tuned_done(client, study["id"]) > args.trials, 300, "workers training")
        paths = {
            "GET /studies/{id}": f"/studies/{study['id']}",
            "GET /studies": "/studies",
            "GET /studies/{id}/trials (first page)": f"/studies/{study['id']}/trials?limit=100",
            "GET /health": "/health",
        }
        print(
            f"{args.trials} stored trials, 2 workers training, {args.requests} GETs each, "
            f"database {db.split(':')[0]}; goal p99 <= {GOAL_MS:.0f} ms"
        )
        for name, path in paths.items():
            millis = timed(client, path, args.requests)
            cuts = statistics.quantiles(millis, n=100)
            p50, p99 = statistics.median(millis), cuts[98]
            verdict = "meets" if p99 <= GOAL_MS else "MISSES"
            print(f"  {name:<40} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   {verdict} the goal")
        print(f"  (still training: tuned {_tuned_done(client, study['id'])} trials done)")
    finally:
        for process in (workers, api):
            if process is not None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)
        log.close()


def _ready(client: httpx.Client) -> bool:
    try:
        return bool(client.get("/health").json()["models"])
    except httpx.TransportError:
        return False


def _tuned_done(client: httpx.Client, study_id: int) -> int:
    arms = client.get(f"/studies/{study_id}").json()["arms"]
    return int(next(a["done"] for a in arms if a["arm"] == "tuned"))


if __name__ == "__main__":
    main()
