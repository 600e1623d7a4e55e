"""Each diagnostic fires on a study that shows its problem, and stays quiet otherwise."""

from __future__ import annotations

from collections.abc import Sequence

from optuna.distributions import FloatDistribution
from optuna.trial import FrozenTrial, TrialState, create_trial

from taskweights.search.diagnostics import diagnose
from taskweights.search.records import TrialRecord
from taskweights.search.results import ArmConfig, ArmResult, Compute, SeedRun, Summary
from taskweights.search.spec import StudySpec
from taskweights.search.tuning import tuning_curve
from tests.conftest import small_digits_spec

SPEC = StudySpec.model_validate(small_digits_spec("diagnosed", tuned={"trials": 10}))
RANGE = FloatDistribution(0.01, 100, log=True)


def trial(
    value: float | None, w: float = 1.0, state: TrialState = TrialState.COMPLETE
) -> FrozenTrial:
    attrs = {"error": "training diverged at epoch 2"} if state == TrialState.FAIL else {}
    return create_trial(
        state=state,
        value=value,
        params={"w_group3": w, "w_recon": 1.0},
        distributions={"w_group3": RANGE, "w_recon": RANGE},
        user_attrs=attrs,
    )


def arm(name: str, scores: Sequence[float], weights: dict[str, float]) -> ArmResult:
    runs = [SeedRun(seed=i, test={}, delta_m=s, score=s) for i, s in enumerate(scores)]
    return ArmResult(
        arm=name,
        strategy=name,
        config=ArmConfig(weights=weights, lr=0.003),
        test={},
        delta_m=Summary.of(scores),
        score=Summary.of(scores),
        compute=Compute(trials=1, epochs=1, seconds=1),
        runs=runs,
        failed_runs=0,
    )


def codes(tuned: list[FrozenTrial], arms: list[ArmResult], evaluations=None) -> dict[str, str]:
    scores = [t.value for t in tuned if t.state == TrialState.COMPLETE]
    curve = tuning_curve(scores, "tpe", maximize=True)
    found = diagnose(SPEC, arms, {"tuned": tuned}, evaluations or {}, curve, maximize=True)
    return {d.code: d.message for d in found}


EVEN = {"digit": 0.4, "group3": 0.3, "recon": 0.3}


def test_a_healthy_study_has_no_warning() -> None:
    tuned = [trial(v, w=2.0 + v) for v in (5.0, 1.0, 2.0, 3.0, 4.0)]  # best first: levelled off
    assert (
        codes(tuned, [arm("tuned", [4.8, 5.0, 5.2], EVEN), arm("uncertainty", [1, 2], EVEN)]) == {}
    )


def test_each_problem_is_named() -> None:
    tuned = [trial(v, w=2.0) for v in (1.0, 2.0, 3.0, 4.0)]
    tuned += [trial(9.0, w=99.0), trial(None, state=TrialState.FAIL)]  # best last, at the edge
    arms = [
        arm("tuned", [4.0, 4.1, 4.2], EVEN),  # retrains far below the search's best 9.0
        arm("uncertainty", [1.0, 2.0], {"digit": 0.95, "group3": 0.03, "recon": 0.02}),
    ]
    evaluations = {  # sigma^2 = factor / w; at its optimum w = 1 / (2 L): here 1 / (2 x 0.5 x 2)
        "uncertainty": [TrialRecord(weights={"digit": 0.5}, train_loss={"digit": 2.0})]
    }
    found = codes(tuned, arms, evaluations)
    assert set(found) == {
        "weight_at_range_edge",
        "budget_small",
        "winners_curse",
        "weight_collapse",
        "sigma_not_converged",
        "failed_trials",
        "duplicate_trials",
    }
    assert "at the upper edge" in found["weight_at_range_edge"]
    assert "the tuning curve still moves from 4 to 9" in found["budget_small"]
    assert "0.50x its optimum" in found["sigma_not_converged"]
    assert "95% of the weight on digit" in found["weight_collapse"]
    assert "1 of 6 trials failed" in found["failed_trials"]
    assert found["duplicate_trials"].startswith("3 tuned trials repeated")


def test_a_converged_sigma_is_quiet() -> None:
    evaluations = {
        "uncertainty": [TrialRecord(weights={"digit": 0.25}, train_loss={"digit": 2.0})]
    }
    assert "sigma_not_converged" not in codes([], [], evaluations)
