from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
import yaml

# small models train fastest on one thread, and one thread keeps runs reproducible
torch.set_num_threads(1)


def small_digits_spec(name: str = "tiny", **overrides: Any) -> dict[str, Any]:
    """A digits study that trains in seconds: few trials, few epochs, two seeds."""
    spec: dict[str, Any] = {
        "name": name,
        "problem": {"name": "digits", "trunk": {"type": "mlp", "hidden": [32]}},
        "strategies": ["uncertainty"],
        "tuned": {"trials": 3, "pruner": "none"},
        "training": {"epochs": 3, "batch_size": 128, "lr": 0.003},
        "evaluation": {"seeds": 2},
        "seed": 0,
    }
    spec.update(overrides)
    return spec


@pytest.fixture
def write_spec(tmp_path: Path):
    def write(spec: dict[str, Any], filename: str = "spec.yaml") -> Path:
        path = tmp_path / filename
        path.write_text(yaml.safe_dump(spec))
        return path

    return write


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite file per test."""
    return f"sqlite:///{tmp_path / 'studies.db'}"
