"""The HTTP service end to end: a real `taskweights serve` and real workers, on each backend."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import optuna
import pytest

from taskweights.search import storage_at
from tests.conftest import BACKENDS, fresh_database, small_digits_spec
from tests.server import running_server, taskweights, wait_for

TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One real server per backend; every test below runs against both."""
    folder = tmp_path_factory.mktemp(f"service-{request.param}")
    with (
        fresh_database(request.param, folder) as db_url,
        running_server(db_url, workers=2, token=TOKEN, log=folder / "serve.log") as url,
    ):
        yield url, db_url


@pytest.fixture
def client(server) -> Iterator[httpx.Client]:
    url, _ = server
    with httpx.Client(base_url=url, headers=AUTH, timeout=30) as http:
        yield http


def long_spec(name: str) -> dict:
    """A study that runs for minutes unless cancelled."""
    return small_digits_spec(
        name,
        tuned={"trials": 200, "pruner": "none"},
        training={"epochs": 200, "batch_size": 32, "lr": 0.001},
    )


def test_a_study_runs_to_a_comparison(server, client: httpx.Client) -> None:
    _, db_url = server
    created = client.post("/studies", json=small_digits_spec("e2e"))
    assert created.status_code == 201, created.text
    study = created.json()
    assert created.headers["location"] == f"/studies/{study['id']}"
    assert study["status"] == "queued"
    assert {a["arm"]: a["budget"] for a in study["arms"]} == {"tuned": 3, "uncertainty": 1}

    done = wait_for(client, study["id"], {"done", "failed"})
    assert done["status"] == "done", done["error"]
    assert {a["arm"]: a["done"] for a in done["arms"]} == {"tuned": 3, "uncertainty": 1}
    assert done["evaluation"] == {"done": 6, "total": 6}

    comparison = client.get(f"/studies/{study['id']}/comparison").json()
    arms = {arm["arm"]: arm for arm in comparison["arms"]}
    assert set(arms["tuned"]["config"]["weights"]) == {"digit", "group3", "recon"}
    assert arms["tuned"]["config"]["sigmas"] is None
    assert all(s > 0 for s in arms["uncertainty"]["config"]["sigmas"].values())
    assert comparison["verdict"]["best"] in arms

    with storage_at(db_url) as storage:
        tuned = optuna.load_study(study_name="e2e/tuned", storage=storage)
        assert len(tuned.trials) == 3

    trials = client.get(f"/studies/{study['id']}/trials", params={"arm": "tuned", "limit": 2})
    assert trials.json()["count"] == 3 and len(trials.json()["data"]) == 2
    assert set(trials.json()["data"][0]["params"]) == {"w_group3", "w_recon"}

    sigmas = client.get(f"/studies/{study['id']}/sigmas", params={"arm": "uncertainty"}).json()
    phases = {(s["phase"], s["seed"]) for s in sigmas["data"]}
    assert ("search", 0) in phases and ("evaluation", 1) in phases
    series = next(s for s in sigmas["data"] if s["phase"] == "search")
    assert [e["epoch"] for e in series["epochs"]] == [1, 2, 3]
    assert set(series["epochs"][-1]["sigmas"]) == {"digit", "group3", "recon"}

    events = client.get(f"/studies/{study['id']}/events")
    assert events.headers["content-type"].startswith("text/event-stream")
    assert "event: done" in events.text


def test_the_dashboard_answers_and_lists_the_arms(server) -> None:
    url, _ = server
    assert httpx.get(f"{url}/dashboard").status_code == 401  # the token guards it
    basic = ("anyone", TOKEN)
    assert httpx.get(f"{url}/dashboard", auth=basic).status_code == 200
    names = [
        s["study_name"]
        for s in httpx.get(f"{url}/api/studies", auth=basic).json()["study_summaries"]
    ]
    assert "e2e/tuned" in names and "e2e/uncertainty" in names


def test_bad_specs_are_422_with_every_field(client: httpx.Client) -> None:
    response = client.post(
        "/studies",
        json=small_digits_spec(
            "bad",
            tuned={"trials": 0},
            strategies=["softmax"],
            training={"lr": {"low": 1, "high": 0.1}},
        ),
    )
    assert response.status_code == 422
    fields = {e["field"]: e["reason"] for e in response.json()["errors"]}
    assert fields["tuned.trials"] == "Input should be greater than 0"
    assert "Unknown weighting 'softmax'" in fields["strategies.0.name"]
    assert "low must be below high" in fields["training.lr"]
    deep = client.post(
        "/studies",
        json=small_digits_spec(
            "bad2", strategies=[{"name": "dwa", "params": {"temperature": -1}}]
        ),
    )
    assert deep.status_code == 422
    assert deep.json()["errors"] == [
        {"field": "strategies.0.params", "reason": "temperature must be positive but got -1."}
    ]
    over = client.post("/studies", json=small_digits_spec("big", tuned={"trials": 10_000}))
    assert over.json()["errors"][0]["field"] == "tuned.trials"
    assert client.get("/studies", params={"status": "queued"}).json()["count"] == 0


def test_missing_things_are_404_and_taken_names_409(client: httpx.Client) -> None:
    assert client.get("/studies/9999").status_code == 404
    assert client.get("/studies/9999/comparison").status_code == 404
    assert client.get("/studies/9999/events").status_code == 404
    again = client.post("/studies", json=small_digits_spec("e2e", seed=3))
    assert again.status_code == 409


def test_mutating_calls_need_the_token(server) -> None:
    url, _ = server
    anonymous = httpx.post(f"{url}/studies", json=small_digits_spec("anon"))
    assert anonymous.status_code == 401
    wrong = httpx.post(
        f"{url}/studies", json=small_digits_spec("anon"), headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401
    assert httpx.get(f"{url}/studies").status_code == 200  # reading is open


def test_idempotency_key_returns_the_same_study(client: httpx.Client) -> None:
    key = {"Idempotency-Key": "abc-123"}
    first = client.post("/studies", json=small_digits_spec("idem"), headers=key)
    second = client.post("/studies", json=small_digits_spec("idem"), headers=key)
    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert second.headers["idempotent-replayed"] == "true"
    other = client.post("/studies", json=small_digits_spec("idem-other"), headers=key)
    assert other.status_code == 422
    assert client.get("/studies").json()["count"] == len(
        {s["name"] for s in client.get("/studies", params={"limit": 100}).json()["data"]}
    )
    wait_for(client, first.json()["id"], {"done"})


def test_cancel_stops_a_long_study_and_a_second_one_still_runs(
    server, client: httpx.Client
) -> None:
    _, db_url = server
    long = client.post("/studies", json=long_spec("long")).json()
    short = client.post("/studies", json=small_digits_spec("after")).json()
    deadline = time.monotonic() + 60
    while client.get(f"/studies/{long['id']}").json()["arms"][0]["done"] < 1:
        assert time.monotonic() < deadline, "the long study never started searching"
        time.sleep(0.3)
    cancelled = client.post(f"/studies/{long['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    time.sleep(4)  # a few epochs: the running trial must have stopped by now
    with storage_at(db_url) as storage:
        trials = optuna.load_study(study_name="long/tuned", storage=storage).trials
    stopped = [t for t in trials if "cancelled" in t.user_attrs.get("error", "")]
    assert optuna.trial.TrialState.RUNNING not in [t.state for t in trials]
    assert 1 <= len(stopped) <= 2  # both workers may have been sharing the tuned arm
    assert all(t.user_attrs["interrupted"] for t in stopped)
    assert len(trials) < 200
    assert wait_for(client, short["id"], {"done", "failed"})["status"] == "done"
    assert client.get(f"/studies/{long['id']}/comparison").status_code == 409
    assert client.delete(f"/studies/{long['id']}").status_code == 204
    assert client.get(f"/studies/{long['id']}").status_code == 404
    with storage_at(db_url) as storage:
        assert not [n for n in optuna.get_all_study_names(storage) if n.startswith("long/")]


def test_catalog_lists_problems_and_strategies(client: httpx.Client) -> None:
    problems = {p["name"]: p for p in client.get("/problems").json()}
    assert {"digits", "kendall-toy"} <= set(problems)
    kendall = {p["name"]: p["default"] for p in problems["kendall-toy"]["params"]}
    assert kendall["noise"] == [10.0, 1.0]
    strategies = {s["name"]: s for s in client.get("/strategies").json()}
    assert strategies["gradnorm"]["level"] == "gradient"
    fixed = {p["name"]: p for p in strategies["fixed"]["params"]}
    assert fixed["weights"]["required"]
    health = client.get("/health").json()
    assert health == {"status": "ok", "database": True, "workers_alive": 2}
    assert "/studies/{study_id}/comparison" in client.get("/openapi.json").json()["paths"]


def test_cli_submit_wait_and_status(server, tmp_path: Path) -> None:
    url, _ = server
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(small_digits_spec("cli-submit")))
    env_token = ["--token", TOKEN]
    submitted = taskweights("submit", str(spec), "--url", url, "--wait", "--json", *env_token)
    assert submitted.returncode == 0, submitted.stderr
    comparison = json.loads(submitted.stdout)
    assert comparison["study"] == "cli-submit"
    study_id = next(
        s["id"] for s in httpx.get(f"{url}/studies").json()["data"] if s["name"] == "cli-submit"
    )
    status = taskweights("status", str(study_id), "--url", url, timeout=60)
    assert status.returncode == 0 and "done" in status.stdout
    remote = taskweights("compare", str(study_id), "--url", url, "--json", timeout=60)
    assert json.loads(remote.stdout) == comparison
    unauthorised = taskweights("submit", str(spec), "--url", url, timeout=60)
    assert unauthorised.returncode == 2 and "401" in unauthorised.stderr
