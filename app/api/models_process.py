"""The API's models process: the checks and the catalog that need torch, in one child process.

The API process itself never imports torch, so it starts fast and stays small. What must build
a problem or a strategy (a submitted spec's second validation pass, the problems' parameters
for /problems and /strategies) runs in one spawned child, started with the app and warmed up
(torch imported, the small built-in problems built once) before the first request needs it. If the
child dies, the next call starts another; when the API process dies, the child follows.
"""

from __future__ import annotations

import inspect
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from taskweights.app.schemas import ParameterInfo, ProblemInfo, StrategyInfo
from taskweights.models.datasets import DatasetSource
from taskweights.search.errors import SpecError
from taskweights.search.limits import Limits
from taskweights.search.scores import TaskInfo
from taskweights.search.spec import StudySpec

WARM_PROBLEMS = ("kendall-toy", "digits")
CALL_TIMEOUT_SECONDS = 300  # the first call may wait for the warm-up (imports torch)
T = TypeVar("T")


class ModelsUnavailable(RuntimeError):
    """The models process died twice in a row while answering: the API answers 503."""


class ModelsProcess:
    """One child process that answers `check` and `catalog`; thread-safe."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._warm: Future[None] | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Spawn the child and begin its warm-up; returns at once."""
        self._running()

    @property
    def ready(self) -> bool:
        """Whether the child is warm: checks answer without waiting for imports."""
        warm = self._warm
        return warm is not None and warm.done() and warm.exception() is None

    def check(
        self,
        spec: StudySpec,
        datasets: DatasetSource | None = None,
        limits: Limits | None = None,
    ) -> list[TaskInfo]:
        """The problem's tasks, once the spec's problem and strategies build within `limits`;
        else `SpecError`.

        `datasets`: where a problem reading an uploaded dataset (csv) finds it (picklable).
        """
        tasks, issues = self._call(_check, spec.model_dump(mode="json"), datasets, limits)
        if issues:
            raise SpecError(issues)
        return [TaskInfo.model_validate(task) for task in tasks]

    def catalog(self) -> tuple[list[ProblemInfo], list[StrategyInfo]]:
        problems, strategies = self._call(_catalog)
        return (
            [ProblemInfo.model_validate(p) for p in problems],
            [StrategyInfo.model_validate(s) for s in strategies],
        )

    def stop(self) -> None:
        with self._lock:
            pool, self._pool, self._warm = self._pool, None, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _running(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_end_with_parent,
                    initargs=(os.getpid(),),
                )
                self._warm = self._pool.submit(_warm_up)
            return self._pool

    def _call(self, function: Callable[..., T], *args: Any) -> T:
        for _ in range(2):  # a dead child is replaced once per call
            pool = self._running()
            try:
                return pool.submit(function, *args).result(timeout=CALL_TIMEOUT_SECONDS)
            except BrokenProcessPool:
                with self._lock:
                    if self._pool is pool:
                        self._pool, self._warm = None, None
        raise ModelsUnavailable("the models process died twice while checking; see the logs")


MODELS = ModelsProcess()  # one per API process, shared by every app it serves


# --- in the child --------------------------------------------------------------------------


def _end_with_parent(parent: int) -> None:
    """A watchdog thread: when the API process dies (even by SIGKILL), this one ends too."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def _warm_up() -> None:
    """Import torch and build the small built-in problems; the others (mnist, qm9 parse their
    files for a second or two, csv needs a dataset) are built when a spec first names them."""
    from taskweights.models import build_problem

    for name in WARM_PROBLEMS:
        build_problem(name, {}, 0)


def _check(
    data: dict[str, Any], datasets: DatasetSource | None, limits: Limits | None
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    from taskweights.models.datasets import use_datasets
    from taskweights.search.checks import check_against_models, task_infos

    use_datasets(datasets)
    try:
        problem = check_against_models(StudySpec.model_validate(data), limits)
    except SpecError as error:
        return [], list(error.issues)
    return [task.model_dump() for task in task_infos(problem)], []


def _catalog() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from taskweights.models import (
        STRATEGIES,
        GradientWeighting,
        available_problems,
        problem_parameters,
        problem_sources,
        strategy_parameters,
    )

    sources = problem_sources()
    problems = [
        ProblemInfo(
            name=name,
            description=_summary(builder),
            params=_parameters(problem_parameters(builder)),
            source=sources[name],
        )
        for name, builder in sorted(available_problems().items())
    ]
    strategies = [
        StrategyInfo(
            name=name,
            level="gradient" if issubclass(cls, GradientWeighting) else "loss",
            description=_summary(cls),
            params=_parameters(strategy_parameters(name)),
        )
        for name, cls in sorted(STRATEGIES.items())
    ]
    return [p.model_dump() for p in problems], [s.model_dump() for s in strategies]


def _parameters(defaults: dict[str, Any]) -> list[ParameterInfo]:
    def plain(value: Any) -> Any:
        return list(value) if isinstance(value, tuple) else value

    return [
        ParameterInfo(
            name=name,
            default=None if default is inspect.Parameter.empty else plain(default),
            required=default is inspect.Parameter.empty,
        )
        for name, default in defaults.items()
    ]


def _summary(obj: Any) -> str:
    return (inspect.getdoc(obj) or "").split("\n\n")[0].replace("\n", " ")
