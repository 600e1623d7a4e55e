"""The tuning curve and the trials tuning needs to match a learned arm."""

from __future__ import annotations

import pytest

from taskweights.search.tuning import trials_to_match, tuning_curve


def test_a_model_based_sampler_gets_the_observed_best_so_far() -> None:
    curve = tuning_curve([1.0, None, 3.0, 2.0], "tpe", maximize=True)
    assert curve is not None and "observed best so far" in curve.method
    assert [p.mid for p in curve.points] == [1.0, 1.0, 3.0, 3.0]
    assert all(p.low == p.mid == p.high for p in curve.points)
    match = trials_to_match(curve, 2.0, maximize=True)
    assert (match.mid, match.low, match.high) == (3, 3, 3)
    assert trials_to_match(curve, 5.0, maximize=True).mid is None
    lower = tuning_curve([3.0, 2.5, None, 4.0], "cmaes", maximize=False)
    assert lower is not None and [p.mid for p in lower.points] == [3.0, 2.5, 2.5, 2.5]
    assert trials_to_match(lower, 2.6, maximize=False).mid == 2


def test_independent_trials_get_the_median_curve_with_a_band() -> None:
    scores = [float(v) for v in range(1, 101)]  # 100 random-search trials, scores 1..100
    curve = tuning_curve(scores, "random", maximize=True)
    assert curve is not None and "Kolmogorov-Smirnov" in curve.method
    mids = [p.mid or 0.0 for p in curve.points]
    assert len(mids) == 100 and mids == sorted(mids)  # more trials never make it worse
    first = curve.points[0]  # the best of one trial: the median trial, 50 or 51
    assert first.mid == pytest.approx(50.5, abs=0.5)
    assert first.low is not None and first.mid is not None and first.high is not None
    assert first.low < first.mid < first.high  # a band, not a line
    assert curve.points[-1].mid == pytest.approx(100.0, abs=1.0)  # the best of 100: near the top
    match = trials_to_match(curve, 90.0, maximize=True)
    assert match.low is not None and match.mid is not None
    assert match.low <= match.mid <= (match.high or 101)
    # the median of the best of k is the 0.5^(1/k) quantile: 90 is passed once 0.5^(1/k) >= 0.9
    assert match.mid == pytest.approx(7, abs=1)


def test_tied_scores_still_get_a_band_said_to_be_conservative() -> None:
    curve = tuning_curve([1.0, 1.0, 2.0, 2.0, 3.0], "qmc", maximize=True)
    assert curve is not None and curve.method.endswith("the band is conservative")
    assert all((p.low or 0) <= (p.mid or 0) <= (p.high or 4) for p in curve.points)


def test_no_scored_trial_no_curve() -> None:
    assert tuning_curve([None, None], "random", maximize=True) is None
