"""Errors of the app layer that are not HTTP's (the API maps them in app/api/errors.py)."""

from __future__ import annotations

from taskweights.app.schemas import StudyPublic


class StudyNotFinishedError(Exception):
    """A comparison was asked for before the study was done; `study` says where it is.

    The one rule for "finished" (app/db/studies.py): the API answers it with 409, the CLI
    with exit code 2 and the study's progress.
    """

    def __init__(self, study: StudyPublic) -> None:
        super().__init__(
            f"study {study.name!r} is {study.status}; the comparison exists once it is done"
        )
        self.study = study


class DatasetInUse(Exception):
    """A queued or running study reads the dataset: it stays until they end (API: 409)."""

    def __init__(self, dataset_id: str, studies: list[tuple[int, str, str]]) -> None:
        names = ", ".join(f"{name} ({status})" for _, name, status in studies)
        super().__init__(f"dataset {dataset_id} is used by {names}; cancel or wait for them")
        self.study_ids = [study_id for study_id, _, _ in studies]
