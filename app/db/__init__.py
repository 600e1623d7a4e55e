"""Our database: tables, Alembic migrations, and the work queue stored in it."""
