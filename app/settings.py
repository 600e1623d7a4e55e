"""Settings from the environment (`TASKWEIGHTS_*`), built once by the entry points."""

from __future__ import annotations

from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TASKWEIGHTS_")

    db_url: str = "sqlite:///taskweights.db"  # one SQLAlchemy URL for Optuna's tables and ours
    data_dir: Path = Path("taskweights-data")  # this machine's copies of datasets, by hash
    max_upload_mb: float = 100.0  # the largest dataset POST /datasets takes (else 413)
    max_columns: int = 1000  # the widest CSV table POST /datasets takes (else 422)
    threads: int = 1  # torch threads per training process: small models run best on one
    workers: int | None = None  # local workers `serve` starts; None: one per core
    # access: with a token, every path but /health needs it (bearer, or a browser's Basic
    # password); `serve` refuses a non-loopback host without one unless allow_no_token is set
    token: str | None = None
    public_reads: bool = False  # with a token: GET and HEAD open to anyone, writes still locked
    allow_no_token: bool = False  # serve on a non-loopback host without a token anyway
    max_trials: int = 500  # per arm
    max_epochs: int = 1000
    max_seeds: int = 20
    heartbeat_seconds: int = 5  # workers and their trials beat this often
    grace_seconds: int = 30  # silent this long: the worker is gone; its work is taken over

    @property
    def datasets_dir(self) -> Path:
        """Where this machine keeps its copies of datasets, each `<sha256>.csv`."""
        return self.data_dir / "datasets"

    @field_validator("token")
    @classmethod
    def _empty_means_none(cls, token: str | None) -> str | None:
        """`TASKWEIGHTS_TOKEN=` (set but empty, as compose passes it) means no token."""
        return token or None
