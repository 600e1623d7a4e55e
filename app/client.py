"""A small Python client of the taskweights API (httpx); the CLI's submit/status/compare use it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx

from taskweights.search import Comparison, StudySpec


class ApiError(Exception):
    """The server said no; `status` is the HTTP status, `body` its JSON answer."""

    def __init__(self, status: int, body: Any) -> None:
        self.status, self.body = status, body
        detail = body.get("detail") if isinstance(body, dict) else body
        super().__init__(f"HTTP {status}: {detail}")


class Client:
    def __init__(self, url: str, token: str | None = None, timeout: float = 30.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(base_url=url, headers=headers, timeout=timeout)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def _json(self, response: httpx.Response) -> Any:
        if response.is_error:
            try:
                body = response.json()
            except ValueError:
                body = response.text
            raise ApiError(response.status_code, body)
        return response.json() if response.content else None

    def submit(self, spec: StudySpec, idempotency_key: str | None = None) -> dict[str, Any]:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        body = spec.model_dump(mode="json")
        return self._json(self.http.post("/studies", json=body, headers=headers))

    def study(self, study_id: int) -> dict[str, Any]:
        return self._json(self.http.get(f"/studies/{study_id}"))

    def comparison(self, study_id: int) -> Comparison:
        return Comparison.model_validate(
            self._json(self.http.get(f"/studies/{study_id}/comparison"))
        )

    def cancel(self, study_id: int) -> dict[str, Any]:
        return self._json(self.http.post(f"/studies/{study_id}/cancel"))

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
