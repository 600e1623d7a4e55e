"""The Python client of the taskweights API (httpx): `taskweights.Client`.

    with tw.Client("http://localhost:8000", token="...") as c:
        study = c.submit("examples/digits.yaml")
        c.wait(study.id)
        comparison = c.comparison(study.id)

It imports neither torch, FastAPI nor SQLAlchemy: a laptop can drive a server that trains.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import httpx

from taskweights.app.schemas import (
    TERMINAL_STATUSES,
    DatasetPublic,
    StudiesPublic,
    StudyPublic,
)
from taskweights.search.results import Comparison
from taskweights.search.spec import SpecSource, load_spec


class ApiError(Exception):
    """The server said no; `status` is the HTTP status, `body` its JSON answer."""

    def __init__(self, status: int, body: Any) -> None:
        self.status, self.body = status, body
        detail = body.get("detail") if isinstance(body, dict) else body
        super().__init__(f"HTTP {status}: {detail}")


class Client:
    """Submit specs, follow studies and read comparisons on a taskweights server."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        timeout: float = 30.0,
        http: httpx.Client | None = None,
    ) -> None:
        """`http`: an httpx client to send through instead (tests pass FastAPI's TestClient)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._owns_http = http is None  # a client passed in is closed by whoever made it
        self.http = http or httpx.Client(base_url=url, timeout=timeout)
        self.http.headers.update(headers)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_http:
            self.http.close()

    def submit(self, spec: SpecSource, idempotency_key: str | None = None) -> StudyPublic:
        """Queue a study (a spec, a mapping, or a YAML/JSON file); the server's workers run it."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        body = load_spec(spec).model_dump(mode="json")
        return StudyPublic.model_validate(
            self._json(self.http.post("/studies", json=body, headers=headers))
        )

    def study(self, study_id: int) -> StudyPublic:
        return StudyPublic.model_validate(self._json(self.http.get(f"/studies/{study_id}")))

    def studies(
        self, status: str | None = None, offset: int = 0, limit: int = 20
    ) -> StudiesPublic:
        params: dict[str, Any] = {"offset": offset, "limit": limit}
        if status is not None:
            params["status"] = status
        return StudiesPublic.model_validate(self._json(self.http.get("/studies", params=params)))

    def wait(
        self, study_id: int, timeout: float | None = None, poll_seconds: float = 1.0
    ) -> StudyPublic:
        """Poll until the study is done, failed or cancelled; `TimeoutError` after `timeout`."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            study = self.study(study_id)
            if study.status in TERMINAL_STATUSES:
                return study
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"study {study_id} is still {study.status} after {timeout} s")
            time.sleep(poll_seconds)

    def comparison(self, study_id: int) -> Comparison:
        """The finished study's comparison (`ApiError` 409 while it runs)."""
        return Comparison.model_validate(
            self._json(self.http.get(f"/studies/{study_id}/comparison"))
        )

    def csv(
        self, study_id: int, what: Literal["comparison", "trials"], page_size: int = 500
    ) -> str:
        """The comparison (one row per arm and task) or every trial (one row each) as CSV."""
        path = f"/studies/{study_id}/{what}"
        if what == "comparison":
            return self._text(self.http.get(path, params={"format": "csv"}))
        pages: list[str] = []
        while True:  # pages of trials; each repeats the header
            params: dict[str, str | int] = {
                "format": "csv",
                "offset": page_size * len(pages),
                "limit": page_size,
            }
            lines = self._text(self.http.get(path, params=params)).splitlines(keepends=True)
            pages.append("".join(lines if not pages else lines[1:]))
            if len(lines) - 1 < page_size:
                return "".join(pages)

    def plot(self, study_id: int, name: str, format: str = "png") -> bytes:
        """One plot of a finished study (weights, tasks, tuning, pareto, compute)."""
        response = self.http.get(f"/studies/{study_id}/plots/{name}.{format}")
        self._raise_for_error(response)
        return response.content

    def report(self, study_id: int, inline: bool = True) -> str:
        """The study's report page; `inline`: plots inlined, a file that opens offline."""
        params = {"inline": "true" if inline else "false"}
        return self._text(self.http.get(f"/studies/{study_id}/report", params=params))

    def add_dataset(self, path: str | Path) -> DatasetPublic:
        """Upload a CSV file; its `id` is what a csv problem's `dataset` names. The same file
        uploaded again answers the same dataset."""
        path = Path(path)
        with path.open("rb") as file:
            response = self.http.post(
                "/datasets", files={"file": (path.name, file, "text/csv")}, timeout=None
            )
        return DatasetPublic.model_validate(self._json(response))

    def datasets(self) -> list[DatasetPublic]:
        return [DatasetPublic.model_validate(d) for d in self._json(self.http.get("/datasets"))]

    def dataset(self, dataset_id: str) -> DatasetPublic:
        return DatasetPublic.model_validate(self._json(self.http.get(f"/datasets/{dataset_id}")))

    def delete_dataset(self, dataset_id: str) -> None:
        """Refused (409) while a queued or running study reads it."""
        self._raise_for_error(self.http.delete(f"/datasets/{dataset_id}"))

    def cancel(self, study_id: int) -> StudyPublic:
        return StudyPublic.model_validate(
            self._json(self.http.post(f"/studies/{study_id}/cancel"))
        )

    def events(self, study_id: int) -> Iterator[tuple[str, Any]]:
        """(event, data) pairs from the study's server-sent events, until `done`."""
        with self.http.stream("GET", f"/studies/{study_id}/events", timeout=None) as response:
            if response.is_error:
                response.read()
                self._json(response)
            event = "message"
            for line in response.iter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    yield event, json.loads(line[5:].strip())
                    if event == "done":
                        return
                    event = "message"

    def _json(self, response: httpx.Response) -> Any:
        self._raise_for_error(response)
        return response.json() if response.content else None

    def _text(self, response: httpx.Response) -> str:
        self._raise_for_error(response)
        return response.text

    @staticmethod
    def _raise_for_error(response: httpx.Response) -> None:
        if response.is_error:
            try:
                body = response.json()
            except ValueError:
                body = response.text
            raise ApiError(response.status_code, body)
