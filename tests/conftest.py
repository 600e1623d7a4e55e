from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psycopg
import pytest
import torch
import yaml

# small models train fastest on one thread, and one thread keeps runs reproducible
torch.set_num_threads(1)


def small_digits_spec(name: str = "tiny", **overrides: Any) -> dict[str, Any]:
    """A digits study that trains in seconds: few trials, few epochs, two seeds."""
    spec: dict[str, Any] = {
        "name": name,
        "problem": {"name": "digits", "trunk": {"type": "mlp", "hidden": [32]}},
        "strategies": ["uncertainty"],
        "tuned": {"trials": 3, "pruner": "none"},
        "training": {"epochs": 3, "batch_size": 128, "lr": 0.003},
        "evaluation": {"seeds": 2},
        "seed": 0,
    }
    spec.update(overrides)
    return spec


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's own data directory (datasets' local copies), never the checkout's."""
    folder = tmp_path / "taskweights-data"
    monkeypatch.setenv("TASKWEIGHTS_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def write_spec(tmp_path: Path):
    def write(spec: dict[str, Any], filename: str = "spec.yaml") -> Path:
        path = tmp_path / filename
        path.write_text(yaml.safe_dump(spec))
        return path

    return write


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite file per test."""
    return f"sqlite:///{tmp_path / 'studies.db'}"


POSTGRES_ADMIN_URL = os.environ.get(
    "TASKWEIGHTS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """A new, empty database of this backend (PostgreSQL: created here, dropped after)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'studies.db'}"
        return
    name = f"taskweights_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    with fresh_database("postgresql", tmp_path) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def storage_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Every storage backend the project supports, each fresh."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


def wait_until(
    condition: Callable[[], object], seconds: float = 120, what: str = "the condition"
) -> object:
    """Poll `condition` until it returns something truthy; fail with `what` after `seconds`.

    Tests wait on what they can observe (a status, a row, a process) with a deadline, never on
    a fixed sleep: the short pause between polls only keeps the loop from spinning.
    """
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds:.0f} s for {what}")
        time.sleep(0.2)


# --- what users install: the wheel, in fresh virtual environments (test_wheel.py, and
# test_plugin_package.py, which adds a plugin); uv builds and installs in seconds

ROOT = Path(__file__).resolve().parent.parent
UV = str(Path(sys.executable).parent / "uv")


def run_command(*command: str | Path, cwd: Path | None = None, timeout: float = 300) -> str:
    """Run `command`; its stdout, or a failure showing both of its outputs."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The taskweights wheel, built once per session."""
    out = tmp_path_factory.mktemp("dist")
    run_command(UV, "build", "--out-dir", out, ROOT)  # sdist, then the wheel from it: no build/
    [built] = out.glob("taskweights-*.whl")
    return built


def venv_with_wheel(folder: Path, wheel: Path) -> Path:
    """A fresh environment in `folder` with the wheel and the CPU torch this one has (first, so
    that no other build of it is ever resolved)."""
    run_command(UV, "venv", "--python", sys.executable, folder)
    links = [f"--find-links={link}" for link in os.environ.get("PIP_FIND_LINKS", "").split()]
    python = folder / "bin" / "python"
    run_command(
        UV, "pip", "install", "--python", python, *links, f"torch=={version('torch')}", wheel
    )
    return folder
