"""The `taskweights` command: client commands talk HTTP only; the others load what they run."""

from taskweights.app.cli.commands import entry_point, main

__all__ = ["entry_point", "main"]
