"""The HTTP API in-process: FastAPI's TestClient on `create_app(settings)`, on each backend.

Status codes, bodies, validation, pagination, auth and idempotency need no server process and
no training: a worker runs in this process where a study must move, with a fake unit runner
where training is beside the point and the real one where the numbers matter. The real
`taskweights serve`, its worker processes and kills are tests/test_crash.py's and
tests/test_processes.py's.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from typing import Any, cast

import httpx
import optuna
import pytest
from fastapi.testclient import TestClient

from taskweights.app.api.models_process import MODELS
from taskweights.app.cli import commands as cli
from taskweights.app.client import Client
from taskweights.models import DivergedError
from taskweights.search import Unit, storage_at
from taskweights.search.records import read
from taskweights.search.trials import StudyContext
from tests.conftest import BACKENDS, fresh_database, small_digits_spec, wait_until
from tests.inprocess import TOKEN, api_on, work


@pytest.fixture(scope="module", params=BACKENDS)
def shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One app and database per backend for the tests that only read and write rows."""
    folder = tmp_path_factory.mktemp("api")
    with fresh_database(request.param, folder) as db_url, api_on(db_url) as http:
        yield http, db_url


@pytest.fixture
def http(shared: tuple[TestClient, str]) -> TestClient:
    return shared[0]


@pytest.fixture
def own(storage_url: str) -> Iterator[tuple[TestClient, str]]:
    """An app on a database of its own: a worker here claims only this test's units."""
    with api_on(storage_url) as client:
        yield client, storage_url


def test_a_spec_is_queued_with_its_arms_and_a_location(http: TestClient) -> None:
    created = http.post("/studies", json=small_digits_spec("queued"))
    assert created.status_code == 201, created.text
    study = created.json()
    assert created.headers["location"] == f"/studies/{study['id']}"
    assert (study["status"], study["phase"]) == ("queued", "reference")
    assert {a["arm"]: a["budget"] for a in study["arms"]} == {"tuned": 3, "uncertainty": 1}
    assert study["evaluation"] == {"done": 0, "total": 6}
    assert http.get(f"/studies/{study['id']}").json()["name"] == "queued"


def test_bad_specs_are_422_with_every_field_and_nothing_is_stored(http: TestClient) -> None:
    before = http.get("/studies").json()["count"]
    shapes = http.post(
        "/studies",
        json=small_digits_spec(
            "bad",
            tuned={"trials": 0},
            strategies=["softmax"],
            training={"lr": {"low": 1, "high": 0.1}},
        ),
    )
    assert shapes.status_code == 422
    fields = {e["field"]: e["reason"] for e in shapes.json()["errors"]}
    assert fields["tuned.trials"] == "Input should be greater than 0"
    assert "Unknown weighting 'softmax'" in fields["strategies.0.name"]
    assert "low must be below high" in fields["training.lr"]
    # checked by building the strategy, in the models process
    deep = http.post(
        "/studies",
        json=small_digits_spec(
            "bad2", strategies=[{"name": "dwa", "params": {"temperature": -1}}]
        ),
    )
    assert deep.status_code == 422
    assert deep.json()["errors"] == [
        {"field": "strategies.0.params", "reason": "temperature must be positive but got -1."}
    ]
    problem = http.post(
        "/studies",
        json=small_digits_spec("bad3", problem={"name": "digits", "params": {"n": 5}}),
    )
    assert problem.json()["errors"][0]["field"] == "problem.params.n"
    over = http.post("/studies", json=small_digits_spec("big", tuned={"trials": 10_000}))
    assert over.json()["errors"][0] == {
        "field": "tuned.trials",
        "reason": "10000 exceeds this server's limit of 500 (TASKWEIGHTS_MAX_TRIALS)",
    }
    assert http.get("/studies").json()["count"] == before


def test_missing_things_are_404_and_a_taken_name_409(http: TestClient) -> None:
    assert http.post("/studies", json=small_digits_spec("taken")).status_code == 201
    for path in ("/studies/9999", "/studies/9999/comparison", "/studies/9999/events"):
        assert http.get(path).status_code == 404, path
    again = http.post("/studies", json=small_digits_spec("taken", seed=3))
    assert again.status_code == 409
    assert "already exists" in again.json()["detail"]


def test_an_idempotency_key_replays_the_same_study(http: TestClient) -> None:
    key = {"Idempotency-Key": "abc-123"}
    first = http.post("/studies", json=small_digits_spec("idem"), headers=key)
    second = http.post("/studies", json=small_digits_spec("idem"), headers=key)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] == second.json()["id"]
    assert second.headers["idempotent-replayed"] == "true"
    other = http.post("/studies", json=small_digits_spec("idem-other"), headers=key)
    assert other.status_code == 422


def test_studies_are_listed_by_page_and_status(http: TestClient) -> None:
    ids = [
        http.post("/studies", json=small_digits_spec(f"page{i}")).json()["id"] for i in range(3)
    ]
    http.post(f"/studies/{ids[1]}/cancel")
    everything = http.get("/studies", params={"limit": 100}).json()
    assert everything["count"] == len(everything["data"]) >= 3
    page = http.get("/studies", params={"offset": 1, "limit": 2}).json()
    assert [s["id"] for s in page["data"]] == [s["id"] for s in everything["data"][1:3]]
    cancelled = http.get("/studies", params={"status": "cancelled"}).json()["data"]
    assert ids[1] in [s["id"] for s in cancelled] and ids[0] not in [s["id"] for s in cancelled]
    assert http.get("/studies", params={"limit": 0}).status_code == 422


def test_a_running_study_has_no_comparison_yet_and_must_be_cancelled_before_delete(
    shared: tuple[TestClient, str],
) -> None:
    http, db_url = shared
    study = http.post("/studies", json=small_digits_spec("unfinished")).json()
    early = http.get(f"/studies/{study['id']}/comparison")
    assert early.status_code == 409
    assert early.json()["status"] == "queued" and "arms" in early.json()["progress"]
    assert http.delete(f"/studies/{study['id']}").status_code == 409
    assert http.post(f"/studies/{study['id']}/cancel").json()["status"] == "cancelled"
    assert http.delete(f"/studies/{study['id']}").status_code == 204
    assert http.get(f"/studies/{study['id']}").status_code == 404
    with storage_at(db_url) as storage:
        assert not [n for n in optuna.get_all_study_names(storage) if n.startswith("unfinished/")]


def test_the_catalog_and_health(http: TestClient) -> None:
    problems = {p["name"]: p for p in http.get("/problems").json()}
    assert {"digits", "kendall-toy"} <= set(problems)
    kendall = {p["name"]: p["default"] for p in problems["kendall-toy"]["params"]}
    assert kendall["noise"] == [10.0, 1.0]
    assert {problems[name]["source"] for name in ("digits", "kendall-toy")} == {"built-in"}
    csv = {p["name"]: p for p in problems["csv"]["params"]}
    assert csv["dataset"]["required"] and csv["targets"]["required"]
    assert (csv["categorical"]["default"], csv["features"]["default"]) == ([], None)
    strategies = {s["name"]: s for s in http.get("/strategies").json()}
    assert strategies["gradnorm"]["level"] == "gradient"
    assert {p["name"]: p for p in strategies["fixed"]["params"]}["weights"]["required"]
    health = http.get("/health").json()
    assert health == {"status": "ok", "database": True, "workers_alive": 0, "models": True}
    assert "/studies/{study_id}/comparison" in http.get("/openapi.json").json()["paths"]


def test_a_dead_models_process_is_replaced(http: TestClient) -> None:
    assert http.post("/studies", json=small_digits_spec("before-kill")).status_code == 201
    [pid] = list(MODELS._running()._processes)  # the one child
    os.kill(pid, signal.SIGKILL)
    assert http.post("/studies", json=small_digits_spec("after-kill")).status_code == 201
    assert list(MODELS._running()._processes) != [pid]


def test_a_worker_walks_the_plan_stage_by_stage(own: tuple[TestClient, str]) -> None:
    http, db_url = own
    seen: list[Unit] = []

    def record(_context: StudyContext, _storage: Any, unit: Unit) -> None:
        seen.append(unit)

    study = http.post(
        "/studies", json=small_digits_spec("walk", strategies=["uncertainty", "dwa"])
    )
    work(db_url, record)
    assert [u.stage for u in seen] == sorted(u.stage for u in seen)
    assert seen[0] == Unit(0, "reference") and Unit(2, "reference") in seen
    assert sorted(u for u in seen if u.stage == 1) == [
        Unit(1, "dwa"),
        *(Unit(1, "tuned", slot) for slot in range(3)),
        Unit(1, "uncertainty"),
    ]
    assert len([u for u in seen if u.stage == 3]) == 3 * 2  # arms x seeds
    final = http.get(f"/studies/{study.json()['id']}").json()
    assert (final["status"], final["phase"]) == ("done", "done")
    events = http.get(f"/studies/{study.json()['id']}/events")
    assert events.headers["content-type"].startswith("text/event-stream")
    assert "event: done" in events.text


def test_a_failing_unit_fails_its_study_with_the_reason(own: tuple[TestClient, str]) -> None:
    http, db_url = own

    def diverge_in_search(_context: StudyContext, _storage: Any, unit: Unit) -> None:
        if unit.stage == 1:
            raise DivergedError("the loss went to nan")

    study = http.post("/studies", json=small_digits_spec("diverges")).json()
    work(db_url, diverge_in_search)
    failed = http.get(f"/studies/{study['id']}").json()
    assert failed["status"] == "failed"
    assert failed["error"].endswith("the loss went to nan")
    assert failed["error"].startswith("search ")


def test_a_real_study_through_the_api_the_client_and_the_cli(
    own: tuple[TestClient, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    http, db_url = own
    client = Client("http://testserver", token=TOKEN, http=cast(httpx.Client, http))
    study = client.submit(small_digits_spec("real"))
    work(db_url)  # real training
    finished = client.wait(study.id, timeout=10)
    assert finished.status == "done"
    # the counters the workers kept, not a count of Optuna's trials
    assert {a.arm: (a.done, a.budget) for a in finished.arms} == {
        "tuned": (3, 3),
        "uncertainty": (1, 1),
    }
    assert (finished.evaluation.done, finished.evaluation.total) == (6, 6)
    comparison = client.comparison(study.id)
    arms = {arm.arm: arm for arm in comparison.arms}
    assert set(arms) == {"tuned", "uncertainty"}
    assert arms["tuned"].config is not None and arms["tuned"].config.sigmas is None
    learned = arms["uncertainty"].config
    assert learned is not None and learned.sigmas is not None
    assert all(sigma > 0 for sigma in learned.sigmas.values())
    assert len(comparison.to_frame()) == 2 * 2  # arms x seeds
    trials = http.get(f"/studies/{study.id}/trials", params={"arm": "tuned", "limit": 2}).json()
    assert trials["count"] == 3 and len(trials["data"]) == 2
    assert set(trials["data"][0]["params"]) == {"w_group3", "w_recon"}
    pages = [
        http.get(f"/studies/{study.id}/trials", params={"offset": offset, "limit": 2}).json()
        for offset in (0, 2, 4)
    ]
    assert [page["count"] for page in pages] == [4, 4, 4]  # every arm's trials
    walked = [(t["arm"], t["number"]) for page in pages for t in page["data"]]
    assert walked == [("tuned", 0), ("tuned", 1), ("tuned", 2), ("uncertainty", 0)]
    sigmas = http.get(f"/studies/{study.id}/sigmas", params={"arm": "uncertainty"}).json()
    series = next(s for s in sigmas["data"] if s["phase"] == "search")
    assert [e["epoch"] for e in series["epochs"]] == [1, 2, 3]

    # the command line's client commands, through the same in-process app
    monkeypatch.setattr(
        cli, "Client", lambda url, token: Client(url, token, http=cast(httpx.Client, http))
    )
    assert cli.main(["status", str(study.id), "--url", "http://testserver"]) == 0
    assert "done" in capsys.readouterr().out
    assert cli.main(["compare", str(study.id), "--url", "http://testserver", "--json"]) == 0
    assert comparison.model_validate_json(capsys.readouterr().out) == comparison
    assert cli.main(["status", "9999", "--url", "http://testserver"]) == 2
    assert "404" in capsys.readouterr().err


def test_cancel_stops_the_running_trial(own: tuple[TestClient, str]) -> None:
    http, db_url = own
    spec = small_digits_spec(
        "long", tuned={"trials": 50, "pruner": "none"}, training={"epochs": 500, "batch_size": 32}
    )
    study = http.post("/studies", json=spec).json()
    worker = threading.Thread(target=work, args=(db_url,))
    worker.start()
    with storage_at(db_url) as storage:

        def tuned_running() -> bool:
            try:
                trials = optuna.load_study(study_name="long/tuned", storage=storage).trials
            except KeyError:
                return False
            return any(t.state == optuna.trial.TrialState.RUNNING for t in trials)

        wait_until(tuned_running, seconds=120, what="a tuned trial to start")
        assert http.post(f"/studies/{study['id']}/cancel").json()["status"] == "cancelled"
        worker.join(timeout=60)
        assert not worker.is_alive(), "the worker did not stop at the next epoch"
        trials = optuna.load_study(study_name="long/tuned", storage=storage).trials
    assert optuna.trial.TrialState.RUNNING not in [t.state for t in trials]
    stopped = [t for t in trials if t.state == optuna.trial.TrialState.FAIL]
    assert len(stopped) == 1 and read(stopped[0]).interrupted
    assert http.get(f"/studies/{study['id']}").json()["status"] == "cancelled"


@pytest.mark.parametrize(
    "path",
    ["/studies/3071620671630628356096", "/studies?offset=383630415329942036250774497935753216"],
)
def test_integers_beyond_the_database_are_422_with_the_documented_body(
    http: TestClient, path: str
) -> None:
    response = http.get(path)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "invalid request"
    assert body["errors"][0]["field"] in {"path.study_id", "query.offset"}
    documented = http.get("/openapi.json").json()["paths"]["/studies/{study_id}"]["get"]
    assert documented["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationProblem"
    }


def test_undeclared_methods_are_405_and_unknown_paths_404(http: TestClient) -> None:
    traced = http.request("TRACE", "/studies/1")
    assert traced.status_code == 405
    assert traced.headers["allow"] == "DELETE, GET"
    assert http.put("/health").status_code == 405
    assert http.get("/nothing-here").status_code == 404
    assert http.get("/dashboard", auth=("anyone", TOKEN)).status_code == 200  # still served


def test_concurrent_posts_of_one_name_give_one_201_and_one_409(
    own: tuple[TestClient, str],
) -> None:
    http, db_url = own
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def post(seed: int) -> None:
        barrier.wait()
        codes.append(http.post("/studies", json=small_digits_spec("race", seed=seed)).status_code)

    threads = [threading.Thread(target=post, args=(seed,)) for seed in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [201, 409]
    assert http.get("/studies").json()["count"] == 1
    with storage_at(db_url) as storage:
        names = optuna.get_all_study_names(storage)
    assert names == ["race/evaluation"]  # the winner's, no orphan
