"""Study specs: valid ones fill in defaults; invalid ones name the field and the reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from taskweights.search import SpecError, load_spec, validate_spec
from taskweights.search.arms import build_arms
from taskweights.search.checks import check_against_models
from tests.conftest import small_digits_spec


def issues_of(data: Any) -> dict[str, str]:
    with pytest.raises(SpecError) as caught:
        validate_spec(data)
    return dict(caught.value.issues)


def test_defaults_are_filled_in() -> None:
    spec = validate_spec({"name": "d", "problem": {"name": "digits"}})
    assert spec.score == "delta_m"
    assert [s.name for s in spec.strategies] == ["uncertainty"]
    assert spec.tuned.weight_range == (0.01, 100.0)
    assert spec.evaluation.seeds == 3


def test_strategies_as_names_or_objects() -> None:
    spec = validate_spec(
        small_digits_spec(strategies=["dwa", {"name": "uncertainty", "params": {"sigma_lr": 5}}])
    )
    assert spec.arm_names == ["tuned", "dwa", "uncertainty"]
    assert spec.strategies[1].params == {"sigma_lr": 5}


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"problem": {"name": "digitz"}}, "problem.name", "Unknown problem 'digitz'"),
        ({"problem": {"name": "digits", "params": {"n": 5}}}, "problem.params.n", "no parameter"),
        ({"tuned": {"trials": 0}}, "tuned.trials", "greater than 0"),
        ({"tuned": {"weight_range": [10, 1]}}, "tuned.weight_range", "low must be below high"),
        ({"tuned": {"sampler": "grid"}}, "tuned.sampler", "'tpe'"),
        ({"training": {"lr": -1}}, "training.lr", "greater than 0"),
        ({"training": {"lr": {"low": 1, "high": 0.1}}}, "training.lr", "low must be below"),
        ({"training": {"epochs": 3, "colour": "red"}}, "training.colour", "Extra inputs"),
        ({"strategies": ["nonsense"]}, "strategies.0.name", "Unknown weighting 'nonsense'"),
        (
            {"strategies": [{"name": "dwa", "params": {"temperature": -1}}]},
            "strategies.0.params",
            "temperature must be positive but got -1",
        ),
        ({"strategies": ["dwa", "dwa"]}, "strategies", "appears twice"),
        ({"strategies": []}, "strategies", "at least 1"),
        ({"score": "task:nope"}, "score", "no task 'nope'"),
        ({"name": "a/b"}, "name", "pattern"),
        ({"evaluation": {"seeds": 1}}, "evaluation.seeds", "greater than or equal to 2"),
    ],
)
def test_bad_fields_are_named_with_a_reason(change: dict, field: str, reason: str) -> None:
    issues = issues_of(small_digits_spec(**change))
    assert field in issues, issues
    assert reason in issues[field]


def test_every_bad_field_is_reported_at_once() -> None:
    issues = issues_of(small_digits_spec(tuned={"trials": -1}, training={"epochs": 0}))
    assert {"tuned.trials", "training.epochs"} <= set(issues)


def test_cnn_trunk_needs_images() -> None:
    spec = {"name": "k", "problem": {"name": "kendall-toy", "trunk": {"type": "cnn"}}}
    assert "problem.trunk.type" in issues_of(spec)


def test_learning_rate_range_is_searched_in_every_arm() -> None:
    spec = validate_spec(small_digits_spec(training={"lr": {"low": 1e-4, "high": 1e-2}}))
    assert {arm.name: arm.trials for arm in build_arms(spec)} == {"tuned": 3, "uncertainty": 3}
    fixed = validate_spec(small_digits_spec())
    assert {arm.name: arm.trials for arm in build_arms(fixed)} == {"tuned": 3, "uncertainty": 1}


def test_load_spec_reads_yaml_and_json(tmp_path: Path, write_spec) -> None:
    assert load_spec(write_spec(small_digits_spec())).name == "tiny"
    json_path = tmp_path / "spec.json"
    json_path.write_text('{"name": "j", "problem": {"name": "digits"}}')
    assert load_spec(json_path).name == "j"


@pytest.mark.parametrize(
    ("text", "reason"),
    [("name: [unclosed", "not valid YAML"), ("- just\n- a list\n", "mapping")],
)
def test_unreadable_files_are_spec_errors(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(SpecError, match=reason):
        load_spec(path)


def test_missing_file_is_a_spec_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="cannot read"):
        load_spec(tmp_path / "absent.yaml")


def test_fixed_weights_arm_needs_its_weights() -> None:
    issues = issues_of(small_digits_spec(strategies=["fixed"]))
    assert issues["strategies.0.params"] == "weighting 'fixed' needs parameter 'weights'."


def test_task_loss_and_metric_can_be_overridden() -> None:
    spec = validate_spec(
        small_digits_spec(
            problem={"name": "digits", "tasks": {"recon": {"loss": "l1", "metric": "mae"}}}
        )
    )
    recon = check_against_models(spec).tasks[2]
    assert (recon.name, recon.loss, recon.metric) == ("recon", "l1", "mae")
    assert not recon.higher_is_better


def test_a_task_with_use_false_is_left_out_targets_and_all() -> None:
    spec = validate_spec(
        small_digits_spec(problem={"name": "digits", "tasks": {"recon": {"use": False}}})
    )
    problem = check_against_models(spec)
    full = check_against_models(validate_spec(small_digits_spec()))
    assert problem.task_names == ["digit", "group3"]
    for split, whole in ((problem.train, full.train), (problem.test, full.test)):
        assert len(split.targets) == 2
        assert split.targets[0].equal(whole.targets[0]) and split.targets[1].equal(
            whole.targets[1]
        )
        assert split.x.equal(whole.x)  # the same samples, the same split


@pytest.mark.parametrize(
    ("tasks", "reason"),
    [
        ({"recon": {"loss": "cross_entropy"}}, "must be one of ['l1', 'mse']"),
        ({"digit": {"metric": "rmse"}}, "must be one of ['accuracy', 'f1']"),
        ({"colour": {"metric": "mae"}}, "no task 'colour'"),
        ({"colour": {"use": False}}, "no task 'colour'"),
        (
            {name: {"use": False} for name in ("digit", "group3", "recon")},
            "at least one task must stay",
        ),
    ],
)
def test_task_overrides_must_suit_the_task(tasks: dict, reason: str) -> None:
    issues = issues_of(small_digits_spec(problem={"name": "digits", "tasks": tasks}))
    assert reason in issues["problem.tasks"]
