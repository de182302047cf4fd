"""`flask dfe sync` against the stand-in of DfE's API over real HTTP on loopback: DfE's participants
matched to the tracker's, their DfE ids and enrolments kept, id changes applied, delivery partners
and statements read."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import AuditEvent, DeliveryPartner, Job, OtherEmail, Participant
from tracker.models.dfe import DfeDeliveryPartner, DfeEnrolment, DfeStatement

from ..factories import gen_participant
from .stand_in import dfe  # noqa: F401  (fixture)


def people(dfe):  # noqa: F811
    """The tracker's P001-P004 (P004 withdrawn; P002 also uses another address) and DfE's four
    enrolments: P001's (by email, in another case), P002's (by their other email), one of a person
    the tracker lacks, and one of P003's address on another course."""
    for ref, course in (("P001", "NPQLT"), ("P002", "NPQLT"), ("P003", "NPQSL")):
        gen_participant(ref, course=course)
    gen_participant("P004", status="withdrawn")
    p002 = db.session.scalar(select(Participant).where(Participant.participant_id == "P002"))
    db.session.add(OtherEmail(participant_id=p002.id, email="p2.alt@school.example"))
    db.session.commit()
    return {
        "P001": dfe.enrol("Name P001", "P001@Example.ORG", "npq-leading-teaching", schedule="npq-specialist-autumn",
                          cohort=2022, funded_place=True),
        "P002": dfe.enrol("Name P002", "p2.alt@school.example", "npq-leading-teaching",
                          schedule="npq-specialist-spring", cohort=2022, status="deferred"),
        "new": dfe.enrol("Dana New", "dana@new.example", "npq-headship", cohort=2023),
        "P003": dfe.enrol("Name P003", "p003@example.org", "npq-headship"),
    }


def participant(ref: str) -> Participant:
    return db.session.scalar(select(Participant).where(Participant.participant_id == ref))


def test_sync_matches_by_email_or_other_email_and_course_keeps_dfes_enrolment_and_lists_the_rest(cli, dfe):  # noqa: F811
    ids = people(dfe)
    result = cli("dfe", "sync")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "read 4, matched 2, changed 2, not in the tracker 2",
        f"not in the tracker: {ids['new']} Dana New dana@new.example npq-headship",
        f"not in the tracker: {ids['P003']} Name P003 p003@example.org npq-headship",
        "not at DfE: P003",
    ]
    p001, p002 = participant("P001"), participant("P002")
    assert (p001.dfe_participant_id, p001.dfe_course_identifier, p001.dfe_schedule_identifier, p001.dfe_cohort,
            p001.dfe_training_status, p001.dfe_funded_place) == (
        ids["P001"], "npq-leading-teaching", "npq-specialist-autumn", 2022, "active", True)
    assert (p002.dfe_participant_id, p002.dfe_schedule_identifier, p002.dfe_training_status) == (
        ids["P002"], "npq-specialist-spring", "deferred")
    audited = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "update",
                                                          AuditEvent.participant_id == p001.id)).all()
    assert len(audited) == 1 and ids["P001"] in audited[0].after
    asked = [r for r in dfe.received if r["path"].endswith("participants/npq")]
    assert asked[0]["query"] == {"page[page]": "1", "page[per_page]": "3000"}  # the first time: everything
    assert db.session.scalar(select(Job.kind)) == "dfe-sync"  # run as a job of the runner


def test_a_second_sync_reads_from_before_the_last_applies_id_changes_and_matches_by_dfe_id(cli, dfe):  # noqa: F811
    ids = people(dfe)
    assert cli("dfe", "sync").exit_code == 0
    merged = "0b7c1c2e-3a4d-4e5f-8a6b-7c8d9e0f1a2b"
    dfe.change_id(ids["P001"], merged)
    # P001 changes address at DfE: matched by DfE's id now, not by email
    dfe.enrol("Name P001", "elsewhere@new.example", "npq-leading-teaching", dfe_id=merged,
              schedule="npq-specialist-autumn", cohort=2022, status="withdrawn", funded_place=True)
    # Dana is added to the tracker since (with her address as an other email): DfE's enrolment kept from the
    # first sync, not listed again (unchanged at DfE), now matches
    dfe.people[ids["new"]]["updated_at"] = datetime(2020, 1, 1, tzinfo=timezone.utc)
    gen_participant("P005", course="NPQH")
    db.session.add(OtherEmail(participant_id=participant("P005").id, email="Dana@new.example"))
    db.session.commit()
    result = cli("dfe", "sync")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "read 3, matched 3, changed 2, not in the tracker 1"
    asked = [r for r in dfe.received if r["path"].endswith("participants/npq")][-1]
    assert asked["query"]["filter[updated_since]"].endswith("Z")
    p001 = participant("P001")
    assert (p001.dfe_participant_id, p001.dfe_training_status) == (merged, "withdrawn")
    assert participant("P005").dfe_participant_id == ids["new"]
    assert not db.session.scalars(select(DfeEnrolment).where(DfeEnrolment.dfe_participant_id == ids["P001"])).all()


def test_every_page_is_read(cli, dfe, monkeypatch):  # noqa: F811
    monkeypatch.setattr("tracker.declarations.sync.PER_PAGE", 2)
    people(dfe)
    for n in range(3):
        dfe.enrol(f"Extra {n}", f"extra{n}@new.example", "npq-senco")
    result = cli("dfe", "sync")
    assert result.stdout.splitlines()[0] == "read 7, matched 2, changed 2, not in the tracker 5"
    pages = [r["query"]["page[page]"] for r in dfe.received if r["path"].endswith("participants/npq")]
    assert pages == ["1", "2", "3", "4"]  # the fourth holds one: the last


def test_delivery_partners_and_statements_are_kept_and_a_partner_named_exactly_takes_dfes_id(cli, dfe):  # noqa: F811
    gen_participant("P001")
    north = db.session.scalar(select(DeliveryPartner).where(DeliveryPartner.code == "NORTH"))
    north.name = "North Teaching School Hub"
    db.session.commit()
    hub = dfe.add_delivery_partner("North Teaching School Hub", [2024, 2025])
    dfe.add_delivery_partner("north teaching school hub ltd", [2024])
    dfe.add_statement("January", 2027, 2024, "2026-12-25", "2027-01-25")
    dfe.add_statement("December", 2026, 2024, "2026-11-25", "2026-12-25", paid=True)
    assert cli("dfe", "sync").exit_code == 0
    north = db.session.scalar(select(DeliveryPartner).where(DeliveryPartner.code == "NORTH"))
    assert (north.dfe_id, north.dfe_cohorts) == (hub, "2024,2025")
    assert len(db.session.scalars(select(DfeDeliveryPartner)).all()) == 2
    statements = db.session.scalars(select(DfeStatement).order_by(DfeStatement.payment_date)).all()
    assert [(s.month, s.year, s.cohort, s.cut_off_date, s.payment_date, s.paid) for s in statements] == [
        ("December", 2026, 2024, date(2026, 11, 25), date(2026, 12, 25), True),
        ("January", 2027, 2024, date(2026, 12, 25), date(2027, 1, 25), False)]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "delivery_partner")).after


def test_without_dfes_address_the_sync_says_so(cli, monkeypatch):
    monkeypatch.delenv("DFE_API_URL", raising=False)
    result = cli("dfe", "sync")
    assert result.exit_code == 1 and "DFE_API_URL is not set" in result.output
