"""The verdict's statistics, against values computed by hand: paired and Welch t-tests, their
intervals, Holm's correction, the answer and its sentence."""

from __future__ import annotations

import math

import pytest

from taskweights.search.results import ArmResult, Compute, SeedRun, Summary
from taskweights.search.scores import TaskInfo
from taskweights.search.verdict import compare_by_seed, decide, holm

TASKS = [
    TaskInfo(name="acc", metric="accuracy", higher_is_better=True),
    TaskInfo(name="err", metric="rmse", higher_is_better=False),
]
T_975_DF2 = 0.95 * math.sqrt(2 / (1 - 0.95**2))  # Student's t quantile, closed form at 2 df


def arm(
    name: str, scores: list[float], acc: list[float], err: list[float], epochs: int = 10
) -> ArmResult:
    runs = [
        SeedRun(seed=seed, test={"acc": a, "err": e}, delta_m=s, score=s)
        for seed, s, a, e in zip([1, 2, 3], scores, acc, err, strict=False)
    ]
    return ArmResult(
        arm=name,
        strategy=name,
        config=None,
        test={},
        delta_m=Summary.of(scores),
        score=Summary.of(scores),
        compute=Compute(trials=1, epochs=epochs, seconds=1),
        runs=runs,
        failed_runs=0,
    )


def test_shared_seeds_give_a_paired_t_test() -> None:
    # differences -1, -2, -2: mean -5/3, sd sqrt(1/3), t = -5 at 2 df, whose two-sided p is
    # 1 - |t| / sqrt(2 + t^2) in closed form
    tested = compare_by_seed({1: 1.0, 2: 2.0, 3: 3.0}, {1: 2.0, 2: 4.0, 3: 5.0})
    assert tested is not None and tested.paired and tested.seeds == 3
    assert tested.difference == pytest.approx(-5 / 3)
    assert tested.p_value == pytest.approx(1 - 5 / math.sqrt(27), rel=1e-9)
    half = T_975_DF2 * math.sqrt(1 / 3) / math.sqrt(3)
    assert tested.ci == pytest.approx((-5 / 3 - half, -5 / 3 + half), rel=1e-9)


def test_runs_on_different_seeds_fall_back_to_welch() -> None:
    # equal variances (1) and sizes (3): Welch's t = 6 / sqrt(2/3) at exactly 4 df
    tested = compare_by_seed({1: 1.0, 2: 2.0, 3: 3.0}, {4: 7.0, 5: 8.0, 6: 9.0})
    t = 6 / math.sqrt(2 / 3)
    assert tested is not None and not tested.paired
    assert tested.difference == pytest.approx(-6.0)
    assert tested.p_value == pytest.approx(1 - t * (t**2 + 6) / (t**2 + 4) ** 1.5, rel=1e-6)
    assert compare_by_seed({1: 1.0}, {1: 2.0, 2: 3.0}) is None  # one run: nothing to test


def test_identical_differences_are_certain() -> None:
    tested = compare_by_seed({1: 2.0, 2: 3.0}, {1: 1.0, 2: 2.0})
    assert tested is not None and (tested.p_value, tested.ci) == (0.0, (1.0, 1.0))


def test_holm_multiplies_by_the_rank_and_stays_monotone() -> None:
    assert holm([0.01, 0.04]) == pytest.approx([0.02, 0.04])
    assert holm([0.04, 0.01]) == pytest.approx([0.04, 0.02])
    assert holm([0.03, 0.02]) == pytest.approx([0.04, 0.04])
    assert holm([0.6, 0.5, 0.01]) == pytest.approx([1.0, 1.0, 0.03])


def test_tuned_against_each_learned_arm_with_per_task_trade_offs() -> None:
    tuned = arm(
        "tuned", [5.0, 6.0, 7.5], acc=[0.80, 0.81, 0.82], err=[0.20, 0.21, 0.22], epochs=90
    )
    close = arm("uncertainty", [4.0, 5.5, 6.0], [0.90, 0.92, 0.93], [0.40, 0.45, 0.41])
    far = arm("dwa", [0.0, 1.0, 1.5], [0.8, 0.8, 0.8], [0.2, 0.2, 0.2])
    verdict = decide([tuned, close, far], "delta_m", True, TASKS)
    assert (verdict.tuned, verdict.learned) == ("tuned", "uncertainty")
    assert verdict.test == "paired t-test over 3 shared seeds"
    pairs = {p.arm: p for p in verdict.pairs}
    near = compare_by_seed({1: 5.0, 2: 6.0, 3: 7.5}, {1: 4.0, 2: 5.5, 3: 6.0})
    assert near is not None and pairs["uncertainty"].difference == pytest.approx(1.0)
    expected = holm([near.p_value, pairs["dwa"].p_value])
    assert [pairs["uncertainty"].p_holm, pairs["dwa"].p_holm] == pytest.approx(expected)
    assert verdict.answer == ("tune" if pairs["uncertainty"].significant else "tie")
    tasks = {t.task: t for t in pairs["uncertainty"].tasks}
    assert tasks["acc"].difference == pytest.approx(-0.1067, abs=1e-4)  # uncertainty better
    assert tasks["err"].difference == pytest.approx(0.21, abs=1e-9)  # lower rmse: tuned better
    assert tasks["err"].ci[0] > 0 and tasks["acc"].ci[1] < 0
    assert "9x the search epochs of uncertainty" in verdict.statement


def test_a_clear_learned_win_answers_learn_and_names_the_tasks() -> None:
    tuned = arm("tuned", [1.0, 1.1, 1.2], acc=[0.5, 0.6, 0.7], err=[0.3, 0.3, 0.3])
    learned = arm("uncertainty", [3.0, 3.2, 3.3], acc=[0.9, 1.0, 1.1], err=[0.3, 0.3, 0.3])
    verdict = decide([tuned, learned], "delta_m", True, TASKS)
    assert verdict.answer == "learn"
    assert verdict.statement.startswith("Learn: uncertainty beats tuned")
    assert "uncertainty wins acc" in verdict.statement


def test_a_lower_is_better_score_is_oriented_so_positive_favours_tuned() -> None:
    tuned = arm("tuned", [1.0, 2.0, 3.0], acc=[0.5] * 3, err=[0.1, 0.2, 0.3])
    learned = arm("uncertainty", [1.5, 2.5, 3.6], acc=[0.5] * 3, err=[0.1, 0.2, 0.3])
    verdict = decide([tuned, learned], "task:err", False, TASKS)
    [pair] = verdict.pairs
    assert pair.difference == pytest.approx(0.5 + 0.1 / 3)  # tuned's error is lower
    assert pair.ci[0] < pair.difference < pair.ci[1]


def test_no_verdict_without_two_runs_a_side() -> None:
    verdict = decide(
        [arm("tuned", [1.0], [0.5], [0.1]), arm("uncertainty", [2.0, 3.0], [0.5] * 2, [0.1] * 2)],
        "delta_m",
        True,
        TASKS,
    )
    assert verdict.answer is None and verdict.pairs == []
    assert verdict.statement == "No verdict: the tuned arm finished two evaluation runs."
