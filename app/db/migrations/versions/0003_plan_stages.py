"""plan stages: units and studies name their stage of search/plan.py, not a kind or phase

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:00:00

Units of the legacy kind "evaluation" on the arm "evaluation" (the whole final evaluation as one
unit, from before it was shared out) become the reference's evaluation unit (stage 2), which
queues the arms' units when it is done, so a study stored mid-evaluation finishes as new ones do.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UNITS, STUDIES = "taskweights_work_units", "taskweights_studies"

UNIT_STAGE = """
    CASE
        WHEN kind = 'reference' THEN 0
        WHEN kind = 'search' THEN 1
        WHEN arm IN ('reference', 'evaluation') THEN 2
        ELSE 3
    END
"""
STUDY_STAGE = f"""
    CASE
        WHEN phase = 'reference' THEN 0
        WHEN phase = 'search' THEN 1
        WHEN phase = 'done' THEN 4
        WHEN EXISTS (
            SELECT 1 FROM {UNITS} u WHERE u.study_id = {STUDIES}.id AND u.stage = 3
        ) THEN 3
        ELSE 2
    END
"""


def upgrade() -> None:
    with op.batch_alter_table(UNITS) as batch_op:
        batch_op.add_column(sa.Column("stage", sa.Integer(), nullable=False, server_default="0"))
    op.execute(f"UPDATE {UNITS} SET stage = {UNIT_STAGE}")
    op.execute(
        f"UPDATE {UNITS} SET arm = 'reference' WHERE kind = 'evaluation' AND arm = 'evaluation'"
    )
    with op.batch_alter_table(UNITS) as batch_op:
        batch_op.drop_constraint("uq_taskweights_work_units_slot", type_="unique")
        batch_op.drop_column("kind")
        batch_op.create_unique_constraint(
            "uq_taskweights_work_units_unit", ["study_id", "stage", "arm", "slot"]
        )
    with op.batch_alter_table(STUDIES) as batch_op:
        batch_op.add_column(sa.Column("stage", sa.Integer(), nullable=False, server_default="0"))
    op.execute(f"UPDATE {STUDIES} SET stage = {STUDY_STAGE}")
    with op.batch_alter_table(STUDIES) as batch_op:
        batch_op.drop_column("phase")


def downgrade() -> None:
    phases = "CASE stage WHEN 0 THEN 'reference' WHEN 1 THEN 'search' WHEN 4 THEN 'done' ELSE 'evaluation' END"
    kinds = "CASE stage WHEN 0 THEN 'reference' WHEN 1 THEN 'search' ELSE 'evaluation' END"
    with op.batch_alter_table(STUDIES) as batch_op:
        batch_op.add_column(
            sa.Column("phase", sa.String(16), nullable=False, server_default="reference")
        )
    op.execute(f"UPDATE {STUDIES} SET phase = {phases}")
    with op.batch_alter_table(STUDIES) as batch_op:
        batch_op.drop_column("stage")
    with op.batch_alter_table(UNITS) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(16), nullable=False, server_default="reference")
        )
    op.execute(f"UPDATE {UNITS} SET kind = {kinds}")
    with op.batch_alter_table(UNITS) as batch_op:
        batch_op.drop_constraint("uq_taskweights_work_units_unit", type_="unique")
        batch_op.drop_column("stage")
        batch_op.create_unique_constraint(
            "uq_taskweights_work_units_slot", ["study_id", "kind", "arm", "slot"]
        )
