"""A page of trials read from Optuna's tables says what `optuna.load_study` says of them."""

from __future__ import annotations

import math

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState, create_trial

from taskweights.search.pages import trial_page
from taskweights.search.records import TrialRecord, failure_reason, read
from taskweights.search.storage import storage_at

DISTRIBUTIONS = {
    "w_recon": FloatDistribution(0.01, 100, log=True),
    "layers": IntDistribution(1, 4),
    "norm": CategoricalDistribution(["batch", "layer", None]),
}


def attrs(**fields: object) -> dict[str, object]:
    return TrialRecord.model_validate(fields).model_dump(mode="json", exclude_unset=True)


def test_a_page_matches_optuna_on_every_kind_of_trial(storage_url: str) -> None:
    trials = [
        create_trial(  # completed, with a full record
            params={"w_recon": 0.5, "layers": 3, "norm": "layer"},
            distributions=DISTRIBUTIONS,
            value=1.25,
            intermediate_values={1: 0.5, 2: 1.0},
            user_attrs=attrs(val_metrics={"digit": 0.9}, weights={"digit": 1.0}, epochs=2),
        ),
        create_trial(  # completed with an infinite score, no epochs in its record
            params={"w_recon": 2.0, "layers": 1, "norm": None},
            distributions=DISTRIBUTIONS,
            value=math.inf,
            intermediate_values={1: 3.0},
        ),
        create_trial(  # diverged: its own error
            state=TrialState.FAIL,
            params={"w_recon": 90.0, "layers": 2, "norm": "batch"},
            distributions=DISTRIBUTIONS,
            user_attrs=attrs(error="training diverged at epoch 1"),
        ),
        create_trial(state=TrialState.FAIL),  # its process died: no record at all
        create_trial(
            state=TrialState.PRUNED,
            params={"w_recon": 1.0, "layers": 4, "norm": "batch"},
            distributions=DISTRIBUTIONS,
            intermediate_values={1: 0.1},
            user_attrs=attrs(epochs=1),
        ),
    ]
    with storage_at(storage_url) as storage:
        study = optuna.create_study(study_name="paged/tuned", storage=storage)
        study.add_trials(trials)
        optuna.create_study(study_name="paged/uncertainty", storage=storage).add_trial(trials[0])
        expected = study.get_trials(deepcopy=False)
        page, count = trial_page(storage, "paged", ["tuned", "uncertainty"], 0, 100)
        second, _ = trial_page(storage, "paged", ["tuned", "uncertainty"], 4, 100)
    assert count == 6 and len(page) == 6
    assert [(t.arm, t.number) for t in second] == [("tuned", 4), ("uncertainty", 0)]
    for got, want in zip(page, expected, strict=False):
        assert got.arm == "tuned" and got.number == want.number
        assert got.state == want.state
        assert got.params == want.params
        assert got.value == (want.value if want.state == TrialState.COMPLETE else None)
        assert got.record == read(want)
        assert got.epochs == (read(want).epochs or len(want.intermediate_values))
        assert got.error == failure_reason(want)
        assert (got.started_at, got.completed_at) == (want.datetime_start, want.datetime_complete)
    assert page[1].value == math.inf and page[1].epochs == 1
    assert page[3].error == "its worker stopped (no heartbeat)"
