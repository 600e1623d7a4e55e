"""uploaded CSV datasets, stored in the database by content hash

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 13:30:00.000000

Workers on other machines read a dataset from here, not from the API's disk.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "taskweights_datasets",
        sa.Column("id", sa.String(16), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taskweights_datasets")),
        sa.UniqueConstraint("sha256", name=op.f("uq_taskweights_datasets_sha256")),
    )


def downgrade() -> None:
    op.drop_table("taskweights_datasets")
