"""The registry of import kinds is the one list the CLI, the uploads page and the demo read."""
from __future__ import annotations

import pytest

from tracker.imports import kinds
from tracker.imports.base import Importer
from tracker.imports.kinds import EDT_ONLY, EVERYONE, register
from tracker.models.accounts import EDT_STAFF, FACILITATOR


def test_the_kinds_of_interchange_in_import_order():
    assert kinds.names()[:5] == ("participants", "credits", "attendance", "video-views", "assessments")
    assert [kind.name for kind in kinds.sample_kinds()][:5] == list(kinds.names()[:5])


def test_each_kind_declares_its_label_its_uploaders_and_its_columns():
    credits = kinds.get("credits")
    assert credits.label == "Activity credits (platform report)"
    assert credits.required == ("participant_id", "block", "activity", "completed_on")
    assert credits.optional == ("credits", "source")
    assert credits.importer.kind == "credits"
    assert [kind.name for kind in kinds.for_role(FACILITATOR)] == ["credits", "attendance", "video-views"]
    assert {"participants", "assessments"} <= {kind.name for kind in kinds.for_role(EDT_STAFF)}


def test_the_command_line_offers_exactly_the_registered_kinds(app):
    command = app.cli.get_command(None, "import")
    assert tuple(command.params[0].type.choices) == kinds.names()


def test_a_name_registered_twice_or_an_unknown_role_is_refused():
    with pytest.raises(ValueError, match="registered twice"):
        register("credits", "Again", uploaded_by=EVERYONE)(type("Other", (Importer,), {"parse": None}))
    with pytest.raises(ValueError, match="unknown roles"):
        register("novel", "Novel", uploaded_by=("governor",))(type("Novel", (Importer,), {"parse": None}))


def test_a_kind_registered_outside_the_modules_list_fails_loudly(monkeypatch):
    monkeypatch.setattr(kinds, "_registry", dict(kinds._registry))
    register("stray", "Stray", uploaded_by=EDT_ONLY)(type("Stray", (Importer,), {"parse": None}))
    with pytest.raises(LookupError, match="stray"):
        kinds.names()
