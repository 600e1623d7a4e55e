"""A page of a study's trials, read straight from Optuna's tables in five small queries.

Loading trials through Optuna's storage builds an ORM object per parameter, value, attribute
and intermediate value: about 15 per trial, 20 ms for a page of 100, and many times that while
workers keep the CPU busy. A page needs only some columns of each table, so it reads them with
SQLAlchemy Core, in queries whose size is the page's, never the study's. The tables and columns
are Optuna's (its schema is versioned; `tests/test_api.py` reads pages back against
`optuna.load_study`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import optuna
import sqlalchemy as sa
from optuna.trial import TrialState

from taskweights.search.records import TrialRecord, failure_reason_of
from taskweights.search.storage import optuna_study_name

STUDIES = sa.table("studies", sa.column("study_id"), sa.column("study_name"))
TRIALS = sa.table(
    "trials",
    sa.column("trial_id"),
    sa.column("study_id"),
    sa.column("number"),
    sa.column("state"),
    sa.column("datetime_start", sa.DateTime),
    sa.column("datetime_complete", sa.DateTime),
)
VALUES = sa.table(
    "trial_values",
    sa.column("trial_id"),
    sa.column("objective"),
    sa.column("value"),
    sa.column("value_type"),
)
PARAMS = sa.table(
    "trial_params",
    sa.column("trial_id"),
    sa.column("param_name"),
    sa.column("param_value"),
    sa.column("distribution_json"),
)
ATTRS = sa.table(
    "trial_user_attributes", sa.column("trial_id"), sa.column("key"), sa.column("value_json")
)
STEPS = sa.table("trial_intermediate_values", sa.column("trial_id"), sa.column("step"))


@dataclass(frozen=True)
class TrialSummary:
    """What a page shows of one trial."""

    arm: str
    number: int
    state: TrialState
    params: dict[str, Any]
    value: float | None  # completed trials only
    record: TrialRecord
    reported_epochs: int  # intermediate values reported (epochs, where the record has none)
    started_at: datetime | None
    completed_at: datetime | None

    @property
    def epochs(self) -> int:
        return self.record.epochs or self.reported_epochs

    @property
    def error(self) -> str | None:
        return failure_reason_of(self.state, self.record)


def trial_page(
    storage: optuna.storages.RDBStorage, name: str, arms: list[str], offset: int, limit: int
) -> tuple[list[TrialSummary], int]:
    """One page of the arms' trials (arm by arm, then by number) and their number in all."""
    arm_of = {optuna_study_name(name, arm): arm for arm in arms}
    joined = TRIALS.join(STUDIES, TRIALS.c.study_id == STUDIES.c.study_id)
    of_these_arms = STUDIES.c.study_name.in_(list(arm_of))
    arm_order = sa.case({n: i for i, n in enumerate(arm_of)}, value=STUDIES.c.study_name)
    with storage.engine.connect() as connection:
        count = connection.scalar(
            sa.select(sa.func.count()).select_from(joined).where(of_these_arms)
        )
        rows = connection.execute(
            sa.select(
                TRIALS.c.trial_id,
                STUDIES.c.study_name,
                TRIALS.c.number,
                TRIALS.c.state,
                TRIALS.c.datetime_start,
                TRIALS.c.datetime_complete,
            )
            .select_from(joined)
            .where(of_these_arms)
            .order_by(arm_order, TRIALS.c.number)
            .offset(offset)
            .limit(limit)
        ).all()
        ids = [row.trial_id for row in rows]
        values, params, attrs, steps = _details(connection, ids)
    page = []
    for row in rows:
        record = TrialRecord.model_validate(attrs.get(row.trial_id, {}))
        value = values.get(row.trial_id) if _state(row.state) == TrialState.COMPLETE else None
        page.append(
            TrialSummary(
                arm=arm_of[row.study_name],
                number=row.number,
                state=_state(row.state),
                params=params.get(row.trial_id, {}),
                value=record.score if record.score is not None else value,  # front search: Δm
                record=record,
                reported_epochs=steps.get(row.trial_id, 0),
                started_at=row.datetime_start,
                completed_at=row.datetime_complete,
            )
        )
    return page, int(count or 0)


def _details(
    connection: sa.Connection, ids: list[int]
) -> tuple[dict[int, float], dict[int, dict[str, Any]], dict[int, dict[str, Any]], dict[int, int]]:
    """The page's values, parameters, user attributes and reported steps, by trial id."""
    values: dict[int, float] = {}
    params: dict[int, dict[str, Any]] = {}
    attrs: dict[int, dict[str, Any]] = {}
    steps: dict[int, int] = {}
    if not ids:
        return values, params, attrs, steps
    for trial_id, value, kind in connection.execute(
        sa.select(VALUES.c.trial_id, VALUES.c.value, VALUES.c.value_type).where(
            VALUES.c.trial_id.in_(ids), VALUES.c.objective == 0
        )
    ):
        values[trial_id] = _value(value, kind)
    for trial_id, param, internal, distribution in connection.execute(
        sa.select(
            PARAMS.c.trial_id,
            PARAMS.c.param_name,
            PARAMS.c.param_value,
            PARAMS.c.distribution_json,
        ).where(PARAMS.c.trial_id.in_(ids))
    ):
        params.setdefault(trial_id, {})[param] = _distribution(distribution).to_external_repr(
            internal
        )
    for trial_id, key, value_json in connection.execute(
        sa.select(ATTRS.c.trial_id, ATTRS.c.key, ATTRS.c.value_json).where(
            ATTRS.c.trial_id.in_(ids)
        )
    ):
        attrs.setdefault(trial_id, {})[key] = json.loads(value_json)
    for trial_id, reported in connection.execute(
        sa.select(STEPS.c.trial_id, sa.func.count())
        .where(STEPS.c.trial_id.in_(ids))
        .group_by(STEPS.c.trial_id)
    ):
        steps[trial_id] = int(reported)
    return values, params, attrs, steps


def _state(stored: Any) -> TrialState:
    """Optuna stores the state's name (an SQL enum)."""
    return stored if isinstance(stored, TrialState) else TrialState[str(stored)]


def _value(value: float | None, kind: Any) -> float:
    """Optuna stores infinities as a type beside a NULL value."""
    match getattr(kind, "name", str(kind)):
        case "INF_POS":
            return math.inf
        case "INF_NEG":
            return -math.inf
    return float(value) if value is not None else math.nan


@lru_cache(maxsize=1024)
def _distribution(distribution_json: str) -> optuna.distributions.BaseDistribution:
    return optuna.distributions.json_to_distribution(distribution_json)
