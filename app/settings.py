"""Settings from the environment (`TASKWEIGHTS_*`), built once by the entry points."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from taskweights.search.limits import Limits


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
    # What one spec may ask for (search/limits.py checks it before anything is stored): far
    # above any normal study, far below what would exhaust a machine's memory or years of time.
    max_trials: int = 500  # per arm
    max_epochs: int = 1000
    max_seeds: int = 20
    max_batch_size: int = 65_536
    max_width: int = 16_384  # units of a trunk layer, filters of a convolution
    max_depth: int = 64  # layers listed in trunk.hidden, in trunk.channels
    max_strategies: int = 32
    max_front: int = 50  # evaluation.front (score: pareto)
    max_parameters: int = 100_000_000  # the network's, trunk and heads
    max_data_mb: float = 4096.0  # the problem's tensors, estimated before it is built
    max_work: int = 10**12  # epochs x training rows x training runs of one study
    heartbeat_seconds: int = 5  # workers and their trials beat this often
    grace_seconds: int = 30  # silent this long: the worker is gone; its work is taken over

    @property
    def datasets_dir(self) -> Path:
        """Where this machine keeps its copies of datasets, each `<sha256>.csv`."""
        return self.data_dir / "datasets"

    def limits(self) -> Limits:
        """The limits above, for `search.limits.exceeded`."""
        return Limits(**{f.name: getattr(self, f.name) for f in fields(Limits)})

    @field_validator("token")
    @classmethod
    def _empty_means_none(cls, token: str | None) -> str | None:
        """`TASKWEIGHTS_TOKEN=` (set but empty, as compose passes it) means no token."""
        return token or None
