"""The Alembic migrations build the schema from nothing, tear it down, build it again, and match the models.

Runs on a fresh SQLite file, or on a fresh PostgreSQL database `tracker_migrations` when
TEST_DATABASE_URL names a PostgreSQL server (the suite's own database is left alone).
"""
from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tracker import create_app
from tracker.extensions import db

FRESH = "tracker_migrations"


@pytest.fixture()
def fresh_url(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    server = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{FRESH}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{FRESH}"'))
    try:
        yield make_url(url).set(database=FRESH).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{FRESH}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture()
def fresh_app(fresh_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": fresh_url, "SECRET_KEY": "test"})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def model_tables() -> set[str]:
    return {table.name for table in db.metadata.sorted_tables}


def test_upgrade_downgrade_upgrade_builds_every_table(fresh_app):
    assert tables() == set()
    upgrade()
    assert tables() == model_tables() | {"alembic_version"}
    downgrade(revision="base")
    assert tables() <= {"alembic_version"}
    upgrade()
    assert tables() == model_tables() | {"alembic_version"}
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_heads()


def test_the_models_match_the_migrations(fresh_app):
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_each_migration_downgrades_to_the_one_before(fresh_app):
    from alembic.script import ScriptDirectory

    config = fresh_app.extensions["migrate"].migrate.get_config()
    revisions = [r.revision for r in ScriptDirectory.from_config(config).walk_revisions()]  # head first
    assert len(revisions) >= 2
    upgrade()
    for index, revision in enumerate(revisions[:-1]):
        downgrade(revision=revisions[index + 1])
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == revisions[index + 1]
    upgrade()
    assert tables() == model_tables() | {"alembic_version"}


def test_other_emails_come_and_go_with_their_migration_keeping_participants(fresh_app):
    from sqlalchemy.exc import IntegrityError

    from tracker.models import DeliveryPartner, OtherEmail, Participant
    from tracker.reference.loader import load_reference

    upgrade()
    load_reference()
    partner = DeliveryPartner(code="NORTH", name="North")
    db.session.add(partner)
    db.session.flush()
    participant = Participant(participant_id="P1", full_name="Ann", email="ann@example.org", partner_id=partner.id,
                              course_id=1, cohort=1, school_contract_signed=True, sponsorship_agreement_signed=True)
    db.session.add(participant)
    db.session.flush()
    db.session.add(OtherEmail(participant_id=participant.id, email="Ann.Teams@Example.org"))
    db.session.commit()
    downgrade(revision="9a4c6e1f2b38")
    assert "participant_other_email" not in tables()
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT participant_id FROM participant")).scalars().all() == ["P1"]
    upgrade()
    with db.engine.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM participant_other_email")).scalar() == 0
        connection.execute(text("INSERT INTO participant_other_email (participant_id, email) "
                                "SELECT id, 'ann.teams@example.org' FROM participant"))
    with pytest.raises(IntegrityError), db.engine.begin() as connection:  # one address, one participant, any case
        connection.execute(text("INSERT INTO participant_other_email (participant_id, email) "
                                "SELECT id, 'ANN.TEAMS@example.org' FROM participant"))


def test_saved_mappings_come_and_go_with_their_migration_one_per_owner_kind_and_headings(fresh_app):
    from sqlalchemy.exc import IntegrityError

    upgrade()
    insert = text("INSERT INTO saved_mapping (partner_id, kind, headings_key, column_mapping, saved_by, saved_at) "
                  "VALUES (:partner, 'credits', 'abc', '{}', 'x@example.org', '2026-12-10 10:00:00')")
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO delivery_partner (code, name) VALUES ('NORTH', 'North')"))
        north = connection.execute(text("SELECT id FROM delivery_partner")).scalar()
        connection.execute(insert, {"partner": north})
        connection.execute(insert, {"partner": None})  # EDT's own, beside NORTH's
    for partner in (north, None):  # a second for the same owner, kind and headings: EDT's too (no partner)
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(insert, {"partner": partner})
    downgrade(revision="d2b6f0a8c4e1")
    assert "saved_mapping" not in tables()
    assert {"column_mapping", "headings_key", "saved_mapping_id"}.isdisjoint(
        column["name"] for column in inspect(db.engine).get_columns("pending_upload"))
    upgrade()
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM saved_mapping")).scalar() == 0
