"""An upload's width is refused from its header, before the table is parsed: a server takes at
most TASKWEIGHTS_MAX_COLUMNS columns (the API's 422 at `file`, the CLI's exit code 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from taskweights.app.cli import commands as cli
from taskweights.models.datasets import DatasetFileError, header_width, parse_csv
from tests.inprocess import api_on


def table(columns: int, rows: int = 12) -> bytes:
    header = ",".join(f"c{i}" for i in range(columns))
    lines = [",".join(str(row * columns + i) for i in range(columns)) for row in range(rows)]
    return "\n".join([header, *lines, ""]).encode()


def test_a_table_wider_than_the_limit_is_refused_from_its_header(tmp_path: Path) -> None:
    with api_on(f"sqlite:///{tmp_path / 'db.sqlite'}", max_columns=20) as http:
        wide = http.post("/datasets", files={"file": ("wide.csv", table(21), "text/csv")})
        assert wide.status_code == 422, wide.text
        [error] = wide.json()["errors"]
        assert error["field"] == "file"
        assert "21 columns" in error["reason"] and "at most 20" in error["reason"]
        assert "TASKWEIGHTS_MAX_COLUMNS" in error["reason"]
        assert http.get("/datasets").json() == []  # nothing stored
        fits = http.post("/datasets", files={"file": ("fits.csv", table(20), "text/csv")})
        assert fits.status_code == 201, fits.text


def test_the_cli_refuses_a_wide_table_with_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TASKWEIGHTS_MAX_COLUMNS", "5")
    path = tmp_path / "wide.csv"
    path.write_bytes(table(6))
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert cli.main(["dataset", "add", str(path), "--db", db]) == cli.USAGE_ERROR
    assert "6 columns; this server takes at most 5" in " ".join(capsys.readouterr().err.split())


def test_the_width_is_the_header_record_quoted_fields_included() -> None:
    assert header_width(b'a,"b,c",d\n1,2,3\n') == 3
    assert header_width(b'"multi\nline",x\n1,2\n') == 2
    with pytest.raises(DatasetFileError, match="UTF-8"):
        header_width(b"\xff\xfe,a\n1,2\n")
    assert len(parse_csv(table(3), max_columns=3).columns) == 3
