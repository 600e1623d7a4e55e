"""Bounded work: every spec value that sizes memory or time is checked against the settings'
limits before anything is stored, floats are finite, and no reason carries a trace.

The first tests are the probe of issue 20 against the API, in-process; then the local run (the
CLI's exit code, `tw.run_study`); then the parts: the limits' names, the data estimates, the
parameter counts, and what becomes of whatever a builder raises.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import optuna
import pandas as pd
import pytest
import torch
from fastapi.testclient import TestClient

import taskweights as tw
from taskweights.app.cli import main
from taskweights.app.settings import Settings
from taskweights.models import MultiTaskModel, MultiTaskNet, Problem, Task, TrunkConfig
from taskweights.models.datasets import use_datasets
from taskweights.models.mnist import network as mnist_network
from taskweights.models.problems import (
    build_problem,
    estimate_data_bytes,
    sized_by,
    split_dataset,
)
from taskweights.models.registry import local_problems
from taskweights.search import SpecError, StudyNotFoundError, load_spec, parse_spec
from taskweights.search.checks import REASON_CHARS, check_against_models
from taskweights.search.limits import SETTING, Limits, exceeded
from tests.conftest import small_digits_spec
from tests.inprocess import api_on
from tests.test_examples import EXAMPLES, SPECS, ExampleFiles

HOUSES = load_spec(EXAMPLES / "houses.yaml").problem.params  # the csv problem's, as shipped


def refused(http: TestClient, spec: dict[str, Any] | str) -> dict[str, str]:
    """POST a spec (a dict, or raw JSON text); assert 422 and return {field: reason}."""
    if isinstance(spec, str):
        headers = {"content-type": "application/json"}
        answer = http.post("/studies", content=spec, headers=headers)
    else:
        answer = http.post("/studies", json=spec)
    assert answer.status_code == 422, answer.text
    errors = {error["field"]: error["reason"] for error in answer.json()["errors"]}
    for reason in errors.values():
        assert "\n" not in reason and len(reason) <= REASON_CHARS, reason
        assert "Traceback" not in reason and ".cpp" not in reason, reason
    return errors


def nothing_stored(http: TestClient, db_url: str) -> bool:
    optuna_studies = optuna.study.get_all_study_names(storage=db_url)
    return http.get("/studies").json()["count"] == 0 and not optuna_studies


@pytest.fixture
def example_files() -> Iterator[None]:
    """examples/houses.csv, for the csv problem, in this process."""
    previous = use_datasets(ExampleFiles())
    yield
    use_datasets(previous)


@pytest.fixture
def http(db_url: str) -> Iterator[TestClient]:
    with api_on(db_url) as client:
        yield client


# --- the probe, against the API --------------------------------------------------------------


def test_a_trunk_a_billion_wide_is_refused_naming_the_width_limit(
    http: TestClient, db_url: str
) -> None:
    spec = small_digits_spec("wide", problem={"name": "digits", "trunk": {"hidden": [10**9]}})
    errors = refused(http, spec)
    assert errors == {
        "problem.trunk.hidden.0": (
            "1000000000 exceeds this server's limit of 16384 (TASKWEIGHTS_MAX_WIDTH)"
        )
    }
    assert nothing_stored(http, db_url)


def test_a_problem_of_terabytes_is_refused_from_its_estimate(
    http: TestClient, db_url: str
) -> None:
    spec = small_digits_spec("huge", problem={"name": "kendall-toy", "params": {"n": 10**12}})
    errors = refused(http, spec)  # building it would try to allocate 8 TB (a 500 before)
    assert list(errors) == ["problem.params"]
    assert "TB of data" in errors["problem.params"]
    assert "limit of 4096 MB (TASKWEIGHTS_MAX_DATA_MB)" in errors["problem.params"]
    assert nothing_stored(http, db_url)


def test_an_integer_of_400_digits_is_refused_in_one_short_line(
    http: TestClient, db_url: str
) -> None:
    spec = small_digits_spec("googol", problem={"name": "kendall-toy", "params": {"n": 10**400}})
    errors = refused(http, spec)  # a C++ stack trace before
    assert errors == {"problem.params.n": "must be an integer within 64 bits (±9.2e18)"}
    epochs = refused(http, small_digits_spec("long", training={"epochs": 10**400}))
    assert epochs == {
        "training.epochs": "about 10^400 exceeds this server's limit of 1000 "
        "(TASKWEIGHTS_MAX_EPOCHS)"
    }
    assert nothing_stored(http, db_url)


@pytest.mark.parametrize(
    ("where", "text", "field"),
    [
        ("training", '{"epochs": 3, "lr": Infinity}', "training.lr"),
        ("training", '{"lr": {"low": 1e-4, "high": NaN}}', "training.lr.high"),
        ("tuned", '{"weight_range": [0.01, Infinity]}', "tuned.weight_range.1"),
        ("tuned", '{"weight_range": [0.01, 1e400]}', "tuned.weight_range.1"),
        (
            "strategies",
            '[{"name": "dwa", "params": {"temperature": NaN}}]',
            "strategies.0.params.temperature",
        ),
        (
            "problem",
            '{"name": "kendall-toy", "params": {"noise": [1, -Infinity]}}',
            "problem.params.noise",
        ),
    ],
)
def test_floats_must_be_finite_everywhere_in_a_spec(
    http: TestClient, db_url: str, where: str, text: str, field: str
) -> None:
    """JSON as JavaScript writes it (Infinity, NaN) parses in Python; a spec refuses it."""
    spec = json.dumps(small_digits_spec("inf", **{where: "HERE"})).replace('"HERE"', text)
    errors = refused(http, spec)
    assert list(errors) == [field]
    assert "finite" in errors[field]
    assert nothing_stored(http, db_url)


def test_the_network_is_counted_against_the_servers_limit(db_url: str) -> None:
    trunk = {"type": "mlp", "hidden": [256, 128]}  # digits: 64 -> 256 -> 128, heads 10, 3, 64
    count = MultiTaskNet(
        build_problem("digits", {}, 0).tasks, TrunkConfig("mlp", (256, 128)), (1, 8, 8)
    )
    parameters = sum(p.numel() for p in count.parameters())
    spec = small_digits_spec("net", problem={"name": "digits", "trunk": trunk})
    with api_on(db_url, max_parameters=parameters - 1) as http:
        errors = refused(http, spec)
        assert errors == {
            "problem.trunk": f"the network's parameters: {parameters} exceeds this server's "
            f"limit of {parameters - 1} (TASKWEIGHTS_MAX_PARAMETERS)"
        }
        assert nothing_stored(http, db_url)
    with api_on(db_url, max_parameters=parameters) as http:
        assert http.post("/studies", json=spec).status_code == 201


def test_epochs_times_rows_times_runs_is_the_work_a_study_may_ask(db_url: str) -> None:
    spec = small_digits_spec("work")
    with api_on(db_url) as http:
        study = http.post("/studies", json=spec).json()
    runs = 1 + sum(arm["budget"] for arm in study["arms"]) + study["evaluation"]["total"]
    rows = len(build_problem("digits", {}, spec["seed"]).train)
    work = spec["training"]["epochs"] * rows * runs
    with api_on(db_url, max_work=work - 1) as http:
        errors = refused(http, small_digits_spec("work2"))
        assert errors == {
            "training.epochs": f"3 epochs x {rows} training rows x {runs} training runs = "
            f"{work} samples to train, over this server's limit of {work - 1} "
            "(TASKWEIGHTS_MAX_WORK)"
        }
    with api_on(db_url, max_work=work) as http:
        assert http.post("/studies", json=small_digits_spec("work3")).status_code == 201


# --- a local run: the same checks, the same settings -----------------------------------------


def test_a_local_run_over_a_limit_exits_2_naming_the_field(
    write_spec: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_spec(small_digits_spec(problem={"name": "digits", "trunk": {"hidden": [10**9]}}))
    db_file = tmp_path / "untouched.db"
    assert main(["run", str(path), "--db", f"sqlite:///{db_file}"]) == 2
    stderr = capsys.readouterr().err
    assert "problem.trunk.hidden.0" in stderr and "TASKWEIGHTS_MAX_WIDTH" in stderr
    assert "Traceback" not in stderr
    assert not db_file.exists()  # refused before the database is made


def test_run_study_estimates_before_building_under_the_environments_limits(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TASKWEIGHTS_MAX_DATA_MB", "1")  # kendall-toy at n=100,000 holds 1.1 MB
    spec = small_digits_spec("env", problem={"name": "kendall-toy", "params": {"n": 100_000}})
    with pytest.raises(SpecError) as refusal:
        tw.run_study(spec, db=db_url)
    [(field, reason)] = refusal.value.issues
    assert field == "problem.params" and "limit of 1 MB (TASKWEIGHTS_MAX_DATA_MB)" in reason
    with pytest.raises(StudyNotFoundError):
        tw.load_comparison("env", db=db_url)


# --- the limits: names, and generous defaults ------------------------------------------------


def test_each_spec_value_over_its_limit_names_its_field_and_setting() -> None:
    spec = parse_spec(
        small_digits_spec(
            "all",
            problem={
                "name": "digits",
                "trunk": {"type": "cnn", "hidden": [4, 4], "channels": [4]},
            },
            strategies=["uncertainty", "dwa"],
            tuned={"trials": 3},
            training={"epochs": 3, "batch_size": 3},
            evaluation={"seeds": 3, "front": 3},
            score="pareto",
        )
    )
    limits = every_limit(2)
    issues = dict(exceeded(spec, limits))
    assert issues.keys() == {
        "tuned.trials",
        "training.epochs",
        "training.batch_size",
        "evaluation.seeds",
        "evaluation.front",
        "problem.trunk.hidden.0",
        "problem.trunk.channels.0",
    }
    assert not exceeded(spec, every_limit(4))
    for reason in issues.values():
        setting = reason.rsplit("(", 1)[1].rstrip(")")
        name = setting.removeprefix(SETTING.format(""))
        assert name.lower() in Settings.model_fields, reason  # a setting that exists


def every_limit(value: int) -> Limits:
    return Limits(**{limit.name: value for limit in fields(Limits)})


def test_depth_and_the_number_of_strategies_are_limited() -> None:
    spec = parse_spec(
        small_digits_spec(
            "deep",
            problem={"name": "digits", "trunk": {"hidden": [8] * 5}},
            strategies=["uncertainty", "dwa", "rlw"],
        )
    )
    limits = Settings(max_depth=4, max_strategies=2).limits()
    assert dict(exceeded(spec, limits)) == {
        "problem.trunk.hidden": "5 layers: 5 exceeds this server's limit of 4 "
        "(TASKWEIGHTS_MAX_DEPTH)",
        "strategies": "3 exceeds this server's limit of 2 (TASKWEIGHTS_MAX_STRATEGIES)",
    }


@pytest.mark.parametrize("path", SPECS, ids=[p.name for p in SPECS])
def test_the_shipped_examples_are_within_the_default_limits(
    path: Path, example_files: None
) -> None:
    check_against_models(load_spec(path), Settings().limits())


# --- estimates and counts, before anything is built ------------------------------------------


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("kendall-toy", {}),
        ("kendall-toy", {"n": 300, "features": 3, "noise": [1.0, 2.0, 3.0]}),
        ("digits", {}),
        ("mnist", {"n": 100}),
        ("qm9", {"n": 100, "targets": ["mu", "gap"]}),
        ("csv", HOUSES),
    ],
    ids=["kendall", "kendall-3", "digits", "mnist", "qm9", "csv"],
)
def test_a_built_in_problem_says_its_data_size_before_it_is_built(
    name: str, params: dict[str, Any], example_files: None
) -> None:
    estimate = estimate_data_bytes(name, params)
    assert estimate == build_problem(name, params, seed=1).data_bytes


def test_a_csv_estimate_counts_each_category_as_a_column(example_files: None) -> None:
    """One-hot encoding is where a small file becomes a large tensor."""
    numbers_only = estimate_data_bytes(
        "csv", {**HOUSES, "features": ["area_m2"], "categorical": []}
    )
    one_hot = estimate_data_bytes("csv", {**HOUSES, "features": ["city"]})
    assert numbers_only is not None and one_hot is not None
    table = pd.read_csv(EXAMPLES / "houses.csv")
    assert one_hot - numbers_only == len(table) * 4 * (table["city"].nunique() - 1)


@pytest.mark.parametrize(
    ("trunk", "shape"),
    [
        (TrunkConfig(), (5,)),
        (TrunkConfig("mlp", (256, 128), dropout=0.1), (1, 8, 8)),
        (TrunkConfig("cnn", (32,), (16, 32)), (1, 8, 8)),
        (TrunkConfig("cnn", (7, 3), (4,)), (3, 28, 28)),
    ],
)
def test_a_trunk_is_counted_as_torch_counts_it_once_built(
    trunk: TrunkConfig, shape: tuple[int, ...]
) -> None:
    tasks = [Task("a", "multiclass", outputs=10), Task("b", "regression", outputs=64)]
    problem = two_task_problem(shape, tasks)
    built = sum(p.numel() for p in MultiTaskNet(tasks, trunk, shape).parameters())
    assert problem.parameter_count(trunk) == built


def test_a_problems_own_network_is_counted_on_the_meta_device() -> None:
    tasks = [Task("digit", "multiclass", outputs=10), Task("recon", "regression", outputs=784)]
    problem = replace(two_task_problem((1, 28, 28), tasks), network=mnist_network)
    built = sum(p.numel() for p in mnist_network(tasks).parameters())
    assert problem.parameter_count() == built


def test_a_cnn_that_pools_its_image_away_is_refused_at_the_trunk() -> None:
    spec = parse_spec(
        small_digits_spec(
            "pooled", problem={"name": "digits", "trunk": {"type": "cnn", "channels": [4] * 4}}
        )
    )
    with pytest.raises(SpecError) as refusal:
        check_against_models(spec, Settings().limits())
    [(field, reason)] = refusal.value.issues
    assert field == "problem.trunk" and "shrink" in reason


def two_task_problem(shape: tuple[int, ...], tasks: Sequence[Task]) -> Problem:
    x = torch.zeros(40, *shape)
    targets = [torch.zeros(40, dtype=torch.long), torch.zeros(40, tasks[1].outputs)]
    train, val, test = split_dataset(x, targets, 0, 0.25, 0.25)
    return Problem("two", tuple(tasks), train, val, test)


# --- a script's or a plugin's problem -------------------------------------------------------

BUILT: list[int] = []  # sizes asked of the builders below


def rows(seed: int, *, n: int = 100) -> Problem:
    """A problem without an estimate, as a plugin may be."""
    BUILT.append(n)
    tasks = [Task("a", "multiclass", outputs=2), Task("b", "regression", outputs=1)]
    return two_task_problem((n // 100,), tasks)


@sized_by(lambda params: 4 * params["n"] ** 2)
def sized_rows(seed: int, *, n: int = 100) -> Problem:
    """The same, with an estimate (a deliberately large one)."""
    return rows(seed, n=n)


@contextmanager
def script_problems(**problems: Any) -> Iterator[None]:
    BUILT.clear()
    with local_problems(problems):
        yield


def local_spec(problem: str, **params: Any) -> Any:
    return parse_spec(small_digits_spec("local", problem={"name": problem, "params": params}))


def test_a_problem_over_its_estimate_is_never_built() -> None:
    limits = Settings(max_data_mb=1).limits()
    with script_problems(sized=sized_rows), pytest.raises(SpecError) as refusal:
        check_against_models(local_spec("sized", n=10**6), limits)  # 4 TB, says its estimate
    assert refusal.value.issues[0][0] == "problem.params"
    assert BUILT == []


def test_a_problem_without_an_estimate_is_built_then_measured() -> None:
    with script_problems(plain=rows):
        problem = check_against_models(local_spec("plain", n=200), Settings().limits())
        assert problem.input_shape == (2,)
        over = Settings(max_data_mb=problem.data_bytes / 2**20 * 0.99).limits()
        with pytest.raises(SpecError) as refusal:
            check_against_models(local_spec("plain", n=200), over)
    assert refusal.value.issues[0][0] == "problem.params"
    assert BUILT == [200, 200]


def network_that_breaks(tasks: Sequence[Task]) -> MultiTaskModel:
    raise RuntimeError("the network cannot be made\nframe #0: somewhere in C++")


# --- whatever a builder raises: one line, at the field -------------------------------------------


def allocates_too_much(seed: int) -> Problem:
    torch.empty(2**62, dtype=torch.uint8)  # real torch: fails in C++, its location in brackets
    raise AssertionError("unreachable")


def raises(error: BaseException) -> Any:
    def builder(seed: int) -> Problem:
        raise error

    return builder


@pytest.mark.parametrize(
    "builder",
    [
        allocates_too_much,
        raises(MemoryError()),
        raises(OverflowError("Python int too large to convert to C long")),
        raises(TypeError("'<' not supported\n  File 'x.py', line 3, in builder")),
        raises(RuntimeError("x" * 5000)),
    ],
    ids=["torch", "memory", "overflow", "type", "long"],
)
def test_whatever_a_builder_raises_is_one_short_line_at_the_problems_params(builder: Any) -> None:
    with script_problems(failing=builder), pytest.raises(SpecError) as refusal:
        check_against_models(local_spec("failing"), Settings().limits())
    [(field, reason)] = refusal.value.issues
    assert field == "problem.params"
    assert "\n" not in reason and len(reason) <= REASON_CHARS
    assert "enforce fail" not in reason and ".cpp" not in reason and "File " not in reason


def test_a_network_that_fails_to_build_is_one_line_at_the_problem() -> None:
    def own_network(seed: int) -> Problem:
        tasks = [Task("a", "multiclass", outputs=2), Task("b", "regression", outputs=1)]
        problem = two_task_problem((3,), tasks)
        return replace(problem, network=network_that_breaks)

    with script_problems(own=own_network), pytest.raises(SpecError) as refusal:
        check_against_models(local_spec("own"), Settings().limits())
    assert refusal.value.issues == [("problem.name", "the network cannot be made")]
