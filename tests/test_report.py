"""The report page and the plots over HTTP, the offline report file, and both in a real browser
(Debian's chromium, headless): the rendered DOM must hold the verdict and every plot, and a
screenshot must not be blank."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import httpx
import numpy as np
import pytest
from markupsafe import escape
from PIL import Image

from taskweights.app.db import studies
from taskweights.app.db.database import Database
from taskweights.app.db.tables import StudyRow
from taskweights.app.local import load_comparison, run_study
from taskweights.app.report.build import cached_plot
from taskweights.search import Comparison, storage_at, validate_spec
from taskweights.search.plots import PLOTS
from tests.conftest import small_digits_spec
from tests.inprocess import api_on
from tests.server import running_server, wait_for
from tests.test_cli import taskweights

SPEC = {
    "name": "reported",
    "problem": {"name": "kendall-toy", "params": {"n": 300, "noise": [3.0, 0.5]}},
    "strategies": ["uncertainty", "dwa"],
    "tuned": {"trials": 4, "pruner": "none"},
    "training": {"epochs": 4},
    "evaluation": {"seeds": 2},
}


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Comparison]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('report')) / 'report.db'}"
    run_study(validate_spec(SPEC), url)
    return url, load_comparison("reported", url)


def chromium(*args: str, seconds: float = 60) -> str:
    """Headless chromium (installed by .ci/run, like PostgreSQL), its stdout."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    assert binary, "chromium is not installed: apt-get install chromium (as .ci/run does)"
    ran = subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
        capture_output=True,
        text=True,
        timeout=seconds,
        check=True,
    )
    return ran.stdout


def colours_in(png_path: Path) -> int:
    pixels = np.asarray(Image.open(png_path).convert("RGB")).reshape(-1, 3)
    return len(np.unique(pixels, axis=0))


def shot(url: str, path: Path) -> int:
    chromium(f"--screenshot={path}", "--window-size=1100,3000", url)
    return colours_in(path)


def test_the_report_page_leads_with_the_verdict_and_links_every_plot(finished) -> None:
    url, comparison = finished
    with api_on(url) as http:
        response = http.get("/studies/1/report")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    statement = str(escape(comparison.verdict.statement))
    assert statement in page
    assert page.index(statement) < page.index("Trade-offs") < page.index("Plots")
    for name in PLOTS:
        assert f'src="/studies/1/plots/{name}.png"' in page
    assert "/dashboard/studies/" in page  # each search arm's Optuna study
    assert str(escape('"name": "reported"')) in page  # the spec
    assert "EventSource" not in page  # a finished study has nothing to follow


def test_plots_are_served_as_png_and_svg_and_kept_once_drawn(finished) -> None:
    url, comparison = finished
    with api_on(url) as http:
        png = http.get("/studies/1/plots/tuning.png")
        svg = http.get("/studies/1/plots/tuning.svg")
        again = http.get("/studies/1/plots/tuning.png")
        unknown = http.get("/studies/1/plots/histogram.png")
    assert png.headers["content-type"] == "image/png"
    assert png.content == comparison.plot("tuning")
    assert svg.headers["content-type"] == "image/svg+xml"
    assert svg.content.lstrip().startswith(b"<?xml")
    assert again.content == png.content
    database = Database(url)
    try:
        with database.session() as session:  # kept: the next request draws nothing, reads no trial
            assert cached_plot(session.get_one(StudyRow, 1), "tuning") == png.content
    finally:
        database.dispose()
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "path.file"


def test_a_done_study_s_comparison_is_built_once_per_process(finished) -> None:
    url, comparison = finished
    database = Database(url)
    try:
        with database.session() as session, storage_at(url) as storage:
            study = session.get_one(StudyRow, 1)
            first = studies.finished_comparison(session, storage, study)
            assert studies.finished_comparison(session, storage, study) is first
    finally:
        database.dispose()
    assert first == comparison


def test_a_study_not_done_has_a_live_report_and_no_plots_yet(tmp_path: Path) -> None:
    with api_on(f"sqlite:///{tmp_path / 'queued.db'}") as http:
        created = http.post("/studies", json=small_digits_spec("waiting"))
        assert created.status_code == 201
        page = http.get("/studies/1/report").text
        plot = http.get("/studies/1/plots/weights.png")
    assert "The verdict appears here when the study is done" in page
    assert 'id="progress"' in page and "tuned" in page
    assert 'new EventSource("/studies/1/events")' in page
    assert plot.status_code == 409


def test_the_report_file_is_self_contained(finished, tmp_path: Path) -> None:
    url, comparison = finished
    output = tmp_path / "report.html"
    ran = taskweights("report", "reported", "--db", url, "-o", str(output))
    assert ran.returncode == 0, ran.stderr
    page = output.read_text()
    assert page.count('src="data:image/png;base64,') == len(PLOTS)
    assert "http://" not in page and "https://" not in page  # opens offline
    assert str(escape(comparison.verdict.statement)) in page


def test_compare_plots_writes_every_plot(finished, tmp_path: Path) -> None:
    url, comparison = finished
    ran = taskweights("compare", "reported", "--db", url, "--plots", str(tmp_path / "plots"))
    assert ran.returncode == 0, ran.stderr
    for name in PLOTS:
        assert (tmp_path / "plots" / f"{name}.png").read_bytes() == comparison.plot(
            name, true_sigmas={"y1": 3.0, "y2": 0.5}
        )


def test_a_browser_renders_the_report_of_a_finished_study(finished, tmp_path: Path) -> None:
    url, comparison = finished
    with running_server(url, workers=0) as server:
        dom = chromium("--dump-dom", f"{server}/studies/1/report")
        for name in PLOTS:  # every image the page asks for is there
            image = httpx.get(f"{server}/studies/1/plots/{name}.png", timeout=30)
            assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
        colours = shot(f"{server}/studies/1/report", tmp_path / "finished.png")
        fetched = taskweights("report", "1", "--url", server, "-o", str(tmp_path / "served.html"))
        plots = taskweights("compare", "1", "--url", server, "--plots", str(tmp_path / "plots"))
    assert fetched.returncode == 0 and plots.returncode == 0
    written = taskweights("report", "reported", "--db", url, "-o", str(tmp_path / "local.html"))
    assert written.returncode == 0
    assert (tmp_path / "served.html").read_text() == (tmp_path / "local.html").read_text()
    for name in PLOTS:
        assert (tmp_path / "plots" / f"{name}.png").read_bytes().startswith(b"\x89PNG")
    assert comparison.verdict.statement in dom
    for name in PLOTS:
        assert f'id="plot-{name}"' in dom
    assert colours > 500  # text, tables and plots, not a blank page


def test_a_browser_renders_the_offline_file(finished, tmp_path: Path) -> None:
    url, comparison = finished
    output = tmp_path / "offline.html"
    assert taskweights("report", "reported", "--db", url, "-o", str(output)).returncode == 0
    dom = chromium("--dump-dom", output.as_uri())
    assert comparison.verdict.statement in dom
    assert dom.count("data:image/png;base64,") == len(PLOTS)
    assert shot(output.as_uri(), tmp_path / "offline.png") > 500


def test_a_browser_renders_the_report_of_a_running_study(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'running.db'}"
    long = small_digits_spec("long", tuned={"trials": 40, "pruner": "none"})
    long["training"] = {"epochs": 200, "batch_size": 128}
    with running_server(db, workers=1) as server, httpx.Client(base_url=server) as http:
        study = http.post("/studies", json=long).json()
        wait_for(http, study["id"], {"running"})
        dom = chromium("--dump-dom", f"{server}/studies/{study['id']}/report")
        colours = shot(f"{server}/studies/{study['id']}/report", tmp_path / "running.png")
        http.post(f"/studies/{study['id']}/cancel")
    assert "The verdict appears here when the study is done" in dom
    assert 'id="progress"' in dom and "final evaluation" in dom
    assert "EventSource" in dom  # the page follows the study
    assert colours > 50


def test_a_browser_follows_a_running_study_to_its_verdict(tmp_path: Path) -> None:
    """Opened while the study runs, the page reloads on the event stream's news until the
    study is done: the DOM chromium ends with is the finished report, verdict and plots."""
    db = f"sqlite:///{tmp_path / 'follow.db'}"
    short = small_digits_spec("short", tuned={"trials": 10, "pruner": "none"})
    with running_server(db, workers=1) as server, httpx.Client(base_url=server) as http:
        study = http.post("/studies", json=short).json()
        opened = wait_for(http, study["id"], {"running", "done"})
        assert opened["status"] == "running", "the study ended before the page was opened"
        page = f"{server}/studies/{study['id']}/report"
        # virtual time runs the page's timers; chromium returns once nothing is left to do
        dom = chromium("--virtual-time-budget=120000", "--dump-dom", page, seconds=240)
        statement = http.get(f"/studies/{study['id']}/comparison").json()["verdict"]["statement"]
    assert f"study {study['id']} · done" in dom
    assert statement in dom
    for name in PLOTS:
        assert f'id="plot-{name}"' in dom
