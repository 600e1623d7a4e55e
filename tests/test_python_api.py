"""The Python API a script or notebook uses: `tw.load_spec`, `tw.run_study`, `tw.load_comparison`
and the `Comparison` they return; the README's example runs as written (on a smaller spec)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import yaml

import taskweights as tw
from taskweights.search.events import Event, PhaseStarted
from tests.conftest import small_digits_spec

ROOT = Path(__file__).resolve().parent.parent


def readme_python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_a_study_from_a_dict_runs_and_reads_back(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'tw.db'}"
    events: list[Event] = []
    torch.set_num_threads(2)
    try:
        result = tw.run_study(small_digits_spec("py"), db=db, on_event=events.append)
        assert torch.get_num_threads() == 2  # the caller's setting, given back
    finally:
        torch.set_num_threads(1)  # what conftest sets for every test
    assert isinstance(result, tw.Comparison)
    assert {arm.arm for arm in result.arms} == {"tuned", "uncertainty"}
    assert result.verdict.tuned == "tuned" and result.verdict.learned == "uncertainty"
    assert [e.phase for e in events if isinstance(e, PhaseStarted)] == [
        "reference",
        "search",
        "evaluation",
        "done",
    ]
    frame = result.to_frame()
    assert len(frame) == 2 * 2  # arms x seeds
    assert {"arm", "seed", "delta_m", "test.digit"} <= set(frame.columns)
    assert tw.load_comparison("py", db=db) == result
    spec = tw.StudySpec.model_validate(small_digits_spec("py"))
    assert tw.run_study(spec, db=db) == result  # resumed: nothing left to train


def test_a_bad_spec_is_a_spec_error_naming_the_field(tmp_path: Path) -> None:
    with pytest.raises(tw.SpecError) as caught:
        tw.load_spec(small_digits_spec("bad", tuned={"trials": 0}))
    assert [field for field, _ in caught.value.issues] == ["tuned.trials"]
    with pytest.raises(tw.StudyNotFoundError):
        tw.load_comparison("ghost", db=f"sqlite:///{tmp_path / 'empty.db'}")


def test_the_readme_example_runs_as_written(tmp_path: Path) -> None:
    """The README's first Python block, verbatim, with a smaller spec under the same name."""
    local = readme_python_blocks()[0]
    assert "tw.run_study" in local and "tw.load_comparison" in local
    spec = small_digits_spec("kendall-demo", problem={"name": "kendall-toy", "params": {"n": 400}})
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "kendall.yaml").write_text(yaml.safe_dump(spec))
    result = subprocess.run(
        [sys.executable, "-c", local],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"^(Tune|Learn|Tie): .*paired t-test over \d shared seeds", result.stdout, re.M
    )
    assert (tmp_path / "tw.db").exists()
