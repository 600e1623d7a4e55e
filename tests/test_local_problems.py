"""Problems defined in the caller's script: `tw.run_study(spec, problems={"name": factory})`.

The name exists for that call only; the study it stored stays readable everywhere afterwards
(in another process, through the API), and a server's worker leaves its units alone.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
import torch
from torch import Tensor, nn

import taskweights as tw
from taskweights.app.db import studies
from taskweights.app.db.database import Database, upgrade_database
from taskweights.app.db.tables import WorkUnitRow
from taskweights.models import (
    ConfigurationError,
    MultiTaskModel,
    Problem,
    Task,
    local_problems,
    problem_names,
    problem_sources,
)
from taskweights.models.problems import split_dataset
from taskweights.search import parse_spec
from taskweights.search.checks import check_against_models, task_infos
from tests.conftest import small_digits_spec
from tests.inprocess import api_on, work
from tests.server import TASKWEIGHTS

TASKS = ("level", "sign")


class Gated(nn.Module):
    """A trunk no `TrunkConfig` describes: a linear layer gated by a sigmoid of itself."""

    def __init__(self, features: int, width: int) -> None:
        super().__init__()
        self.value, self.gate = nn.Linear(features, width), nn.Linear(features, width)

    def forward(self, x: Tensor) -> Tensor:
        return torch.relu(self.value(x)) * torch.sigmoid(self.gate(x))


def gated_network(tasks: Sequence[Task]) -> MultiTaskModel:
    return MultiTaskModel(Gated(4, 16), [nn.Linear(16, task.outputs) for task in tasks])


def level_and_sign(seed: int, *, n: int = 200) -> Problem:
    """A regression and a binary task on four features, trained on a gated trunk."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 4, generator=generator)
    level = x[:, :2].sum(dim=1, keepdim=True)
    sign = (x[:, 2] * x[:, 3] > 0).long()
    tasks = (Task("level", "regression", 1, loss="l1", metric="mae"), Task("sign", "binary", 1))
    train, val, test = split_dataset(x, [level, sign], seed, 0.2, 0.2)
    return Problem("level-and-sign", tasks, train, val, test, network=gated_network)


def script_spec(name: str) -> dict:
    return small_digits_spec(name, problem={"name": "level-and-sign", "params": {"n": 160}})


def test_a_script_problem_with_its_own_trunk_runs_and_stays_readable(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'tw.db'}"
    result = tw.run_study(script_spec("mine"), db=db, problems={"level-and-sign": level_and_sign})
    assert [task.name for task in result.tasks] == list(TASKS)
    assert {arm.arm for arm in result.arms} == {"tuned", "uncertainty"}
    assert "level-and-sign" not in problem_names()  # registered for the call only

    assert tw.load_comparison("mine", db=db) == result
    shown = subprocess.run(  # a fresh process, which never knew the problem
        [TASKWEIGHTS, "compare", "mine", "--db", db, "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert [task["name"] for task in json.loads(shown.stdout)["tasks"]] == list(TASKS)
    with api_on(db) as http:
        assert http.get("/studies/1").json()["status"] == "done"
        assert http.get("/studies/1/comparison").status_code == 200
        assert http.get("/studies/1/trials").json()["count"] > 0
        refused = http.post("/studies", json=script_spec("again"))
        assert refused.status_code == 422
        assert "Unknown problem 'level-and-sign'" in refused.text


def test_a_local_name_lives_for_its_block_and_shadows_nothing() -> None:
    with local_problems({"level-and-sign": level_and_sign}):
        assert problem_sources()["level-and-sign"] == "local"
        assert parse_spec(script_spec("p")).problem.name == "level-and-sign"
        with local_problems({"level-and-sign": level_and_sign}):  # the same builder again
            pass
        assert "level-and-sign" in problem_names()
        with (
            pytest.raises(ConfigurationError, match="already registered"),
            local_problems({"level-and-sign": lambda seed: level_and_sign(seed)}),
        ):
            pass
    with pytest.raises(tw.SpecError, match="Unknown problem 'level-and-sign'"):
        parse_spec(script_spec("p"))
    with (
        pytest.raises(ConfigurationError, match="'digits' is taken by a built-in problem"),
        local_problems({"digits": level_and_sign}),
    ):
        pass
    assert problem_sources()["digits"] == "built-in"


def test_a_worker_leaves_a_study_whose_problem_it_lacks(tmp_path: Path) -> None:
    """A server's worker on the database of a local run must not fail that run's study."""
    db = f"sqlite:///{tmp_path / 'tw.db'}"
    upgrade_database(db)
    database = Database(db)
    try:
        with local_problems({"level-and-sign": level_and_sign}):
            spec = parse_spec(script_spec("local-only"))
            with database.session() as session:
                studies.create(session, spec, task_infos(check_against_models(spec)))
        work(db)  # a worker of this process, which no longer has the problem
        with database.session() as session:
            [unit] = session.query(WorkUnitRow).all()
            assert (unit.state, unit.attempts, unit.worker) == ("queued", 0, None)
    finally:
        database.dispose()
