"""Alembic environment: our tables only, versioned in their own table beside Optuna's."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import engine_from_config, pool

from taskweights.app.db.database import VERSION_TABLE
from taskweights.app.db.tables import Base

config = context.config
target_metadata = Base.metadata


def include_object(obj: Any, name: Any, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Autogenerate looks at our tables alone: Optuna's are Optuna's business."""
    if type_ == "table":
        return str(name).startswith("taskweights_")
    return True


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table=VERSION_TABLE,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
