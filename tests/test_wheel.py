"""What users install: the wheel, built and installed (not editable) into a fresh virtual
environment outside the checkout, run from a folder holding its own `models`, `search` and `app`
packages, as a multi-task team's project often does.

uv builds and installs (seconds, from its cache); torch comes from the same local CPU build the
checkout's environment has, so nothing large is downloaded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from tests.conftest import run_command as run
from tests.conftest import small_digits_spec, venv_with_wheel, wait_until
from tests.server import free_port

PYTHON_API = """
import taskweights as tw
with tw.Client("{url}") as client:
    assert client.wait(1, timeout=60).status == "done"
    print(client.comparison(1).study)
    assert client.report(1).count("data:image/png;base64,") == 5  # templates and plots inside
print(tw.load_comparison("wheel-demo", db="{db}").study)
"""
DECOY = "raise ImportError(\"the user's own {name} package was imported, not taskweights'\")\n"


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A fresh environment with the wheel and the CPU torch this one has."""
    return venv_with_wheel(tmp_path_factory.mktemp("venv") / "env", wheel)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """A user's project folder with packages named like ours, each failing when imported."""
    folder = tmp_path / "their-project"
    for name in ("models", "search", "app"):
        (folder / name).mkdir(parents=True)
        (folder / name / "__init__.py").write_text(DECOY.format(name=name))
    (folder / "spec.yaml").write_text(yaml.safe_dump(small_digits_spec("wheel-demo")))
    yield folder
    shutil.rmtree(folder)


def test_the_wheel_holds_one_package_with_its_migrations_and_type_marker(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.startswith("taskweights-")}
    assert tops == {"taskweights"}
    for needed in (
        "taskweights/py.typed",
        "taskweights/app/db/migrations/script.py.mako",
        "taskweights/app/db/migrations/versions/0001_initial_tables.py",
        "taskweights/models/strategies/uncertainty.py",
        "taskweights/search/spec.py",
    ):
        assert needed in names


def test_serve_submit_and_compare_from_a_folder_with_packages_named_like_ours(
    venv: Path, project: Path
) -> None:
    bin_ = venv / "bin"
    # `python -c` puts the folder first on sys.path: ours must still be found in the venv
    run(bin_ / "python", "-c", "import taskweights.search, taskweights.app.cli", cwd=project)
    db = f"sqlite:///{project / 'studies.db'}"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [bin_ / "taskweights", "serve", "--port", str(port), "--db", db, "--workers", "1"],
        cwd=project,
        env=os.environ | {"TASKWEIGHTS_THREADS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: ready(url), seconds=120, what="serve, its models and its worker")
        run(bin_ / "taskweights", "submit", "spec.yaml", "--url", url, "--wait", cwd=project)
        shown = json.loads(
            run(bin_ / "taskweights", "compare", "1", "--url", url, "--json", cwd=project)
        )
        assert {arm["arm"] for arm in shown["arms"]} >= {"tuned", "uncertainty"}
        assert "done" in run(bin_ / "taskweights", "status", "1", "--url", url, cwd=project)
        script = PYTHON_API.format(url=url, db=db)
        assert run(bin_ / "python", "-c", script, cwd=project).split() == ["wheel-demo"] * 2
    finally:
        server.terminate()
        server.wait(timeout=60)


def ready(url: str) -> bool:
    try:
        health = httpx.get(f"{url}/health", timeout=2).json()
    except (httpx.TransportError, ValueError):
        return False
    return bool(health["models"]) and int(health["workers_alive"]) >= 1
