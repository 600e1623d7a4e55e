"""Requests that arrive together, on a real uvicorn server and each backend: identical uploads
store one dataset (one 201, the rest 200), and retries with one Idempotency-Key create one
study that every retry gets back (201, replayed), never a 409 or a 500."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.conftest import small_digits_spec
from tests.inprocess import AUTH, served

HOUSES = Path(__file__).resolve().parent.parent / "examples" / "houses.csv"
UPLOADS = 30
RETRIES = 15


def test_identical_uploads_at_once_store_one_dataset(storage_url: str) -> None:
    content = HOUSES.read_bytes()
    with served(storage_url) as url, httpx.Client(base_url=url, headers=AUTH, timeout=120) as c:

        def upload(_: int) -> httpx.Response:
            return c.post("/datasets", files={"file": ("houses.csv", content, "text/csv")})

        with ThreadPoolExecutor(UPLOADS) as pool:
            answers = list(pool.map(upload, range(UPLOADS)))
        codes = sorted(answer.status_code for answer in answers)
        assert codes == [200] * (UPLOADS - 1) + [201], [a.text for a in answers]
        assert len({answer.json()["id"] for answer in answers}) == 1
        assert len(c.get("/datasets").json()) == 1


def test_retries_with_one_idempotency_key_create_one_study(storage_url: str) -> None:
    spec = small_digits_spec("retried")
    key = {"Idempotency-Key": "retry-7f3a"}
    with served(storage_url) as url, httpx.Client(base_url=url, headers=AUTH, timeout=120) as c:

        def submit(_: int) -> httpx.Response:
            return c.post("/studies", json=spec, headers=key)

        with ThreadPoolExecutor(RETRIES) as pool:
            answers = list(pool.map(submit, range(RETRIES)))
        assert [a.status_code for a in answers] == [201] * RETRIES, [a.text for a in answers]
        assert len({answer.json()["id"] for answer in answers}) == 1
        replayed = [a.headers.get("idempotent-replayed") for a in answers]
        assert replayed.count(None) == 1 and replayed.count("true") == RETRIES - 1
        assert c.get("/studies").json()["count"] == 1
        other = c.post("/studies", json=small_digits_spec("retried", seed=9), headers=key)
        assert other.status_code == 422
        assert other.json()["errors"][0]["field"] == "Idempotency-Key"
