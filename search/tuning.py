"""The tuning curve: how good the tuned arm's best trial is after k trials, and how many trials
it takes to match each learned arm.

With a sampler that draws trials independently (`random`, and `qmc`, treated as such), the
curve is the median tuning curve of Lourie et al. (2023, "Show your work with confidence"): the
median of the best of k draws from the distribution of trial scores, with a simultaneous,
exact, distribution-free 95 % band from a Kolmogorov-Smirnov band on that distribution (the
`opda` package). With a model-based sampler (TPE, CMA-ES, GP) trials depend on each other, no
such band exists: the curve is the observed best so far, and its band is the curve itself.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np

from taskweights.search.results import CurvePoint, Match, TuningCurve

CONFIDENCE = 0.95
INDEPENDENT_SAMPLERS = ("random", "qmc")


def tuning_curve(
    scores: Sequence[float | None], sampler: str, maximize: bool
) -> TuningCurve | None:
    """`scores`: each budget-using trial's validation score in trial order (None: it failed);
    None if no trial has a score."""
    values = [s for s in scores if s is not None and math.isfinite(s)]
    if not values:
        return None
    ks = list(range(1, len(scores) + 1))
    if sampler in INDEPENDENT_SAMPLERS and len(values) >= 2:
        from opda.nonparametric import EmpiricalDistribution  # numpy-heavy: only when needed

        with warnings.catch_warnings():  # ties: KS bands stay valid, only conservative
            warnings.filterwarnings("ignore", "Duplicates detected in ys", RuntimeWarning)
            bands = EmpiricalDistribution.confidence_bands(
                np.array(values), CONFIDENCE, method="ks"
            )
        curves = [d.quantile_tuning_curve(ks, minimize=not maximize) for d in bands]
        low = np.minimum(curves[0], curves[2])
        high = np.maximum(curves[0], curves[2])
        points = [
            CurvePoint(k=k, low=_finite(lo), mid=_finite(mid), high=_finite(hi))
            for k, lo, mid, hi in zip(ks, low, curves[1], high, strict=True)
        ]
        ties = len(set(values)) < len(values)
        method = (
            f"median tuning curve of independent {sampler} trials; exact distribution-free "
            f"{CONFIDENCE:.0%} band (Kolmogorov-Smirnov, Lourie et al. 2023)"
            + ("; scores tie, so the band is conservative" if ties else "")
        )
        return TuningCurve(method=method, points=points)
    best: float | None = None
    points = []
    for k, score in zip(ks, scores, strict=True):
        if score is not None and math.isfinite(score):
            best = score if best is None else (max if maximize else min)(best, score)
        points.append(CurvePoint(k=k, low=best, mid=best, high=best))
    method = (
        f"observed best so far: {sampler} trials depend on each other, so no distribution-free "
        "band exists (the band is the curve itself)"
    )
    return TuningCurve(method=method, points=points)


def trials_to_match(curve: TuningCurve, target: float, maximize: bool) -> Match:
    """The smallest k at which the curve reaches `target`: `mid` on the curve, `low` on its
    optimistic edge, `high` on its pessimistic one (None: not within the budget)."""

    def first(values: list[float | None]) -> int | None:
        for point, value in zip(curve.points, values, strict=True):
            if value is not None and (value >= target if maximize else value <= target):
                return point.k
        return None

    optimistic = [p.high if maximize else p.low for p in curve.points]
    pessimistic = [p.low if maximize else p.high for p in curve.points]
    return Match(
        mid=first([p.mid for p in curve.points]),
        low=first(optimistic),
        high=first(pessimistic),
        target=target,
    )


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None
