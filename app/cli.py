"""The `taskweights` command.

    taskweights run SPEC [--db URL] [--json]      run (or resume) a study here, then compare
    taskweights compare NAME [--db URL] [--json]  print a stored study's comparison again

Exit codes: 0 done, 1 the run failed, 2 bad input (a spec, a name, an argument).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import optuna
import torch
from rich.console import Console

from app.render import StudyProgress, print_comparison
from app.settings import Settings
from models import ModelsError
from search import (
    SpecError,
    StudyConflictError,
    StudyNotFoundError,
    load_comparison,
    load_spec,
    run_study,
    storage_at,
)

USAGE_ERROR, RUN_FAILED = 2, 1


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="taskweights",
        description="Tune fixed multi-task loss weights, or learn them? Run both and compare.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run (or resume) a study on this machine")
    run.add_argument("spec", help="a study spec, YAML or JSON")
    compare = commands.add_parser("compare", help="print a stored study's comparison")
    compare.add_argument("name", help="the study's name (the spec's 'name')")
    for command in (run, compare):
        command.add_argument(
            "--db",
            default=settings.db_url,
            help=f"SQLAlchemy URL of the storage (default: {settings.db_url})",
        )
        command.add_argument("--json", action="store_true", help="print the comparison as JSON")
    return parser


def command_run(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    spec = load_spec(args.spec)
    torch.set_num_threads(settings.threads)
    with StudyProgress(Console(stderr=True)) as progress:
        run_study(spec, args.db, progress)
    return show_comparison(spec.name, args, console)


def show_comparison(name: str, args: argparse.Namespace, console: Console) -> int:
    with storage_at(args.db) as storage:
        comparison = load_comparison(storage, name)
    if args.json:
        print(comparison.model_dump_json(indent=2))
    else:
        print_comparison(console, comparison)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    settings = Settings()
    args = build_parser(settings).parse_args(argv)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    console, errors = Console(), Console(stderr=True, soft_wrap=True)
    try:
        if args.command == "run":
            return command_run(args, settings, console)
        return show_comparison(args.name, args, console)
    except SpecError as error:
        where = getattr(args, "spec", "the spec")
        errors.print(f"[red]error:[/red] invalid study spec {where}:", highlight=False)
        for field, reason in error.issues:
            errors.print(f"  {field}: {reason}", highlight=False, markup=False)
        return USAGE_ERROR
    except (StudyConflictError, StudyNotFoundError) as error:
        errors.print(f"[red]error:[/red] {error}", highlight=False)
        return USAGE_ERROR
    except ModelsError as error:
        errors.print(f"[red]error:[/red] the study failed: {error}", highlight=False)
        return RUN_FAILED
    except KeyboardInterrupt:
        errors.print("interrupted: rerun the same command to resume where it stopped.")
        return 130


def entry_point() -> None:
    sys.exit(main())
