"""The `taskweights` command.

    taskweights run SPEC [--db URL] [--json]          run (or resume) a study on this machine
    taskweights compare STUDY [--db URL | --url URL]  print a comparison again (name, or id);
                       [--json | --csv [trials]]  as JSON, or CSV (the comparison or every trial)
    taskweights report STUDY [--db URL | --url URL] [-o report.html]   the report page, offline
    taskweights serve [--host --port --db --workers]  the HTTP API and local workers
    taskweights worker [--db URL] [--processes N]     workers on this machine (more machines too)
    taskweights db upgrade [--db URL]                 create or migrate the database
    taskweights submit SPEC --url URL [--wait]        send a spec to a server
    taskweights status ID --url URL                   a submitted study's progress
    taskweights dataset add FILE [--db | --url]       store a CSV file for the csv problem
                        list | show ID | delete ID    (app/cli/datasets.py)

Exit codes: 0 done, 1 the run failed, 2 bad input (a spec, a name, an argument, a comparison of
a study not done yet), 130 interrupted.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx
from rich.console import Console

from taskweights.app.cli import datasets
from taskweights.app.cli.render import follow_events, print_comparison, print_status
from taskweights.app.client import ApiError, Client
from taskweights.app.errors import DatasetInUse, StudyNotFinishedError
from taskweights.app.settings import Settings
from taskweights.models.datasets import DatasetFileError
from taskweights.models.errors import ModelsError
from taskweights.search.errors import SpecError, StudyConflictError, StudyNotFoundError
from taskweights.search.results import Comparison
from taskweights.search.spec import load_spec

USAGE_ERROR, RUN_FAILED = 2, 1


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="taskweights",
        description="Tune fixed multi-task loss weights, or learn them? Run both and compare.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def db_option(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--db",
            default=settings.db_url,
            help=f"SQLAlchemy URL of the storage (default: {settings.db_url})",
        )

    def server_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--url", help="a taskweights server, e.g. http://127.0.0.1:8000")
        command.add_argument("--token", default=settings.token, help="the server's token")

    run = commands.add_parser("run", help="run (or resume) a study on this machine")
    run.add_argument("spec", help="a study spec, YAML or JSON")
    db_option(run)
    run.add_argument("--json", action="store_true", help="print the comparison as JSON")

    compare = commands.add_parser("compare", help="print a stored study's comparison")
    compare.add_argument("study", help="the study's name (with --db) or id (with --url)")
    db_option(compare)
    server_options(compare)
    compare.add_argument("--json", action="store_true", help="print the comparison as JSON")
    compare.add_argument(
        "--csv",
        nargs="?",
        const="comparison",
        choices=["comparison", "trials"],
        help="print CSV: the comparison (one row per arm and task; the default) or every trial",
    )
    compare.add_argument("--plots", type=Path, metavar="DIR", help="write every plot as PNG")

    report = commands.add_parser("report", help="write a study's report page, one offline file")
    report.add_argument("study", help="the study's name (with --db) or id (with --url)")
    db_option(report)
    server_options(report)
    report.add_argument("-o", "--output", type=Path, default=Path("report.html"))

    serve = commands.add_parser("serve", help="the HTTP API and local worker processes")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--allow-no-token",
        action="store_true",
        default=settings.allow_no_token,
        help="serve on a non-loopback host without TASKWEIGHTS_TOKEN (anyone who reaches it "
        "can submit work and read every study)",
    )
    db_option(serve)
    serve.add_argument(
        "--workers",
        type=count_of(0),
        default=settings.workers,
        help="local worker processes (default: one per core; 0: the API alone)",
    )

    worker = commands.add_parser("worker", help="claim and run work from the database")
    db_option(worker)
    worker.add_argument("--once", action="store_true", help="exit when the queue is empty")
    worker.add_argument(
        "--processes",
        type=count_of(1),
        default=1,
        help="worker processes to run here, one torch thread each (default: 1)",
    )

    database = commands.add_parser("db", help="database maintenance")
    database.add_argument("action", choices=["upgrade"])
    db_option(database)

    submit = commands.add_parser("submit", help="send a study spec to a server")
    submit.add_argument("spec", help="a study spec, YAML or JSON")
    server_options(submit)
    submit.add_argument("--wait", action="store_true", help="follow progress, then compare")
    submit.add_argument("--json", action="store_true", help="print the comparison as JSON")
    submit.add_argument("--idempotency-key", help="resubmitting with the same key is safe")

    status = commands.add_parser("status", help="a submitted study's progress")
    status.add_argument("study", type=int, help="the study's id")
    server_options(status)
    datasets.add_parser(commands, db_option, server_options)
    return parser


def count_of(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least `minimum` (else a usage error, exit 2)."""

    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"a whole number expected, got {text!r}") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"at least {minimum}, got {number}")
        return number

    return parse


def show(comparison: Comparison, as_json: bool, console: Console) -> int:
    if as_json:
        print(comparison.model_dump_json(indent=2))
    else:
        print_comparison(console, comparison)
    return 0


def command_run(args: argparse.Namespace, console: Console) -> int:
    from taskweights.app import local  # trains here: torch and the storage load now

    return show(local.run_study(args.spec, args.db, progress=True), args.json, console)


def command_compare(args: argparse.Namespace, console: Console) -> int:
    if args.csv:
        return print_csv(args)
    if args.plots:
        return write_plots(args, console)
    if args.url:
        with Client(args.url, args.token) as client:
            return show(client.comparison(study_id(args.study)), args.json, console)
    from taskweights.app import local

    return show(local.load_comparison(args.study, args.db), args.json, console)


def write_plots(args: argparse.Namespace, console: Console) -> int:
    """`compare --plots DIR`: every plot of a finished study as PNG files."""
    if args.url:
        from taskweights.search.plots import PLOTS

        args.plots.mkdir(parents=True, exist_ok=True)
        with Client(args.url, args.token) as client:
            for name in PLOTS:
                (args.plots / f"{name}.png").write_bytes(client.plot(study_id(args.study), name))
    else:
        from taskweights.app import local

        local.write_plots(args.study, args.db, args.plots)
    console.print(f"plots written to {args.plots}/", highlight=False)
    return 0


def command_report(args: argparse.Namespace, console: Console) -> int:
    """`report STUDY -o FILE`: the report page with its plots inlined (opens offline)."""
    if args.url:
        with Client(args.url, args.token) as client:
            html = client.report(study_id(args.study))
    else:
        from taskweights.app import local

        html = local.report_html(args.study, args.db)
    args.output.write_text(html, encoding="utf-8")
    console.print(f"report written to {args.output}", highlight=False)
    return 0


def print_csv(args: argparse.Namespace) -> int:
    """`compare --csv [comparison|trials]`: the API's CSV, from a server or the database."""
    if args.url:
        with Client(args.url, args.token) as client:
            text = client.csv(study_id(args.study), args.csv)
    else:
        from taskweights.app import local
        from taskweights.app.exports import comparison_csv

        if args.csv == "trials":
            text = local.trials_csv(args.study, args.db)
        else:
            text = comparison_csv(local.load_comparison(args.study, args.db))
    sys.stdout.write(text)
    return 0


def command_submit(args: argparse.Namespace, console: Console) -> int:
    spec = load_spec(args.spec)
    with Client(need_url(args), args.token) as client:
        study = client.submit(spec, args.idempotency_key)
        errors = Console(stderr=True)
        errors.print(f"study {study.id} ({study.name}): {study.status}", highlight=False)
        if not args.wait:
            return 0
        final = follow_events(client, study.id, errors)
        if final.status != "done":
            errors.print(f"study {study.id} ended {final.status}: {final.error}")
            return RUN_FAILED
        return show(client.comparison(study.id), args.json, console)


def command_status(args: argparse.Namespace, console: Console) -> int:
    with Client(need_url(args), args.token) as client:
        print_status(console, client.study(args.study))
    return 0


def study_id(text: str) -> int:
    if not text.isdigit():
        raise UsageError(f"with --url, STUDY is the study's id (a number), not {text!r}")
    return int(text)


def need_url(args: argparse.Namespace) -> str:
    if not args.url:
        raise UsageError("--url is required: the address of a taskweights server")
    return str(args.url)


class UsageError(Exception):
    pass


def check_exposure(host: str, token: str | None, allow_no_token: bool) -> None:
    """`UsageError` for a server reachable from other machines that anyone could use."""
    if token or allow_no_token or is_loopback(host):
        return
    raise UsageError(
        f"refusing to serve on {host} without a token: anyone who can reach this machine could "
        "submit work, read every study and delete it. Set TASKWEIGHTS_TOKEN (clients send it "
        "as a bearer token), or pass --allow-no-token if a network you trust is all that "
        "reaches this port."
    )


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach `host` (a name other than localhost may not be)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def dispatch(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    """Run the command; each loads only what it needs (a client command: no torch, no server)."""
    if args.command == "submit":
        return command_submit(args, console)
    if args.command == "status":
        return command_status(args, console)
    if args.command == "compare" and args.url:
        return command_compare(args, console)
    if args.command == "report" and args.url:
        return command_report(args, console)
    if args.command == "dataset":
        return datasets.command_dataset(args, console, UsageError)
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with_db = settings.model_copy(update={"db_url": args.db})
    match args.command:
        case "run":
            return command_run(args, console)
        case "compare":
            return command_compare(args, console)
        case "report":
            return command_report(args, console)
        case "serve":
            from taskweights.app.api.server import serve

            check_exposure(args.host, settings.token, args.allow_no_token)
            serve(with_db, args.host, args.port, args.workers)
        case "worker":
            from taskweights.app.workers.processes import run_workers

            return run_workers(with_db, args.processes, once=args.once)
        case "db":
            from taskweights.app.db.database import upgrade_database

            upgrade_database(args.db)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    settings = Settings()
    args = build_parser(settings).parse_args(argv)
    console, errors = Console(), Console(stderr=True, soft_wrap=True)
    try:
        return dispatch(args, settings, console)
    except SpecError as error:
        where = getattr(args, "spec", "the spec")
        errors.print(f"[red]error:[/red] invalid study spec {where}:", highlight=False)
        for field, reason in error.issues:
            errors.print(f"  {field}: {reason}", highlight=False, markup=False)
        return USAGE_ERROR
    except StudyNotFinishedError as error:
        errors.print(f"[red]error:[/red] {error}", highlight=False)
        print_status(errors, error.study)
        return USAGE_ERROR
    except (StudyConflictError, StudyNotFoundError, UsageError, DatasetFileError) as error:
        errors.print(f"[red]error:[/red] {error}", highlight=False)
        return USAGE_ERROR
    except ApiError as error:
        errors.print(f"[red]error:[/red] the server answered {error}", highlight=False)
        for issue in error.body.get("errors", []) if isinstance(error.body, dict) else []:
            errors.print(f"  {issue['field']}: {issue['reason']}", highlight=False, markup=False)
        return USAGE_ERROR if 400 <= error.status < 500 else RUN_FAILED
    except httpx.HTTPError as error:
        errors.print(f"[red]error:[/red] talking to the server failed: {error}", highlight=False)
        return RUN_FAILED
    except ModelsError as error:
        errors.print(f"[red]error:[/red] the study failed: {error}", highlight=False)
        return RUN_FAILED
    except DatasetInUse as error:
        errors.print(f"[red]error:[/red] {error}", highlight=False)
        return USAGE_ERROR
    except FileNotFoundError as error:
        errors.print(f"[red]error:[/red] no such file: {error.filename}", highlight=False)
        return USAGE_ERROR
    except KeyboardInterrupt:
        errors.print("interrupted: rerun the same command to resume where it stopped.")
        return 130


def entry_point() -> None:
    sys.exit(main())
