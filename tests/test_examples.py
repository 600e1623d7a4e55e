"""Every spec in examples/ is valid as shipped: it parses, and its problem and strategies build
(examples/houses.yaml names examples/houses.csv by the hash of its content)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from taskweights.app.db.datasets import content_hash
from taskweights.models.datasets import use_datasets
from taskweights.search import load_spec, validate_spec

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SPECS = sorted([*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.json")])
HOUSES = (EXAMPLES / "houses.csv").read_bytes()


class ExampleFiles:
    """The example CSV file under its id, as the database would hand it out."""

    def read(self, dataset_id: str) -> bytes | None:
        return HOUSES if content_hash(HOUSES).startswith(dataset_id) else None


@pytest.fixture(autouse=True)
def example_datasets() -> Iterator[None]:
    previous = use_datasets(ExampleFiles())
    yield
    use_datasets(previous)


def test_there_are_examples() -> None:
    assert {"digits.yaml", "houses.yaml", "kendall.yaml", "mnist.yaml"} <= {p.name for p in SPECS}


@pytest.mark.parametrize("path", SPECS, ids=[p.name for p in SPECS])
def test_an_example_spec_is_valid_as_shipped(path: Path) -> None:
    spec = validate_spec(load_spec(path).model_dump(mode="json"))
    assert spec.name
