"""Our tables and the work queue, on every storage backend."""

from __future__ import annotations

import json
import threading

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

from taskweights.app.db import counters
from taskweights.app.db.database import VERSION_TABLE, Database, alembic_config, upgrade_database
from taskweights.app.db.queue import claim_next, enqueue_study, finish
from taskweights.app.db.tables import Base, StudyRow, WorkUnitRow
from taskweights.search import Unit, phase_of, validate_spec
from taskweights.search.events import ArmStarted, EvaluationRunFinished, TrialFinished
from tests.conftest import small_digits_spec


@pytest.fixture
def db(storage_url: str):
    upgrade_database(storage_url)
    database = Database(storage_url)
    yield database
    database.dispose()


def add_study(db: Database, name: str, **overrides) -> int:
    spec = validate_spec(small_digits_spec(name, **overrides))
    with db.session() as session:
        study = StudyRow(name=name, spec=spec.model_dump(mode="json"))
        session.add(study)
        session.flush()
        enqueue_study(session, study)
        return study.id


def test_migrations_are_idempotent_and_keep_their_own_version_table(
    db: Database, storage_url: str
) -> None:
    upgrade_database(storage_url)  # a second start changes nothing
    tables = set(inspect(db.engine).get_table_names())
    assert {
        "taskweights_studies",
        "taskweights_work_units",
        "taskweights_epochs",
        "taskweights_workers",
        "taskweights_alembic_version",
    } <= tables
    assert {"studies", "trials", "alembic_version"} <= tables  # Optuna's, untouched
    with db.engine.connect() as connection:
        ours = connection.execute(text("SELECT version_num FROM taskweights_alembic_version"))
        optunas = connection.execute(text("SELECT version_num FROM alembic_version"))
        head = ScriptDirectory.from_config(alembic_config(storage_url)).get_current_head()
        assert [row[0] for row in ours] == [head]
        assert [row[0] for row in optunas] != [head]


def test_stages_advance_unit_by_unit(db: Database) -> None:
    study_id = add_study(db, "phases", strategies=["uncertainty", "dwa"])
    claimed = claim_next(db, "w1")
    assert claimed is not None and claimed.unit == Unit(0, "reference")
    assert claim_next(db, "w2") is None  # the search waits for the reference
    finish(db, claimed, "done")
    search = [claim_next(db, f"w{i}") for i in range(5)]
    # the tuned arm (3 trials) has 3 slots: up to 3 workers share its budget
    arms = sorted(c.unit.arm for c in search if c)
    assert arms == ["dwa", "tuned", "tuned", "tuned", "uncertainty"]
    for claim in search[:-1]:
        assert claim is not None
        finish(db, claim, "done")
    assert claim_next(db, "w9") is None  # one search unit still running
    assert search[-1] is not None
    finish(db, search[-1], "done")
    reference = claim_next(db, "w1")
    assert reference is not None and reference.unit == Unit(2, "reference")
    assert claim_next(db, "w2") is None  # every arm is scored against the reference's mean
    finish(db, reference, "done")
    runs = [claim_next(db, f"w{i}") for i in range(7)]
    assert runs[-1] is None
    # three arms on two seeds (small_digits_spec): six workers can share the evaluation
    assert sorted(c.unit for c in runs if c) == [
        Unit(3, arm, seed) for arm in ("dwa", "tuned", "uncertainty") for seed in (0, 1)
    ]
    for claim in runs[:5]:
        assert claim is not None
        finish(db, claim, "done")
    with db.session() as session:
        assert session.get_one(StudyRow, study_id).stage == 3  # one run is left
    assert runs[5] is not None
    finish(db, runs[5], "done")
    with db.session() as session:
        study = session.get_one(StudyRow, study_id)
        assert (study.status, phase_of(study.stage)) == ("done", "done")


def test_a_failed_unit_fails_the_study_and_drops_its_queue(db: Database) -> None:
    study_id = add_study(db, "fails")
    claim = claim_next(db, "w1")
    assert claim is not None
    finish(db, claim, "failed", "training diverged")
    with db.session() as session:
        study = session.get_one(StudyRow, study_id)
        assert study.status == "failed"
        assert study.error == "reference reference: training diverged"
    assert claim_next(db, "w1") is None


def test_concurrent_claims_never_share_a_unit(db: Database) -> None:
    for i in range(12):
        add_study(db, f"race{i}")
    claims: list[int] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while (claim := claim_next(db, name)) is not None:
            with lock:
                claims.append(claim.unit_id)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claims) == sorted(set(claims))
    assert len(claims) == 12
    with db.session() as session:
        states = session.scalars(select(WorkUnitRow.state)).all()
        assert set(states) == {"running"}


def test_the_migrations_match_the_tables(db: Database) -> None:
    """A change to app/db/tables.py without its Alembic migration fails here."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        differences = [
            d for d in compare_metadata(context, Base.metadata) if "taskweights" in str(d)
        ]
    assert differences == []


def test_many_processes_can_migrate_a_fresh_database_at_once(storage_url: str) -> None:
    """Workers on several machines start together against an empty database."""
    errors: list[BaseException] = []

    def migrate() -> None:
        try:
            upgrade_database(storage_url)
        except BaseException as error:  # collected, asserted below
            errors.append(error)

    threads = [threading.Thread(target=migrate) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    database = Database(storage_url)
    try:
        assert "taskweights_work_units" in inspect(database.engine).get_table_names()
    finally:
        database.dispose()


def test_a_study_stored_mid_evaluation_by_the_old_schedule_finishes_on_the_new_one(
    storage_url: str,
) -> None:
    """Migration 0003 turns the legacy whole-evaluation unit into the reference's evaluation."""
    command.upgrade(alembic_config(storage_url), "0002")
    spec = validate_spec(small_digits_spec("legacy")).model_dump(mode="json")
    database = Database(storage_url)
    try:
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO taskweights_studies (id, name, spec, status, phase, created_at,"
                    " updated_at) VALUES (1, 'legacy', :spec, 'running', 'evaluation',"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"spec": json.dumps(spec)},
            )
            connection.execute(
                text(
                    "INSERT INTO taskweights_work_units (study_id, kind, arm, slot, state,"
                    " attempts) VALUES (1, 'search', 'tuned', 0, 'done', 1),"
                    " (1, 'evaluation', 'evaluation', 0, 'queued', 0)"
                )
            )
        upgrade_database(storage_url)
        claim = claim_next(database, "w1")
        assert claim is not None and claim.unit == Unit(2, "reference")
        finish(database, claim, "done")
        following = [claim_next(database, f"w{i}") for i in range(5)]
        assert sorted(c.unit for c in following if c) == [
            Unit(3, arm, seed) for arm in ("tuned", "uncertainty") for seed in (0, 1)
        ]
    finally:
        database.dispose()


def test_progress_counters_only_grow_and_keep_the_spec_order(db: Database) -> None:
    """Workers sharing an arm report in any order: a late, smaller count changes nothing."""
    study_id = add_study(db, "counted", strategies=["uncertainty", "dwa"])
    with db.session() as session:
        counters.record(session, study_id, TrialFinished("tuned", 1, "COMPLETE", 0.5, 2, 3, 0.5))
        counters.record(session, study_id, TrialFinished("tuned", 0, "COMPLETE", 0.1, 1, 3, 0.1))
        counters.record(session, study_id, ArmStarted("tuned", 0, 3))
        counters.record(session, study_id, EvaluationRunFinished("tuned", 1, False, 3, 6))
    with db.session() as session:
        study = session.get_one(StudyRow, study_id)
        counted = counters.read(session, None, study, study.read_spec())  # type: ignore[arg-type]
    assert [(a.arm, a.done, a.budget, a.best) for a in counted.arms] == [
        ("tuned", 2, 3, 0.5),
        ("uncertainty", 0, 1, None),
        ("dwa", 0, 1, None),
    ]
    assert (counted.evaluation_done, counted.evaluation_total) == (3, 8)  # the reference too
