"""Settings from the environment (`TASKWEIGHTS_*`), built once by the entry points."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TASKWEIGHTS_")

    db_url: str = "sqlite:///taskweights.db"  # one SQLAlchemy URL for Optuna's tables and ours
    threads: int = 1  # torch threads per training process: small models run best on one
