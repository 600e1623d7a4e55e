"""Trials per hour of one study's search with 1, 2 and 4 worker processes, SQLite and PostgreSQL.

What: for each storage backend and each worker count N, a fresh database, the API alone
(`taskweights serve --workers 0`), one small `digits` study submitted over HTTP (a tuned arm of
`--trials` trials without pruning, one learned arm, `uncertainty`, of one trial, `--epochs` epochs
per run), then N `taskweights worker --db URL` processes (one torch thread each). The clock runs
from the moment the first worker is started until GET /studies/{id} says the tuned arm's `done`
equals its budget (polled every 0.2 s). It therefore includes the workers' start-up and the
equal-weights reference run, which every study trains before its search.

    trials/hour = (tuned trials + learned-arm trials finished in the window) / elapsed hours

Starting a worker (importing torch, migrating, registering) takes seconds, and N of them
starting at once on few cores take longer: with small studies that, not the search, is what the
window measures. So the table also gives `ready s`, when GET /health first counted all N workers
alive, and `up trials/h` with its `up ratio`: the same trials over the window minus `ready s`.
With the defaults a trial lasts a fraction of a second on 2 cores and the whole search a few
seconds, less than the start-up; `--epochs 50` makes the search itself the larger part.

Printed per run: seconds, trials/hour and its ratio to the same backend's run with the fewest
workers (1 by default), and a check that the tuned arm finished exactly its budget: its trials,
read with GET /studies/{id}/trials?arm=tuned after the workers were stopped, counted as
COMPLETE + PRUNED + FAIL, leaving out runs cut short by our own SIGTERM (their `error` says the
run was interrupted or cancelled). A count above the budget means workers sharing the arm
overshot it; below, that `done` and the trials disagree. Worker and server logs are scanned for
tracebacks, "database is locked" and similar, and the lines found are printed.

Why: workers claim work units from the database, and more workers should finish a study sooner.
How much sooner depends on how a study is cut into units (the reference run comes first and
alone; a search arm is split into up to 8 slots whose workers share its trials) and on how the
storage copes with several writers (SQLite takes one writer at a time; PostgreSQL does not).
On a machine with C cores, about min(N, C)x is the ceiling. The last lines printed are one
per backend: `sqlite: 1 -> 1.00, 2 -> 1.85, 4 -> 1.90`.

Only public interfaces are used: the HTTP API and the `taskweights` command. PostgreSQL runs
need a server that lets `postgres` in without a password (as the tests do); each run creates
`taskweights_bench_<random>` and drops it afterwards.

    python bench/parallel.py [--trials 24] [--epochs 5] [--workers 1,2,4]
                             [--backends sqlite,postgresql] [--log-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg

Process = subprocess.Popen[bytes]
TASKWEIGHTS = str(Path(sys.executable).parent / "taskweights")
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_BASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432"
POLL_SECONDS = 0.2
SERVER_START_SECONDS = 90.0
STOP_SECONDS = 60.0
TUNED = "tuned"
# a trial our SIGTERM cut short: the worker's stop check reports it as a cancellation
INTERRUPTED_MARKERS = ("interrupted", "cancelled during epoch")
FINISHED_STATES = {"COMPLETE", "PRUNED", "FAIL"}
NOTABLE = (
    "database is locked",
    "traceback",
    "error",
    "deadlock",
    "could not serialize",
    "operationalerror",
    "integrityerror",
)


@dataclass
class RunResult:
    backend: str
    workers: int
    seconds: float = 0.0
    ready_seconds: float | None = None
    trials: int = 0  # tuned + learned trials finished in the window
    budget: int = 0
    tuned_finished: int = 0  # counted from the trials after the workers stopped
    interrupted: int = 0
    error: str | None = None
    notable: list[str] = field(default_factory=list)
    stopped_tracebacks: int = 0  # trials our SIGTERM cut short, as the logs tell

    @property
    def per_hour(self) -> float:
        return self.trials / self.seconds * 3600 if self.seconds > 0 else 0.0

    @property
    def per_hour_up(self) -> float:
        """The same, timed from the moment every worker was up (start-up left out)."""
        if self.ready_seconds is None or self.seconds <= self.ready_seconds:
            return float("nan")
        return self.trials / (self.seconds - self.ready_seconds) * 3600

    @property
    def exact(self) -> bool:
        return self.error is None and self.tuned_finished == self.budget


def study_spec(name: str, trials: int, epochs: int) -> dict[str, Any]:
    return {
        "name": name,
        "problem": {"name": "digits", "trunk": {"type": "mlp", "hidden": [32]}},
        "strategies": ["uncertainty"],
        "tuned": {"trials": trials, "pruner": "none"},
        "training": {"epochs": epochs, "batch_size": 64, "lr": 0.003},
        "evaluation": {"seeds": 2},
        "seed": 0,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def fresh_database(backend: str, directory: Path) -> Iterator[str]:
    """The SQLAlchemy URL of an empty database, removed afterwards."""
    if backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="sqlite-", dir=directory))
        try:
            yield f"sqlite:///{folder / 'studies.db'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # with -wal, -shm and lock files
        return
    name = f"taskweights_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_BASE_URL}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stop(processes: list[Process], seconds: float = STOP_SECONDS) -> None:
    """SIGTERM every process, wait for them together, kill whatever outlives the deadline."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + seconds
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def service_env() -> dict[str, str]:
    env = os.environ | {"TASKWEIGHTS_THREADS": "1"}
    for variable in ("TASKWEIGHTS_TOKEN", "TASKWEIGHTS_DB_URL", "TASKWEIGHTS_WORKERS"):
        env.pop(variable, None)
    return env


@contextmanager
def running_api(db_url: str, log: Path) -> Iterator[str]:
    """`taskweights serve --workers 0` (it migrates the database); its base URL once healthy."""
    port = free_port()
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [TASKWEIGHTS, "serve", "--workers", "0", "--port", str(port), "--db", db_url],
            env=service_env(),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + SERVER_START_SECONDS
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"taskweights serve exited ({process.returncode}): {log}")
                try:
                    if httpx.get(f"{url}/health", timeout=2).json().get("status") == "ok":
                        break
                except (httpx.TransportError, ValueError):
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"taskweights serve did not come up: {log}")
                time.sleep(0.3)
            yield url
        finally:
            stop([process])


@contextmanager
def running_workers(count: int, db_url: str, logs: Path) -> Iterator[list[Process]]:
    with ExitStack() as files:
        processes: list[Process] = []
        try:
            for i in range(count):
                output = files.enter_context(open(logs / f"worker-{i}.log", "wb"))
                processes.append(
                    subprocess.Popen(
                        [TASKWEIGHTS, "worker", "--db", db_url],
                        env=service_env(),
                        stdout=output,
                        stderr=subprocess.STDOUT,
                    )
                )
            yield processes
        finally:
            stop(processes)


def submit(client: httpx.Client, spec: dict[str, Any]) -> int:
    response = client.post("/studies", json=spec)
    if response.status_code != 201:
        raise RuntimeError(f"POST /studies: {response.status_code} {response.text}")
    return int(response.json()["id"])


def wait_for_tuned(
    client: httpx.Client,
    study_id: int,
    workers: list[Process],
    started: float,
    timeout: float,
) -> tuple[float, float | None]:
    """Poll until the tuned arm's done == budget: (seconds, seconds until all workers were up)."""
    ready: float | None = None
    while True:
        study = client.get(f"/studies/{study_id}").json()
        now = time.monotonic()
        tuned = next(a for a in study["arms"] if a["arm"] == TUNED)
        if tuned["done"] >= tuned["budget"]:
            return now - started, ready
        if study["status"] in ("failed", "cancelled"):
            raise RuntimeError(f"study {study['status']}: {study['error']}")
        dead = [w.returncode for w in workers if w.poll() is not None]
        if dead:
            raise RuntimeError(f"{len(dead)} worker(s) exited early (codes {dead})")
        if ready is None and client.get("/health").json()["workers_alive"] >= len(workers):
            ready = time.monotonic() - started
        if now - started > timeout:
            raise RuntimeError(f"timed out after {timeout:.0f} s: tuned {tuned}")
        time.sleep(POLL_SECONDS)


def interrupted(trial: dict[str, Any]) -> bool:
    error = (trial["error"] or "").lower()
    return any(marker in error for marker in INTERRUPTED_MARKERS)


def read_trials(client: httpx.Client, study_id: int, arm: str | None = None) -> list[dict]:
    params: dict[str, Any] = {"limit": 500} | ({"arm": arm} if arm else {})
    trials: list[dict] = []
    while True:
        response = client.get(
            f"/studies/{study_id}/trials", params=params | {"offset": len(trials)}
        )
        response.raise_for_status()
        page = response.json()
        trials += page["data"]
        if not page["data"] or len(trials) >= page["count"]:
            return trials


def count_trials(client: httpx.Client, study_id: int, result: RunResult) -> None:
    """The tuned arm's budget check, and the trials of every search arm in the window.

    The window closes when the tuned arm's last trial finished (Optuna's timestamps, compared
    only with each other): a learned trial that ended between that moment and our poll noticing
    it is left out.
    """
    tuned = read_trials(client, study_id, TUNED)
    result.interrupted = sum(1 for t in tuned if interrupted(t))
    used = [t for t in tuned if t["state"] in FINISHED_STATES and not interrupted(t)]
    result.tuned_finished = len(used)
    if not used:
        return
    closed = max(completed_at(t) for t in used)
    learned = [
        t
        for t in read_trials(client, study_id)
        if t["arm"] != TUNED and t["state"] in FINISHED_STATES and not interrupted(t)
    ]
    result.trials = min(len(used), result.budget) + sum(
        1 for t in learned if completed_at(t) <= closed
    )


def completed_at(trial: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(trial["completed_at"] or "9999-12-31T00:00:00")


def notable_lines(logs: Path) -> tuple[list[str], int]:
    """Log lines worth a look, and how many tracebacks were our own SIGTERM stopping a trial.

    A traceback is reported by its last line (the exception); those ending in StudyCancelled
    are the trials our SIGTERM cut short, expected, and only counted.
    """
    found: list[str] = []
    stopped = 0
    for log in sorted(logs.glob("*.log")):
        in_traceback = False
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith("Traceback"):
                in_traceback = True
                continue
            if in_traceback:
                if line.startswith((" ", "\t")) or not line.strip():
                    continue
                in_traceback = False
                if "StudyCancelled" in line:
                    stopped += 1
                else:
                    found.append(f"{log.name}: traceback: {line.strip()}")
                continue
            if "StudyCancelled" in line:
                continue
            if any(word in line.lower() for word in NOTABLE):
                found.append(f"{log.name}: {line.strip()}")
    return found, stopped


def run_one(backend: str, workers: int, args: argparse.Namespace, directory: Path) -> RunResult:
    result = RunResult(backend, workers, budget=args.trials)
    logs = directory / f"{backend}-{workers}"
    logs.mkdir(parents=True, exist_ok=True)
    spec = study_spec(f"bench-parallel-{backend}-{workers}", args.trials, args.epochs)
    try:
        with (
            fresh_database(backend, directory) as db_url,
            running_api(db_url, logs / "server.log") as api,
            httpx.Client(base_url=api, timeout=30) as client,
        ):
            study_id = submit(client, spec)
            started = time.monotonic()
            with running_workers(workers, db_url, logs) as processes:
                result.seconds, result.ready_seconds = wait_for_tuned(
                    client, study_id, processes, started, args.timeout
                )
            count_trials(client, study_id, result)
    except Exception as error:
        result.error = f"{type(error).__name__}: {error}"
    result.notable, result.stopped_tracebacks = notable_lines(logs)
    return result


def print_table(results: list[RunResult]) -> None:
    header = (
        f"{'backend':<11}{'workers':>8}{'seconds':>9}{'trials':>8}{'trials/hour':>13}"
        f"{'ratio':>7}{'ready s':>9}{'up trials/h':>13}{'up ratio':>10}  exact-budget"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        if r.error is not None:
            print(f"{r.backend:<11}{r.workers:>8}  error: {r.error}")
            continue
        ready = f"{r.ready_seconds:.1f}" if r.ready_seconds is not None else "-"
        ok = "ok" if r.exact else f"NO ({r.tuned_finished}/{r.budget})"
        print(
            f"{r.backend:<11}{r.workers:>8}{r.seconds:>9.1f}{r.trials:>8}{r.per_hour:>13.0f}"
            f"{ratio(r, results):>7.2f}{ready:>9}{r.per_hour_up:>13.0f}"
            f"{ratio(r, results, up=True):>10.2f}  {ok}"
        )


def baseline(result: RunResult, results: list[RunResult]) -> RunResult | None:
    same = [r for r in results if r.backend == result.backend and r.error is None]
    return min(same, key=lambda r: r.workers) if same else None


def ratio(result: RunResult, results: list[RunResult], up: bool = False) -> float:
    base = baseline(result, results)
    if base is None:
        return float("nan")
    if up:
        return result.per_hour_up / base.per_hour_up
    return result.per_hour / base.per_hour if base.per_hour else float("nan")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=24, help="the tuned arm's budget")
    parser.add_argument("--epochs", type=int, default=5, help="epochs per training run")
    parser.add_argument("--workers", default="1,2,4", help="worker counts, comma-separated")
    parser.add_argument("--backends", default="sqlite,postgresql", help="sqlite, postgresql")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed per run")
    parser.add_argument("--log-dir", type=Path, help="keep server and worker logs here")
    args = parser.parse_args()
    try:
        args.worker_counts = [int(n) for n in args.workers.split(",")]
    except ValueError:
        parser.error(f"--workers: comma-separated integers, got {args.workers!r}")
    args.backend_names = [b.strip() for b in args.backends.split(",")]
    unknown = set(args.backend_names) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"--backends: sqlite and/or postgresql, not {sorted(unknown)}")
    if any(n < 1 for n in args.worker_counts) or args.trials < 1 or args.epochs < 1:
        parser.error("--workers, --trials and --epochs must be at least 1")
    return args


def main() -> int:
    args = parse_args()
    directory = args.log_dir or Path(tempfile.mkdtemp(prefix="taskweights-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    print(
        f"tuned {args.trials} trials + 1 learned trial, {args.epochs} epochs, "
        f"{os.cpu_count()} cores, logs in {directory}",
        flush=True,
    )
    results = []
    try:
        for backend in args.backend_names:
            for workers in args.worker_counts:
                result = run_one(backend, workers, args, directory)
                results.append(result)
                state = result.error or (
                    f"{result.seconds:.1f} s, {result.trials} trials; tuned arm "
                    f"{result.tuned_finished}/{result.budget}, {result.interrupted} interrupted "
                    f"tuned trial(s); {result.stopped_tracebacks} trial(s) stopped by SIGTERM"
                )
                print(f"  {backend} x{workers}: {state}", flush=True)
                if result.error is None and not result.exact:
                    print(
                        f"  WARNING: {backend} x{workers}: the tuned arm finished "
                        f"{result.tuned_finished} trials, budget {result.budget} "
                        f"({result.interrupted} interrupted left out)",
                        flush=True,
                    )
                for line in result.notable[:10]:
                    print(f"    log: {line[:200]}", flush=True)
                if len(result.notable) > 10:
                    print(f"    log: ... {len(result.notable) - 10} more", flush=True)
    finally:
        if args.log_dir is None:
            shutil.rmtree(directory, ignore_errors=True)
    print()
    print_table(results)
    print()
    for backend in args.backend_names:
        runs = [r for r in results if r.backend == backend and r.error is None]
        print(f"{backend}: " + ", ".join(f"{r.workers} -> {ratio(r, results):.2f}" for r in runs))
    return 0 if all(r.exact for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
