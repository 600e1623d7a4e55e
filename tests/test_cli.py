"""`taskweights run`, `compare` and their errors: the command's `main()` in this process, with
what it prints captured (the console script itself runs in tests/test_wheel.py)."""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import httpx
import optuna
import pytest

from taskweights.app.cli import main
from taskweights.app.db import studies
from taskweights.app.db.database import Database, upgrade_database
from taskweights.search import check_against_models, validate_spec
from taskweights.search.checks import task_infos
from tests.conftest import small_digits_spec, wait_until
from tests.inprocess import api_on
from tests.server import free_port


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def taskweights(*args: str) -> Ran:
    """`taskweights ARGS` in this process: its exit code and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit:  # argparse's usage errors
            code = int(exit.code or 0)
    return Ran(code, out.getvalue(), err.getvalue())


def trial_counts(db_url: str, study: str) -> dict[str, int]:
    return {
        name.split("/", 1)[1]: len(optuna.load_study(study_name=name, storage=db_url).trials)
        for name in optuna.get_all_study_names(db_url)
        if name.startswith(f"{study}/")
    }


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory):
    """One small digits study run through `taskweights run --json`, shared by the tests below."""
    folder = tmp_path_factory.mktemp("run")
    spec_path = folder / "spec.yaml"
    spec_path.write_text(json.dumps(small_digits_spec()))
    db_url = f"sqlite:///{folder / 'studies.db'}"
    result = taskweights("run", str(spec_path), "--db", db_url, "--json")
    assert result.returncode == 0, result.stderr
    return spec_path, db_url, json.loads(result.stdout)


def test_run_json_has_both_arms_with_finite_numbers(finished) -> None:
    _, _, comparison = finished
    arms = {arm["arm"]: arm for arm in comparison["arms"]}
    assert set(arms) == {"tuned", "uncertainty"}
    tuned, learned = arms["tuned"], arms["uncertainty"]
    assert sum(tuned["config"]["weights"].values()) == pytest.approx(1.0)
    assert tuned["config"]["weights"].keys() == {"digit", "group3", "recon"}
    assert learned["config"]["sigmas"].keys() == {"digit", "group3", "recon"}
    assert sum(learned["config"]["weights"].values()) == pytest.approx(1.0)
    for arm in arms.values():
        assert len(arm["runs"]) == 2  # evaluation.seeds
        numbers = [arm["delta_m"]["mean"], arm["delta_m"]["std"]]
        numbers += [s[k] for s in arm["test"].values() for k in ("mean", "std")]
        assert all(math.isfinite(x) for x in numbers)
        assert 0.0 <= arm["test"]["digit"]["mean"] <= 1.0
    assert tuned["compute"]["trials"] == 3 and learned["compute"]["trials"] == 1
    assert tuned["compute"]["epochs"] == 9  # 3 trials x 3 epochs, nothing pruned
    verdict = comparison["verdict"]
    assert verdict["answer"] in {"tune", "learn", "tie"}
    [pair] = verdict["pairs"]
    assert pair["arm"] == "uncertainty" and pair["seeds"] == 2
    assert 0.0 <= pair["p_value"] <= 1.0 and pair["p_holm"] == pair["p_value"]  # one pair
    assert pair["ci"][0] <= pair["difference"] <= pair["ci"][1]
    assert [t["task"] for t in pair["tasks"]] == ["digit", "group3", "recon"]
    curve = comparison["tuning_curve"]
    assert curve["method"].startswith("observed best so far: tpe")
    mids = [point["mid"] for point in curve["points"]]
    assert [point["k"] for point in curve["points"]] == [1, 2, 3]
    assert mids == sorted(mids)  # a delta_m score: higher is better
    pareto = comparison["pareto"]
    assert 1 <= len(pareto["front"]) <= 3
    assert {p["trial"] for p in pareto["front"]} <= {0, 1, 2}
    [learned_place] = pareto["learned"]
    assert learned_place["arm"] == "uncertainty"
    assert (
        learned_place["dominated"] == (learned_place["margin"] > 0) or learned_place["margin"] == 0
    )
    match = comparison["trials_to_match"]["uncertainty"]
    assert match["mid"] is None or 1 <= match["mid"] <= 3


def test_every_arm_is_an_optuna_study_in_the_storage(finished) -> None:
    _, db_url, _ = finished
    assert trial_counts(db_url, "tiny") == {
        "reference": 1,
        "tuned": 3,
        "uncertainty": 1,
        "evaluation": 6,
    }
    tuned = optuna.load_study(study_name="tiny/tuned", storage=db_url)
    trial = tuned.best_trial
    assert set(trial.params) == {"w_group3", "w_recon"}  # the first task's weight is pinned
    assert trial.user_attrs["weights"]["digit"] == 1.0
    assert set(trial.user_attrs["val_metrics"]) == {"digit", "group3", "recon"}
    assert len(trial.intermediate_values) == 3  # reported every epoch
    learned = optuna.load_study(study_name="tiny/uncertainty", storage=db_url).best_trial
    assert all(s > 0 for s in learned.user_attrs["sigmas"].values())


def test_a_local_study_is_served_with_its_epochs(finished) -> None:
    """`taskweights run` stores its study as a server's workers do: the API lists it, done, and
    serves every epoch's weights and sigmas from the one epoch store."""
    _, db_url, comparison = finished
    with api_on(db_url) as http:
        [study] = http.get("/studies").json()["data"]
        assert (study["name"], study["status"], study["phase"]) == ("tiny", "done", "done")
        assert {a["arm"]: a["done"] for a in study["arms"]} == {"tuned": 3, "uncertainty": 1}
        assert http.get(f"/studies/{study['id']}/comparison").json() == comparison
        series = http.get(f"/studies/{study['id']}/sigmas", params={"arm": "uncertainty"}).json()
    runs = {(s["phase"], s["seed"]): s["epochs"] for s in series["data"]}
    assert len(runs) == 1 + 2  # the search trial and both evaluation seeds
    for epochs in runs.values():
        assert [e["epoch"] for e in epochs] == [1, 2, 3]
        assert all(sigma > 0 for e in epochs for sigma in e["sigmas"].values())


def test_compare_of_a_study_not_done_exits_2_with_its_progress(db_url: str) -> None:
    spec = validate_spec(small_digits_spec("waiting"))
    upgrade_database(db_url)
    database = Database(db_url)
    try:
        with database.session() as session:
            studies.create(session, spec, task_infos(check_against_models(spec)))
    finally:
        database.dispose()
    result = taskweights("compare", "waiting", "--db", db_url)
    assert result.returncode == 2
    assert "'waiting' is queued; the comparison exists once it is done" in result.stderr
    assert "tuned          0/3 trials" in result.stderr
    assert "Traceback" not in result.stderr


def test_compare_prints_the_stored_comparison_again(finished) -> None:
    _, db_url, comparison = finished
    again = taskweights("compare", "tiny", "--db", db_url, "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == comparison
    table = taskweights("compare", "tiny", "--db", db_url)
    assert "uncertainty" in table.stdout and "Verdict:" in table.stdout


def test_rerunning_the_same_spec_resumes_without_training_again(finished) -> None:
    spec_path, db_url, comparison = finished
    before = trial_counts(db_url, "tiny")
    again = taskweights("run", str(spec_path), "--db", db_url, "--json")
    assert again.returncode == 0, again.stderr
    assert trial_counts(db_url, "tiny") == before
    assert json.loads(again.stdout)["verdict"] == comparison["verdict"]


def test_another_spec_under_a_used_name_is_refused(finished, tmp_path: Path) -> None:
    _, db_url, _ = finished
    before = trial_counts(db_url, "tiny")
    other = tmp_path / "other.yaml"
    other.write_text(json.dumps(small_digits_spec(seed=7)))
    result = taskweights("run", str(other), "--db", db_url)
    assert result.returncode == 2
    assert "already exists" in result.stderr
    assert "Traceback" not in result.stderr
    assert trial_counts(db_url, "tiny") == before


def test_bad_spec_exits_2_naming_the_field_and_writes_nothing(write_spec, tmp_path) -> None:
    path = write_spec(small_digits_spec(tuned={"trials": 0}, strategies=["sigmoid"]))
    db_file = tmp_path / "untouched.db"
    result = taskweights("run", str(path), "--db", f"sqlite:///{db_file}")
    assert result.returncode == 2
    assert "tuned.trials" in result.stderr and "greater than 0" in result.stderr
    assert "strategies.0.name" in result.stderr and "Unknown weighting 'sigmoid'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not db_file.exists()


def test_compare_of_an_unknown_study_exits_2(db_url: str) -> None:
    result = taskweights("compare", "ghost", "--db", db_url)
    assert result.returncode == 2
    assert "no study named 'ghost'" in result.stderr


def test_missing_spec_file_exits_2(tmp_path: Path) -> None:
    result = taskweights("run", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2
    assert "cannot read" in result.stderr


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (["worker", "--processes", "0"], "at least 1, got 0"),
        (["serve", "--workers", "-1"], "at least 0, got -1"),
        (["worker", "--processes", "many"], "a whole number expected, got 'many'"),
    ],
)
def test_bad_process_counts_exit_2(command: list[str], reason: str) -> None:
    result = taskweights(*command)
    assert result.returncode == 2
    assert reason in result.stderr and "Traceback" not in result.stderr


def test_optuna_dashboard_lists_every_arm(finished) -> None:
    _, db_url, _ = finished
    port = free_port()
    dashboard = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "optuna-dashboard"),
            db_url,
            "--port",
            str(port),
            "--quiet",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def studies() -> httpx.Response | None:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/api/studies", timeout=5)
            except httpx.TransportError:
                return None

        response = wait_until(studies, seconds=60, what="optuna-dashboard to answer")
        assert isinstance(response, httpx.Response) and response.status_code == 200
        listed = {study["study_name"]: study for study in response.json()["study_summaries"]}
        for arm in ("reference", "tuned", "uncertainty", "evaluation"):
            assert f"tiny/{arm}" in listed
    finally:
        dashboard.terminate()
        dashboard.wait(timeout=10)
