"""Learned weights and sigmas epoch by epoch, from the epoch table: the comparison's
`trajectories` (what the weights plot draws), read once per finished study."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from taskweights.app.db.tables import EpochRow
from taskweights.search.records import normalised
from taskweights.search.results import Band, Trajectory


def trajectories(session: Session, study_id: int, arms: Collection[str]) -> list[Trajectory]:
    """For each of `arms` (in that order), its evaluation runs' weights and sigmas per epoch."""
    rows = session.execute(
        select(EpochRow.arm, EpochRow.epoch, EpochRow.weights, EpochRow.sigmas)
        .where(EpochRow.study_id == study_id, EpochRow.phase == "evaluation")
        .where(EpochRow.arm.in_(list(arms)))
        .order_by(EpochRow.arm, EpochRow.epoch, EpochRow.seed)
    ).all()
    weights: dict[str, dict[int, list[dict[str, float]]]] = defaultdict(lambda: defaultdict(list))
    sigmas: dict[str, dict[int, list[dict[str, float]]]] = defaultdict(lambda: defaultdict(list))
    for arm, epoch, epoch_weights, epoch_sigmas in rows:
        weights[arm][epoch].append(normalised(epoch_weights))
        if epoch_sigmas:
            sigmas[arm][epoch].append(epoch_sigmas)
    return [
        Trajectory(
            arm=arm,
            epochs=sorted(weights[arm]),
            weights=_bands(weights[arm]),
            sigmas=_bands(sigmas[arm]) if sigmas.get(arm) else None,
        )
        for arm in arms
        if weights.get(arm)
    ]


def _bands(by_epoch: dict[int, list[dict[str, float]]]) -> dict[str, Band]:
    epochs = sorted(by_epoch)
    tasks = list(by_epoch[epochs[0]][0])
    return {task: _band([[run[task] for run in by_epoch[e]] for e in epochs]) for task in tasks}


def _band(per_epoch: Sequence[Sequence[float]]) -> Band:
    return Band(
        mean=[statistics.fmean(values) for values in per_epoch],
        low=[min(values) for values in per_epoch],
        high=[max(values) for values in per_epoch],
    )
