"""`taskweights dataset add|list|show|delete`: CSV datasets in the database, or on a server.

taskweights dataset add FILE [--db URL | --url URL]    store a CSV file; prints its id
taskweights dataset list [--db URL | --url URL]        every stored dataset
taskweights dataset show ID --url URL                  its columns and their summary
taskweights dataset delete ID --url URL                unless a queued or running study uses it
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from rich.console import Console
from rich.table import Column, Table

from taskweights.app.client import Client
from taskweights.app.schemas import DatasetPublic

ACTIONS = ("add", "list", "show", "delete")


def add_parser(
    commands: argparse._SubParsersAction,
    db_option: Callable[[argparse.ArgumentParser], None],
    server_options: Callable[[argparse.ArgumentParser], None],
) -> None:
    dataset = commands.add_parser("dataset", help="CSV datasets for the csv problem")
    dataset.add_argument("action", choices=ACTIONS)
    dataset.add_argument("target", nargs="?", help="add: a CSV file; show, delete: an id")
    db_option(dataset)
    server_options(dataset)


def command_dataset(args: argparse.Namespace, console: Console, usage: type[Exception]) -> int:
    if args.action in ("add", "show", "delete") and not args.target:
        what = "a CSV file" if args.action == "add" else "a dataset id"
        raise usage(f"dataset {args.action} needs {what}")
    if args.url:
        with Client(args.url, args.token) as client:
            return on_server(client, args, console)
    from taskweights.app import local

    match args.action:
        case "add":
            show_added(console, local.add_dataset(args.target, args.db))
        case "list":
            print_datasets(console, local.list_datasets(args.db))
        case "show":
            found = [d for d in local.list_datasets(args.db) if d.id == args.target]
            if not found:
                raise usage(f"no dataset {args.target!r} in {args.db}")
            print_columns(console, found[0])
        case "delete":
            try:
                local.delete_dataset(args.target, args.db)
            except KeyError:
                raise usage(f"no dataset {args.target!r} in {args.db}") from None
            console.print(f"dataset {args.target} deleted", highlight=False)
    return 0


def on_server(client: Client, args: argparse.Namespace, console: Console) -> int:
    match args.action:
        case "add":
            show_added(console, client.add_dataset(args.target))
        case "list":
            print_datasets(console, client.datasets())
        case "show":
            print_columns(console, client.dataset(args.target))
        case "delete":
            client.delete_dataset(args.target)
            console.print(f"dataset {args.target} deleted", highlight=False)
    return 0


def show_added(console: Console, dataset: DatasetPublic) -> None:
    console.print(
        f"dataset [bold]{dataset.id}[/bold] ({dataset.filename}): {dataset.rows:,} rows, "
        f"{len(dataset.columns)} columns",
        highlight=False,
    )
    print_columns(console, dataset)
    console.print(
        f"use it in a spec: problem: {{name: csv, params: {{dataset: {dataset.id}, "
        "targets: [{column: ..., kind: regression|binary|multiclass}]}}",
        highlight=False,
        markup=False,
    )


def print_datasets(console: Console, datasets: list[DatasetPublic]) -> None:
    table = Table("id", "file", "rows", "columns", "bytes", "uploaded")
    for d in datasets:
        table.add_row(
            d.id,
            d.filename,
            f"{d.rows:,}",
            str(len(d.columns)),
            f"{d.size:,}",
            f"{d.created_at:%Y-%m-%d %H:%M}",
        )
    console.print(table)


def print_columns(console: Console, dataset: DatasetPublic) -> None:
    widest = max(len(c.name) for c in dataset.columns)
    table = Table(Column("column", no_wrap=True, min_width=widest), "dtype", "missing")
    for heading in ("distinct", "mean (sd)", "range"):
        table.add_column(heading)
    for c in dataset.columns:
        numeric = c.mean is not None and c.std is not None
        table.add_row(
            c.name,
            c.dtype,
            str(c.missing),
            str(c.distinct),
            f"{number(c.mean)} ({number(c.std)})" if numeric else "",
            f"{number(c.min)} .. {number(c.max)}" if numeric else "",
        )
    console.print(table)


def number(value: float | None) -> str:
    """282,394 rather than 2.824e+05; 0.4817 as it is."""
    if value is None:
        return ""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
