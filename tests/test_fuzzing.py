"""The API against schemathesis: every operation fuzzed from its OpenAPI schema, every check.

A real `taskweights serve` (SQLite, no workers: nothing trains) and the `st` command as a user
runs it, with a fixed seed and a bounded number of examples per operation. schemathesis.toml
beside pyproject.toml says the one place a schema-valid body may still be refused, and why.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.server import running_server

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "fuzz-token"


def test_schemathesis_finds_no_failure(tmp_path: Path) -> None:
    st = str(Path(sys.executable).parent / "st")
    with running_server(f"sqlite:///{tmp_path / 'fuzz.db'}", workers=0, token=TOKEN) as url:
        result = subprocess.run(
            [
                st,
                "run",
                f"{url}/openapi.json",
                "--checks=all",
                f"--header=Authorization: Bearer {TOKEN}",
                "--max-examples=10",
                "--seed=1",
                "--no-color",
            ],
            cwd=ROOT,  # schemathesis.toml
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    assert result.returncode == 0, result.stdout[-6000:]
    assert "generated" in result.stdout and "passed" in result.stdout  # it did run the cases
