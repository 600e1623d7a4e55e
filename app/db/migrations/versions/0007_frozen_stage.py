"""a fifth stage, the frozen arms' evaluation: a finished study's stage moves from 4 to 5

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 10:00:00.000000

The plan (search/plan.py) gained stage 4, which trains each learned arm's final weights held
fixed (`analysis.frozen`); DONE, the stage of a finished study, becomes 5. Studies stored
before had no frozen arms, so each one's stage 4 was DONE.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

STUDIES = "taskweights_studies"


def upgrade() -> None:
    op.execute(f"UPDATE {STUDIES} SET stage = 5 WHERE stage >= 4")


def downgrade() -> None:
    # a study training its frozen arms ends there: earlier versions know no such stage
    op.execute(f"UPDATE {STUDIES} SET stage = 4, status = 'done' WHERE stage = 4")
    op.execute(f"UPDATE {STUDIES} SET stage = 4 WHERE stage = 5")
