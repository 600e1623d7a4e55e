"""`python -m taskweights`: the same command line as the `taskweights` script."""

if __name__ == "__main__":
    from taskweights.app.cli import entry_point

    entry_point()
