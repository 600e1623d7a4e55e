"""The event stream's pollers: however many clients follow a study, one poller reads it."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from sqlalchemy import update

from taskweights.app.api.events import StudyPoller, StudyPollers
from taskweights.app.db import studies
from taskweights.app.db.database import Database, upgrade_database
from taskweights.app.db.tables import StudyRow
from taskweights.app.settings import Settings
from taskweights.search import check_against_models, open_storage, validate_spec
from taskweights.search.checks import task_infos
from tests.conftest import small_digits_spec

CLIENTS = 20


def test_many_clients_of_one_study_share_one_poller(db_url: str) -> None:
    upgrade_database(db_url)
    database, storage = Database(db_url), open_storage(db_url)
    spec = validate_spec(small_digits_spec("followed"))
    with database.session() as session:
        study_id = studies.create(session, spec, task_infos(check_against_models(spec))).id
    state = SimpleNamespace(
        db=database, storage=storage, settings=Settings(db_url=db_url), models=None
    )
    pollers = StudyPollers()

    async def client(finish: bool) -> tuple[StudyPoller, list[str]]:
        """Follow until the study is done; one client marks it done after two snapshots."""
        async with pollers.follow(state, study_id) as poller:
            statuses: list[str] = []
            reads = 0
            while not statuses or statuses[-1] != "done":
                snapshot, reads = await poller.after(reads)
                assert snapshot is not None
                statuses.append(snapshot.status)
                if finish and len(statuses) == 2:
                    with database.session() as session:
                        session.execute(
                            update(StudyRow).where(StudyRow.id == study_id).values(status="done")
                        )
            return poller, statuses

    async def follow() -> list[tuple[StudyPoller, list[str]]]:
        return await asyncio.gather(*(client(finish=i == 0) for i in range(CLIENTS)))

    try:
        followed = asyncio.run(asyncio.wait_for(follow(), timeout=60))
    finally:
        storage.engine.dispose()
        database.dispose()
    [poller] = {id(poller): poller for poller, _ in followed}.values()
    assert all(statuses[0] == "queued" and statuses[-1] == "done" for _, statuses in followed)
    assert poller.reads <= 4  # the study was read a few times in all, not a few per client
    assert not pollers.pollers  # the last client gone, its poller went too
