"""The comparison's trajectories: each learned arm's weights (normalised per epoch) and sigmas
during its evaluation runs, as bands over seeds, read back against the stored epochs."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest
from sqlalchemy import select

from taskweights.app.db.database import Database
from taskweights.app.db.tables import EpochRow
from taskweights.app.local import load_comparison, run_study
from taskweights.search import validate_spec

SPEC = {
    "name": "paths",
    "problem": {"name": "kendall-toy", "params": {"n": 300, "noise": [3.0, 0.5]}},
    "strategies": ["uncertainty", "dwa", "equal"],
    "tuned": {"trials": 2, "pruner": "none"},
    "training": {"epochs": 4},
    "evaluation": {"seeds": 3},
}


def test_trajectories_are_the_evaluation_epochs_banded_over_seeds(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'paths.db'}"
    run_study(validate_spec(SPEC), url)
    comparison = load_comparison("paths", url)
    assert [t.arm for t in comparison.trajectories] == ["uncertainty", "dwa"]  # learned only
    database = Database(url)
    try:
        with database.session() as session:
            rows = session.scalars(
                select(EpochRow).where(
                    EpochRow.phase == "evaluation", EpochRow.arm == "uncertainty"
                )
            ).all()
    finally:
        database.dispose()
    uncertainty = comparison.trajectories[0]
    assert uncertainty.epochs == [1, 2, 3, 4]
    assert uncertainty.sigmas is not None and set(uncertainty.sigmas) == {"y1", "y2"}
    for index, epoch in enumerate(uncertainty.epochs):
        runs = [r for r in rows if r.epoch == epoch]
        assert len(runs) == 3  # one per evaluation seed
        shares = [r.weights["y2"] / sum(r.weights.values()) for r in runs]
        band = uncertainty.weights["y2"]
        assert band.mean[index] == pytest.approx(statistics.fmean(shares))
        assert (band.low[index], band.high[index]) == pytest.approx((min(shares), max(shares)))
        sigmas = [r.sigmas["y1"] for r in runs if r.sigmas]
        assert uncertainty.sigmas["y1"].high[index] == pytest.approx(max(sigmas))
    for trajectory in comparison.trajectories:
        for index in range(len(trajectory.epochs)):
            total = sum(band.mean[index] for band in trajectory.weights.values())
            assert total == pytest.approx(1.0)
    assert comparison.trajectories[1].sigmas is None  # dwa learns no sigmas
