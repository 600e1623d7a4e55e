"""The container packaging, checked without a Docker engine (none runs here).

hadolint (a static binary in the dev extras) lints the Dockerfile; the rest reads the Dockerfile
and the compose file for what a running image depends on.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions(name: str) -> list[str]:
    """The arguments of every `name` instruction, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [m.group(1).strip() for m in re.finditer(rf"^{name}\s+(.*)$", joined, re.MULTILINE)]


def test_hadolint_finds_nothing() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run(
        [str(hadolint), "--no-fail", "--format", "json", "-"],
        input=DOCKERFILE,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == []


def test_the_image_installs_the_wheel_with_cpu_torch_first() -> None:
    runs = instructions("RUN")
    torch_at = next(i for i, run in enumerate(runs) if "torch==2.13.0" in run)
    wheel_at = next(i for i, run in enumerate(runs) if "pip wheel" in run)
    assert "download.pytorch.org/whl/cpu" in runs[torch_at]
    assert torch_at < wheel_at and "taskweights-*.whl" in runs[wheel_at]
    assert "-e " not in " ".join(runs), "an editable install would need the sources at run time"
    copied = {args.split()[0].rstrip("/") for args in instructions("COPY") if "--from" not in args}
    assert {"taskweights", "app", "search", "models", "pyproject.toml"} <= copied


def test_runs_as_a_non_root_user_with_a_healthcheck_and_the_service_as_entry_point() -> None:
    assert instructions("USER")[-1].split(":")[0] not in {"root", "0"}
    [healthcheck] = instructions("HEALTHCHECK")
    assert "/health" in healthcheck
    assert json.loads(instructions("CMD")[-1])[:2] == ["taskweights", "serve"]


def test_compose_runs_postgres_an_api_and_workers_that_wait_for_it() -> None:
    compose: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "api", "worker"}
    api, worker = services["api"], services["worker"]
    for service in (api, worker):
        assert service["environment"]["TASKWEIGHTS_DB_URL"].startswith("postgresql+psycopg://")
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
    assert api["command"][:2] == ["taskweights", "serve"] and "--workers" in api["command"]
    assert worker["command"] == ["taskweights", "worker"]
    assert worker["depends_on"]["api"]["condition"] == "service_healthy"
    assert worker["healthcheck"] == {"disable": True}
    assert "/health" in " ".join(api["healthcheck"]["test"])


def test_the_containers_need_a_token_to_serve_beyond_loopback() -> None:
    """The image serves on 0.0.0.0 and sets no token, so `serve` refuses to start without one
    (tests/test_auth.py); compose refuses to start the API without TASKWEIGHTS_TOKEN."""
    assert "0.0.0.0" in json.loads(instructions("CMD")[-1])
    settings = " ".join(instructions("ENV")) + " ".join(instructions("ARG"))
    assert "TASKWEIGHTS_TOKEN" not in settings and "ALLOW_NO_TOKEN" not in settings
    compose: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    api, worker = compose["services"]["api"], compose["services"]["worker"]
    assert api["environment"]["TASKWEIGHTS_TOKEN"].startswith("${TASKWEIGHTS_TOKEN:?")
    assert "TASKWEIGHTS_TOKEN" not in worker["environment"]  # workers serve nothing
