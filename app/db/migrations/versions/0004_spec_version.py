"""spec version: every stored spec says which version of StudySpec's fields it was written in

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 06:20:00

Rows stored before (commit e0ac124 and earlier) are version 1, today's only version; later
versions upgrade them when read (search.spec.read_stored_spec).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("taskweights_studies") as batch_op:
        batch_op.add_column(
            sa.Column("spec_version", sa.Integer(), nullable=False, server_default="1")
        )


def downgrade() -> None:
    with op.batch_alter_table("taskweights_studies") as batch_op:
        batch_op.drop_column("spec_version")
