"""taskweights: tune fixed multi-task loss weights with Optuna, or learn them? Run both, compare.

    import taskweights as tw
    spec = tw.load_spec("examples/digits.yaml")         # or tw.StudySpec(...), or a dict
    result = tw.run_study(spec, db="sqlite:///tw.db", progress=True)
    result.verdict.statement, result.to_frame()
    with tw.Client("http://localhost:8000") as c:     # or on a server's workers
        study = c.submit(spec); c.wait(study.id); c.comparison(study.id)

The names load their modules on first use: `import taskweights` and the `Client` import neither
torch, FastAPI nor SQLAlchemy. The layers below (`taskweights.models`, `.search`, `.app`) are
described in docs/architecture.md.
"""

from importlib.metadata import PackageNotFoundError, version

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)

try:
    __version__ = version("taskweights")
except PackageNotFoundError:  # a checkout on sys.path without an install
    __version__ = "0+unknown"
