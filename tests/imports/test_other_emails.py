"""Who is who (INTERCHANGE.md): participants' other emails, and evidence files naming participants by
email instead of (or beside) participant_id."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import AuditEvent, CreditRecord, OtherEmail, Participant, RegisterEntry, VideoViewRecord

from ..factories import PARTICIPANT_HEADER
from .helpers import lines, participant_pk, partner_id, run_bytes, snapshot

pytestmark = pytest.mark.usefixtures("people")

HEADER = PARTICIPANT_HEADER + ",other_emails"
DIAGNOSTIC = "Diagnostic Assessment for Block 1"


def row(ref: str, others: str, *, email: str | None = None, partner: str = "NORTH") -> str:
    return f"{ref},Name {ref},{email or ref.lower() + '@example.org'},{partner},NPQLT,3,yes,yes,active,{others}"


def others_of(ref: str) -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(OtherEmail.email).join(Participant).where(Participant.participant_id == ref)))


def imported(kind: str, *rows: str, **options):
    result = run_bytes(kind, lines(*rows), **options)
    assert result.ok, result.errors
    return result


def refused(kind: str, *rows: str, **options) -> list[str]:
    before = snapshot()
    result = run_bytes(kind, lines(*rows), **options)
    assert not result.ok
    assert snapshot() == before
    return result.errors


# other_emails in the participants file


def test_other_emails_are_stored_and_a_blank_keeps_them():
    result = imported("participants", HEADER, row("P3", " Sam.Teams@School.example ; p3.webinar@example.net;"))
    assert result.summary() == "read 1, created 0, updated 1, unchanged 0"
    assert others_of("P3") == ["Sam.Teams@School.example", "p3.webinar@example.net"]
    assert imported("participants", HEADER, row("P3", "")).summary() == "read 1, created 0, updated 0, unchanged 1"
    assert imported("participants", PARTICIPANT_HEADER, row("P3", "")[:-1]).unchanged == 1  # no column at all
    assert others_of("P3") == ["Sam.Teams@School.example", "p3.webinar@example.net"]
    # the same addresses in another order or repeated: nothing changed; a new list replaces the old
    assert imported("participants", HEADER, row("P3", "p3.webinar@example.net;Sam.Teams@School.example;"
                                                      "SAM.TEAMS@school.example")).unchanged == 1
    assert imported("participants", HEADER, row("P3", "p3.zoom@example.net")).updated == 1
    assert others_of("P3") == ["p3.zoom@example.net"]


def test_a_new_participant_with_other_emails_and_their_own_email_left_out():
    imported("participants", HEADER, row("N1", "n1@example.org;N1@Example.org;n1.other@example.org"))
    assert others_of("N1") == ["n1.other@example.org"]


def test_a_change_of_other_emails_is_audited_as_the_participants_changes_are():
    imported("participants", HEADER, row("P3", "b@example.net;a@example.net"))
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.participant_id == participant_pk("P3"))).one()
    assert (event.action, event.entity) == ("update", "participant")
    assert json.loads(event.before)["other_emails"] == ""
    assert json.loads(event.after)["other_emails"] == "a@example.net;b@example.net"


def test_each_bad_address_is_named_by_row_and_column():
    errors = refused("participants", HEADER, row("P3", "ok@example.org;not-an-address;x@y"), row("P1", "a@@b.org"))
    assert errors == [
        "row 2: other_emails: 'not-an-address' is not an email address: an email address must have an @-sign; "
        "'x@y' is not an email address: the part after the @-sign is not valid. It should have a period",
        "row 3: other_emails: 'a@@b.org' is not an email address: the part after the @-sign contains invalid "
        "characters: '@'",
    ]


def test_an_address_of_another_participant_is_refused_naming_both():
    imported("participants", HEADER, row("P1", "p1.teams@example.net"))
    errors = refused("participants", HEADER,
                     row("P3", "P2@example.org"),  # P2's email (stored)
                     row("L3", "P1.Teams@example.net"),  # P1's other email (stored), in another case
                     row("H3", "shared@example.net"), row("S3", "shared@example.net", partner="SOUTH"))
    assert errors == [
        "row 2: other_emails: 'P2@example.org' is also the email of P2",
        "row 3: other_emails: 'P1.Teams@example.net' is also an other email of P1",
        "row 4: other_emails: 'shared@example.net' is also an other email of S3 (row 5)",
        "row 5: other_emails: 'shared@example.net' is also an other email of H3 (row 4)",
    ]
    # a participant's email that is someone's other email, in the file or stored
    assert refused("participants", HEADER, row("N1", "", email="p1.teams@example.net")) == [
        "row 2: email: 'p1.teams@example.net' is also an other email of P1"]


def test_an_address_may_move_from_one_participant_to_another_in_one_file():
    imported("participants", HEADER, row("P1", "moving@example.net"))
    imported("participants", HEADER, row("P1", "p1.new@example.net"), row("P3", "moving@example.net"))
    assert (others_of("P1"), others_of("P3")) == (["p1.new@example.net"], ["moving@example.net"])


def test_two_participants_may_still_share_an_email():
    imported("participants", HEADER, row("N1", "", email="family@example.org"), row("N2", "", email="family@example.org"))


def test_the_database_refuses_one_other_email_for_two_participants_ignoring_case():
    db.session.add_all([OtherEmail(participant_id=participant_pk("P1"), email="x@example.net"),
                        OtherEmail(participant_id=participant_pk("P3"), email="X@Example.NET")])
    with pytest.raises(Exception, match="(?i)unique"):
        db.session.flush()
    db.session.rollback()


# evidence by email


def test_evidence_names_a_participant_by_email_or_other_email_ignoring_case():
    imported("participants", HEADER, row("P3", "p3.teams@school.example"))
    imported("credits", "email,block,activity,completed_on", f"P3@Example.ORG,1,{DIAGNOSTIC},2022-10-05")
    imported("attendance", "Email,Block,Event,Session date,Attendance",
             "P3.Teams@School.example,1,NPQLT Live Webinar,2022-10-06,attended")
    imported("video-views", "participant_id,email,block,percent_watched,viewed_on",
             "p3,p3.teams@school.example,1,90,2022-10-07", ",p3@example.org,1,80,2022-10-08")
    pk = participant_pk("P3")
    for model in (CreditRecord, RegisterEntry, VideoViewRecord):
        assert set(db.session.scalars(select(model.participant_id))) == {pk}
    assert len(db.session.scalars(select(VideoViewRecord)).all()) == 2


def test_an_unknown_address_is_a_row_error_naming_it():
    assert refused("credits", "email,block,activity,completed_on", f"p3@example.org,1,{DIAGNOSTIC},2022-10-05",
                   f"nobody@example.org,1,{DIAGNOSTIC},2022-10-05", f",1,{DIAGNOSTIC},2022-10-05") == [
        "row 3: email: 'nobody@example.org' is not the email of a known participant",
        "row 4: email: an email is required",
    ]


def test_a_row_naming_both_must_agree():
    assert refused("attendance", "participant_id,email,block,event,session_date,attendance",
                   "P3,p1@example.org,1,NPQLT Live Webinar,2022-10-05,attended",
                   ",,1,NPQLT Live Webinar,2022-10-05,attended",
                   "NOBODY,p3@example.org,1,NPQLT Live Webinar,2022-10-05,attended",
                   "P3,nobody@example.org,1,NPQLT Live Webinar,2022-10-05,attended") == [
        "row 2: email: 'p1@example.org' is the email of P1, not of P3",
        "row 3: participant_id: a participant_id or an email is required",
        "row 4: participant_id: 'NOBODY' is not a known participant",
        "row 5: email: 'nobody@example.org' is not an email of P3",
    ]


def test_an_address_two_participants_share_names_neither():
    imported("participants", HEADER, row("N1", "", email="family@example.org"), row("N2", "", email="family@example.org"))
    assert refused("video-views", "email,block,percent_watched,viewed_on", "family@example.org,1,90,2022-10-05") == [
        "row 2: email: 'family@example.org' is the email of more than one participant: name the participant by "
        "participant_id"]
    imported("video-views", "participant_id,email,block,percent_watched,viewed_on", "N1,family@example.org,1,90,2022-10-05")


def test_a_partners_upload_matches_only_its_participants_by_email():
    south = partner_id("SOUTH")
    imported("video-views", "email,block,percent_watched,viewed_on", "s3@example.org,1,90,2022-10-05", partner_id=south)
    assert refused("video-views", "email,block,percent_watched,viewed_on", "p3@example.org,1,90,2022-10-05",
                   partner_id=south) == ["row 2: email: 'p3@example.org' is not the email of a known participant"]


def test_a_file_with_neither_column_is_refused_naming_both():
    assert refused("credits", "block,activity,completed_on", f"1,{DIAGNOSTIC},2022-10-05") == [
        "row 1: missing column: participant_id or email", "headings found: block, activity, completed_on"]


@pytest.mark.parametrize("address", [
    "ex000@example.org", "Ann@School.example", "a..b@x.org", ".a@x.org", "a@x..org", "a@-x.org", "x@y", "a@b.test",
    "A.Lee_school.example#EXT#@partner.onmicrosoft.com", "a" * 65 + "@x.org", "a@" + "b" * 250 + ".org",
    "ünï@exämple.org", "a b@x.org", "@x.org", "a@", "a@@b.org", "a@localhost", "a@[1.2.3.4]", "a@x_y.org"])
def test_the_quick_check_of_plain_addresses_agrees_with_email_validator(address):
    from email_validator import EmailNotValidError, validate_email

    from tracker.imports.fields import an_email

    try:
        validate_email(address, check_deliverability=False)
        valid = True
    except EmailNotValidError:
        valid = False
    try:
        assert an_email(address) == address and valid
    except ValueError:
        assert not valid
