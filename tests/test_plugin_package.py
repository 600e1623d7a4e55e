"""The plugin in examples/plugin/, as a user installs it: `pip install`ed (not editable) beside
the taskweights wheel in a fresh environment, then served by `taskweights serve` from there:
GET /problems lists it, and a study of it runs through the service.

Its problem also trains in this process, to show that it learns in a few epochs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from taskweights.models import TrainConfig, build_strategy, train
from tests.conftest import ROOT, UV, run_command, small_digits_spec, venv_with_wheel
from tests.server import running_server, wait_for

PLUGIN = ROOT / "examples" / "plugin"
HYDRANET = {"name": "hydranet", "params": {"n": 300}}  # trains in seconds


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """The wheel and, from a copy of examples/plugin (its build leaves files beside its
    sources), the plugin."""
    folder = tmp_path_factory.mktemp("plugin-venv")
    source = shutil.copytree(PLUGIN, folder / "plugin")
    env = venv_with_wheel(folder / "env", wheel)
    run_command(UV, "pip", "install", "--python", env / "bin" / "python", source)
    return env


def test_the_installed_plugin_is_listed_and_runs_a_study_through_the_service(
    venv: Path, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'studies.db'}"
    serve = venv / "bin" / "taskweights"
    with (
        running_server(db, workers=1, taskweights=serve) as url,
        httpx.Client(base_url=url, timeout=60) as client,
    ):
        problems = {p["name"]: p for p in client.get("/problems").json()}
        hydranet = problems["hydranet"]
        assert hydranet["source"] == "taskweights-hydranet"
        assert problems["digits"]["source"] == "built-in"
        assert {p["name"]: p["default"] for p in hydranet["params"]} == {
            "n": 600,
            "size": 16,
            "noise": 0.1,
            "val_fraction": 0.2,
            "test_fraction": 0.2,
        }
        created = client.post("/studies", json=small_digits_spec("hydra", problem=HYDRANET))
        assert created.status_code == 201, created.text
        study = wait_for(client, created.json()["id"], {"done", "failed"})
        assert study["status"] == "done", study["error"]
        comparison = client.get(f"/studies/{study['id']}/comparison").json()
    assert [(task["name"], task["metric"]) for task in comparison["tasks"]] == [
        ("size", "mae"),
        ("filled", "accuracy"),
        ("shape", "accuracy"),
    ]
    assert {arm["arm"] for arm in comparison["arms"]} == {"tuned", "uncertainty"}


def test_its_heads_learn_in_a_few_epochs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(PLUGIN))
    from taskweights_hydranet import hydranet

    problem = hydranet(0)
    result = train(
        problem,
        build_strategy("equal", [task.is_classification for task in problem.tasks]),
        TrainConfig(epochs=10, lr=3e-3, batch_size=32),
    )
    size_mae, filled_accuracy, shape_accuracy = result.final.val_metric
    assert size_mae < 0.3  # predicting the mean: about 0.5
    assert filled_accuracy > 0.9  # chance: 0.5
    assert shape_accuracy > 0.7  # chance: 1/3
