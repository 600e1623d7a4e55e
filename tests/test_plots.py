"""The comparison's plots: valid, non-trivial PNG and SVG images of a real finished study, and a
figure (not an error) where there is nothing to draw."""

from __future__ import annotations

import io
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest
from PIL import Image

from taskweights.app.local import load_comparison, run_study
from taskweights.search import Comparison, validate_spec
from taskweights.search.plots import PLOTS, UnknownPlotError, render

SPEC = {
    "name": "drawn",
    "problem": {"name": "kendall-toy", "params": {"n": 300, "noise": [3.0, 0.5]}},
    "strategies": ["uncertainty", "dwa"],
    "tuned": {"trials": 6, "pruner": "none", "sampler": "random"},
    "training": {"epochs": 5},
    "evaluation": {"seeds": 2},
    "analysis": {"frozen": True},
}


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory) -> Comparison:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('plots')) / 'plots.db'}"
    run_study(validate_spec(SPEC), url)
    return load_comparison("drawn", url)


def colours_in(png: bytes) -> int:
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    return len(np.unique(pixels, axis=0))


@pytest.mark.parametrize("name", list(PLOTS))
def test_every_plot_is_a_non_trivial_png(comparison: Comparison, name: str) -> None:
    png = render(name, comparison, true_sigmas={"y1": 3.0, "y2": 0.5})
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.width == 800 and image.height >= 500
    assert colours_in(png) > 50  # lines, bands, text: far from a blank canvas


@pytest.mark.parametrize("name", list(PLOTS))
def test_every_plot_is_an_svg_naming_what_it_draws(comparison: Comparison, name: str) -> None:
    svg = render(name, comparison, format="svg")
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")
    text = svg.decode()
    expected = {
        "weights": ["uncertainty", "dwa", "sigma"],
        "tasks": ["tuned", "uncertainty-frozen", "y1", "y2"],
        "tuning": ["uncertainty", "dwa", "tuned trials"],
        "pareto": ["tuned front", "uncertainty"],
        "compute": ["tuned", "dwa-frozen"],
    }[name]
    for word in expected:
        assert word in text, f"{name}: {word!r} is not in the SVG"
    assert "<dc:date>" not in text  # no date inside: the same study, the same bytes
    assert render(name, comparison, format="svg") == svg


def test_a_plot_with_nothing_to_draw_says_so(comparison: Comparison) -> None:
    empty = comparison.model_copy(
        update={"tuning_curve": None, "pareto": None, "trajectories": []}
    )
    for name in ("weights", "tuning", "pareto"):
        svg = render(name, empty, format="svg").decode()
        assert "no " in svg  # the figure's reason, e.g. "no tuned trial completed"
        assert colours_in(render(name, empty)) > 2


def test_an_unknown_plot_names_the_known_ones(comparison: Comparison) -> None:
    with pytest.raises(UnknownPlotError) as raised:
        render("histogram", comparison)
    assert "histogram" in str(raised.value) and "weights, tasks, tuning" in str(raised.value)


def test_comparison_plot_is_the_same_drawing(comparison: Comparison) -> None:
    assert comparison.plot("tasks") == render("tasks", comparison)
