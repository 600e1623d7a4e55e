"""the study row owns the problem's tasks; studies run locally before get a row

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 09:30:00.000000

Until now the spec and the problem's tasks were also written on the study's `<name>/evaluation`
Optuna study, and `taskweights run` wrote nothing else: our row becomes their one owner. The
tasks are copied from Optuna's study attributes; a study that only a local run knew gets a row,
queued at its first stage: a worker (or rerunning the spec) walks it to done, skipping every
run already finished.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

EVALUATION_SUFFIX = "/evaluation"

optuna_studies = sa.table("studies", sa.column("study_id"), sa.column("study_name"))
optuna_attrs = sa.table(
    "study_user_attributes", sa.column("study_id"), sa.column("key"), sa.column("value_json")
)
studies = sa.table(
    "taskweights_studies",
    sa.column("id"),
    sa.column("name"),
    sa.column("spec", sa.JSON),
    sa.column("spec_version"),
    sa.column("status"),
    sa.column("stage"),
    sa.column("evaluation_done"),
    sa.column("evaluation_total"),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("tasks", sa.JSON),
)
units = sa.table(
    "taskweights_work_units",
    sa.column("study_id"),
    sa.column("stage"),
    sa.column("arm"),
    sa.column("slot"),
    sa.column("state"),
    sa.column("attempts"),
)


def upgrade() -> None:
    with op.batch_alter_table("taskweights_studies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tasks", sa.JSON(), nullable=True))
    connection = op.get_bind()
    stored = _evaluation_attrs(connection)
    known = set(connection.scalars(sa.select(studies.c.name)))
    for name, attrs in stored.items():
        tasks = attrs.get("taskweights_tasks")
        if name in known:
            connection.execute(
                sa.update(studies).where(studies.c.name == name).values(tasks=tasks)
            )
        elif "taskweights_spec" in attrs and tasks is not None:
            _adopt(connection, name, attrs)


def _evaluation_attrs(connection: sa.Connection) -> dict[str, dict[str, object]]:
    """{study name: {attribute: value}} of every `<name>/evaluation` Optuna study."""
    rows = connection.execute(
        sa.select(optuna_studies.c.study_name, optuna_attrs.c.key, optuna_attrs.c.value_json)
        .join(optuna_attrs, optuna_attrs.c.study_id == optuna_studies.c.study_id)
        .where(optuna_studies.c.study_name.like(f"%{EVALUATION_SUFFIX}"))
    )
    found: dict[str, dict[str, object]] = {}
    for study_name, key, value in rows:
        name = study_name.removesuffix(EVALUATION_SUFFIX)
        found.setdefault(name, {})[key] = json.loads(value)
    return found


def _adopt(connection: sa.Connection, name: str, attrs: dict[str, object]) -> None:
    now = datetime.now(UTC)
    study_id = connection.execute(
        sa.insert(studies)
        .values(
            name=name,
            spec=attrs["taskweights_spec"],
            spec_version=attrs.get("taskweights_spec_version", 1),
            status="queued",
            stage=0,
            evaluation_done=0,
            evaluation_total=0,
            created_at=now,
            updated_at=now,
            tasks=attrs["taskweights_tasks"],
        )
        .returning(studies.c.id)
    ).scalar_one()
    connection.execute(
        sa.insert(units).values(
            study_id=study_id, stage=0, arm="reference", slot=0, state="queued", attempts=0
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("taskweights_studies", schema=None) as batch_op:
        batch_op.drop_column("tasks")
