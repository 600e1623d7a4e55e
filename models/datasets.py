"""Uploaded datasets, by id, for the problems that read them (`csv`).

`models/` knows no database: whatever builds problems (a worker, the API's models process, a
local run) says where datasets come from with `use_datasets(source)`; a source turns an id into
the file's bytes. An id names content (a hash), so a parsed table never goes stale and is kept
per process.
"""

from __future__ import annotations

import csv
import io
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from taskweights.models.errors import ConfigurationError, ParameterError

if TYPE_CHECKING:
    import pandas as pd

TABLES_KEPT = 4  # parsed tables held per process (each at most the upload limit)


class DatasetSource(Protocol):
    def read(self, dataset_id: str) -> bytes | None:
        """The dataset's file, or None when there is no such dataset."""


class DatasetFileError(ConfigurationError):
    """The bytes are not a CSV file with a header row and at least one data row."""


_source: DatasetSource | None = None
_tables: OrderedDict[str, pd.DataFrame] = OrderedDict()
_lock = threading.Lock()


def use_datasets(source: DatasetSource | None) -> DatasetSource | None:
    """Read datasets from `source` in this process from now on; returns the previous one."""
    global _source
    with _lock:
        previous, _source = _source, source
        return previous


def parse_csv(content: bytes | BinaryIO, max_columns: int | None = None) -> pd.DataFrame:
    """The one reading of a CSV file: the upload's summary and the problem see the same table.

    `content`: the file's bytes, or the file (read from its start: an upload is parsed from
    its temporary file, never held whole in memory beside its table). `max_columns`: refuse a
    wider table from its header alone, before parsing it (an upload of 100,000 columns would
    otherwise take the parser, and its summary, many seconds).
    """
    import pandas as pd

    if max_columns is not None:
        width = header_width(content)
        if width > max_columns:
            raise DatasetFileError(
                f"the file has {width} columns; this server takes at most {max_columns} "
                "(TASKWEIGHTS_MAX_COLUMNS)."
            )
    source = readable(content)
    try:
        table = pd.read_csv(source, encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DatasetFileError(f"the file is not UTF-8 text: {error.reason}.") from error
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise DatasetFileError(f"the file is not a readable CSV file: {error}".strip()) from error
    if table.empty:
        raise DatasetFileError("the file has a header but no data rows.")
    return table


def header_width(content: bytes | BinaryIO) -> int:
    """How many columns the first record (the header) names."""
    text = io.TextIOWrapper(readable(content), encoding="utf-8", newline="")
    try:
        header = next(csv.reader(text), [])
    except UnicodeDecodeError as error:
        raise DatasetFileError(f"the file is not UTF-8 text: {error.reason}.") from error
    except csv.Error as error:
        raise DatasetFileError(f"the file is not a readable CSV file: {error}.") from error
    finally:
        text.detach()  # the file stays open for its next reader
    return len(header)


def readable(content: bytes | BinaryIO) -> BinaryIO:
    """A binary file at its start, for bytes or a file alike."""
    if isinstance(content, bytes):
        return io.BytesIO(content)
    content.seek(0)
    return content


def load_table(dataset_id: str) -> pd.DataFrame:
    """The dataset's table, parsed once per process; `ParameterError` at `dataset` if unknown."""
    with _lock:
        if dataset_id in _tables:
            _tables.move_to_end(dataset_id)
            return _tables[dataset_id]
        source = _source
    if source is None:
        raise ParameterError("dataset", "this process has no datasets to read from.")
    content = source.read(dataset_id)
    if content is None:
        raise ParameterError(
            "dataset",
            f"no dataset {dataset_id!r}; upload the file first (POST /datasets, or "
            "`taskweights dataset add FILE`) and use the id it answers.",
        )
    table = parse_csv(content)
    with _lock:
        _tables[dataset_id] = table
        while len(_tables) > TABLES_KEPT:
            _tables.popitem(last=False)
    return table


def describe(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Per column: its dtype, missing values, distinct values, and for numbers their range."""
    import pandas as pd

    columns = []
    for name in table.columns:
        column = table[name]
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        summary: dict[str, Any] = {
            "name": str(name),
            "dtype": str(column.dtype),
            "missing": int(column.isna().sum()),
            "distinct": int(column.nunique()),
        }
        if numeric and column.notna().any():
            summary |= {
                "mean": float(column.mean()),
                "std": float(column.std()) if column.count() > 1 else 0.0,
                "min": float(column.min()),
                "max": float(column.max()),
            }
        columns.append(summary)
    return columns
