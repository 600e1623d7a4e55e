"""The layering rules, checked on the source (AST) and in fresh interpreters.

The layers stack models <- search <- app: `models` (torch) knows nothing above it, `search`
(Optuna, the database) never reaches into `app`. Within `app`, the HTTP client and the contract
it shares (`client.py`, `schemas.py`) import none of the server, so a laptop can drive a server
that trains; the API process never imports torch (a spawned child does that work), so it starts
fast and stays small; the database layer knows nothing of the API, the workers or the CLI.
"""

from __future__ import annotations

import ast
import functools
import json
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("models", "search", "app")
FACADE = "taskweights.__init__"  # `import taskweights`: its names re-export search and app
LAYER_APP = ("api", "workers", "cli")  # the parts of app above the db

# (importer, forbidden, why): modules under `taskweights.`, each matching its submodules too
RULES: list[tuple[str, str, str]] = [
    *[("models", up, "models is the bottom layer") for up in ("search", "app", "__init__")],
    *[("search", up, "search sits below app") for up in ("app", "__init__")],
    *[
        (f"app.{client}", f"app.{server}", "the client imports none of the server")
        for client in ("client", "schemas")
        for server in ("api", "workers", "db", "cli")
    ],
    ("app.api", "app.workers.worker", "the API process never trains"),
    ("app.api", "app.cli", "the API does not depend on the command"),
    *[("app.db", f"app.{up}", "the db layer knows nothing above it") for up in LAYER_APP],
]
# files (or folders, ending in /) that must not import torch at module level
TORCH_FREE = ["app/api/", "app/db/", "app/client.py", "app/schemas.py", "app/cli/"]
TORCH_FREE += ["models/registry.py"] + [
    f"search/{name}.py"
    for name in ("spec", "results", "scores", "records", "studies", "plan", "events", "errors")
]


class Import(NamedTuple):
    where: str  # path:line
    module: str  # the importing module
    name: str  # what it imports, resolved to an absolute dotted name
    top_level: bool  # runs when the module is imported (not in a function, not TYPE_CHECKING)


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def resolve(name: str) -> str:
    """`taskweights.X` for X outside the three layers is the facade (`taskweights/__init__`)."""
    parts = name.split(".")
    if parts[0] == "taskweights" and (len(parts) == 1 or parts[1] not in LAYERS):
        return FACADE
    return name


def imports_in(source: str, module: str, path: str, package: bool = False) -> list[Import]:
    """Every import in `source`, module `module` (a package's `__init__` when `package`)."""
    found: list[Import] = []
    base = module.split(".") if package else module.split(".")[:-1]

    def visit(node: ast.AST, top: bool) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            top = False
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [alias.name for alias in node.names]
            if isinstance(node, ast.ImportFrom):  # `from X import y` names X.y (X for `*`)
                parent = base[: len(base) - node.level + 1] if node.level else []
                start = ".".join([*parent, *([node.module] if node.module else [])])
                names = [start if name == "*" else f"{start}.{name}" for name in names]
            where = f"{path}:{node.lineno}"
            found.extend(Import(where, module, resolve(name), top) for name in names)
        typing_only = isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for child in ast.iter_child_nodes(node):  # `if TYPE_CHECKING:` bodies never run
            visit(child, top and not (typing_only and child in getattr(node, "body", [])))

    visit(ast.parse(source, path), True)
    return found


@functools.cache
def source_imports() -> list[Import]:
    """Every import in models/, search/ and app/ (the lazy loaders' `__init__.pyi` stubs too)."""
    found: list[Import] = []
    for layer in LAYERS:
        for path in sorted([*(ROOT / layer).rglob("*.py"), *(ROOT / layer).rglob("*.pyi")]):
            rel = path.relative_to(ROOT)
            parts = rel.with_suffix("").parts
            package = parts[-1] == "__init__"
            module = ".".join(("taskweights", *(parts[:-1] if package else parts)))
            found += imports_in(path.read_text(), module, rel.as_posix(), package)
    return found


def broken(imports: list[Import], importer: str, forbidden: str) -> list[str]:
    return [
        f"{i.where}: {i.module} imports {i.name}"
        for i in imports
        if within(i.module, importer) and within(i.name, forbidden)
    ]


@pytest.mark.parametrize(
    ("importer", "forbidden", "why"), RULES, ids=[f"{r[0]}-x-{r[1]}" for r in RULES]
)
def test_layer_rule(importer: str, forbidden: str, why: str) -> None:
    importer, forbidden = f"taskweights.{importer}", f"taskweights.{forbidden}"
    violations = "\n".join(broken(source_imports(), importer, forbidden))
    assert not violations, f"{importer} must not import {forbidden} ({why}):\n{violations}"


def test_no_module_level_torch_in_torch_free_files() -> None:
    violations = [
        f"{i.where}: {i.module} imports {i.name} at module level"
        for i in source_imports()
        if i.top_level
        and within(i.name, "torch")
        and any(i.where.startswith(p if p.endswith("/") else p + ":") for p in TORCH_FREE)
    ]
    assert not violations, "torch must load lazily here:\n" + "\n".join(violations)


def test_checker_catches_violations() -> None:
    source = (
        "import taskweights.app.api\nfrom ..app import cli\n"
        "def f():\n    from taskweights import Client\n"
        "if TYPE_CHECKING:\n    import torch\nimport torch.nn\n"
    )
    found = imports_in(source, "taskweights.search.x", "search/x.py")
    assert broken(found, "taskweights.search", "taskweights.app") == [
        "search/x.py:1: taskweights.search.x imports taskweights.app.api",
        "search/x.py:2: taskweights.search.x imports taskweights.app.cli",
    ]
    assert broken(found, "taskweights.search", FACADE) == [
        f"search/x.py:4: taskweights.search.x imports {FACADE}",
    ]
    assert [(i.name, i.top_level) for i in found if within(i.name, "torch")] == [
        ("torch", False),
        ("torch.nn", True),
    ]


HEAVY = ("torch", "fastapi", "sqlalchemy", "optuna", "sklearn", "uvicorn")
LOADED = f"\nimport json, sys; print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"


def loaded_after(code: str) -> list[str]:
    """The heavy modules a fresh interpreter has loaded after running `code`."""
    command = [sys.executable, "-c", code + LOADED]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_public_api_and_client_load_no_server() -> None:
    loaded = loaded_after(
        "import taskweights as tw\ntw.load_spec('examples/digits.yaml')\n"
        "tw.Client('http://127.0.0.1:9')\ntw.StudySpec\ntw.Comparison"
    )
    assert not {"torch", "fastapi", "sqlalchemy"} & set(loaded), loaded


def test_client_commands_load_no_server() -> None:
    code = """
from taskweights.app.cli import main
def run(argv):
    try:
        return main(argv)
    except SystemExit as exit:
        return exit.code
url = ["--url", "http://127.0.0.1:9"]
codes = [run(["submit", "examples/digits.yaml", *url]), run(["status", "1", *url]),
         run(["compare", "1", *url])]
assert codes == [1, 1, 1], codes  # no server there: each command ran and failed to connect
"""
    loaded = loaded_after(code)
    assert not {"torch", "fastapi", "sqlalchemy"} & set(loaded), loaded


def test_api_process_never_imports_torch(tmp_path: Path) -> None:
    code = f"""
from fastapi.testclient import TestClient
from taskweights.app.api.main import create_app
from taskweights.app.settings import Settings
app = create_app(Settings(db_url={f"sqlite:///{tmp_path / 't.db'}"!r}))
with TestClient(app) as http:
    assert http.get("/health").status_code == 200
    bad = http.post("/studies", json={{"name": "x", "problem": {{"name": "nope"}}}})
    assert bad.status_code == 422, (bad.status_code, bad.text)
"""
    assert "torch" not in loaded_after(code)
