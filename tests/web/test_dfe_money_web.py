"""Money as DfE sees it, for EDT: DfE's statements by month with the declarations on each, and the overview's
comparison of the declarations the tracker expects with those DfE holds. Partner users never see either."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import event, select

from tracker.declarations.money import comparison
from tracker.engagement.book import Book
from tracker.declarations.produce import produced
from tracker.extensions import db
from tracker.models import DeclarationRecord, Participant
from tracker.models.dfe import DfeStatement

from ..test_examples import example_dataset  # noqa: F401  (fixture)
from .test_uploads import text_of

AS_OF = date(2023, 3, 1)


def record(pk: int, kind: str, state: str, statement: str | None = None) -> None:
    db.session.add(DeclarationRecord(participant_id=pk, declaration_type=kind, declaration_date=date(2022, 12, 1),
                                     course_identifier="npq-leading-teaching", state=state,
                                     updated_at=datetime(2023, 2, 1), current=True, dfe_id=f"dfe-{pk}-{kind}",
                                     statement_id=statement))


@pytest.fixture()
def held_at_dfe(app, example_dataset, monkeypatch):  # noqa: F811
    """On 1 March 2023 DfE holds all but two of NORTH's started declarations (paid on its January statement): one
    was never sent, one DfE voided; and it holds a retained-2 no met output makes."""
    monkeypatch.setitem(app.config, "TODAY", AS_OF.isoformat())
    started = [d for d in produced(AS_OF, partner="NORTH") if d.declaration_type == "started" and not d.blocked]
    assert len(started) >= 3, "the example dataset has changed: pick another partner"
    db.session.add_all([
        DfeStatement(dfe_id="jan-2023", month="January", year=2023, cohort=2022, cut_off_date=date(2022, 12, 31),
                     payment_date=date(2023, 1, 25), paid=True),
        DfeStatement(dfe_id="apr-2023", month="April", year=2023, cohort=2022, cut_off_date=date(2023, 3, 31),
                     payment_date=date(2023, 4, 25), paid=False)])
    for d in started[:-2]:
        record(d.participant_pk, "started", "paid", "jan-2023")
    record(started[-1].participant_pk, "started", "voided")
    record(started[0].participant_pk, "retained-2", "eligible", "apr-2023")
    db.session.commit()
    return {"started": started, "never": started[-2].participant_id, "voided": started[-1].participant_id,
            "extra": started[0].participant_id}


def test_edt_see_what_dfe_holds_against_what_the_tracker_expects(held_at_dfe, as_edt_staff):
    n = len(held_at_dfe["started"])
    words = text_of(as_edt_staff.get("/overview").get_data(as_text=True))
    assert (f"DfE holds {n - 2} of the {n} started declarations NORTH's participants have met; 1 is not yet sent; "
            "1 is voided or not funded at DfE although met.") in words
    assert "DfE holds 1 more to pay that the tracker no longer expects" in words
    assert f"{held_at_dfe['never']} started Met, not yet sent to DfE" in words
    assert f"{held_at_dfe['voided']} started Met, but DfE holds it voided: DfE will not pay it" in words
    assert f"{held_at_dfe['extra']} retained-2 DfE holds it eligible, but no met output makes it now" in words
    differing = len(comparison(AS_OF).differences_of("NORTH"))  # retained-1 declarations are not sent either
    assert differing > 3 and f"{differing} differences between the tracker and DfE for NORTH" in words


def test_the_comparison_narrows_by_cohort_and_course_like_the_overview(held_at_dfe, as_edt_staff):
    everyone = comparison(AS_OF)
    for cohort in (1, 2, 3, 4):
        part = comparison(AS_OF, cohort=cohort)
        assert {(d.participant_id, d.declaration_type) for d in part.differences} <= {
            (d.participant_id, d.declaration_type) for d in everyone.differences}
    assert sum(line.expected for c in (1, 2, 3, 4) for line in comparison(AS_OF, cohort=c).lines) == sum(
        line.expected for line in everyone.lines)
    assert comparison(AS_OF, course="NOPE").lines == []
    words = text_of(as_edt_staff.get("/overview?course=NPQH").get_data(as_text=True))
    assert "Declarations by delivery partner and type, NPQH" in words
    assert "No met output makes a declaration, and DfE holds none for these filters" in text_of(
        as_edt_staff.get("/overview?course=EHCO").get_data(as_text=True))  # no EHCO participant


def test_the_comparison_reads_each_side_once_whatever_the_number_of_partners(held_at_dfe):
    book, statements = Book(), []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        found = comparison(AS_OF, book=book)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert len(found.partners) > 1
    assert len(statements) <= 7, statements  # produce(): outputs, assessments, codes, DfE ids; then DfE's side


def test_dfes_statements_by_month_with_the_declarations_on_each(held_at_dfe, as_edt_staff):
    n = len(held_at_dfe["started"])
    words = text_of(as_edt_staff.get("/dfe/statements").get_data(as_text=True))
    assert words.index("January 2023") < words.index("April 2023")
    assert "Cut-off date 31 December 2022 Payment date 25 January 2023 (paid)" in words
    assert f"Declarations on the January 2023 statement for cohort 2022 ({n - 2}) Declaration How many In DfE's states " \
           f"started {n - 2} {n - 2} paid" in words
    assert "Cohort 2022 Next cut-off" in words and "retained-2 1 1 eligible" in words


def test_a_declaration_names_its_statement_and_a_paid_one_voided_its_refund(held_at_dfe, as_edt_staff):
    first = held_at_dfe["started"][0]
    record = db.session.scalar(select(DeclarationRecord).where(
        DeclarationRecord.participant_id == first.participant_pk, DeclarationRecord.declaration_type == "started"))
    page = text_of(as_edt_staff.get(f"/declarations/{first.participant_id}/started").get_data(as_text=True))
    assert ("DfE's statement January 2023, cohort 2022 (cut-off 31 December 2022, paid on 25 January 2023)"
            in page) and "Refund on DfE's statement" not in page
    record.state, record.clawback_statement_id = "awaiting-clawback", "apr-2023"  # voided at DfE after it was paid
    db.session.commit()
    page = text_of(as_edt_staff.get(f"/declarations/{first.participant_id}/started").get_data(as_text=True))
    assert ("Refund on DfE's statement April 2023, cohort 2022 (cut-off 31 March 2023, to be paid on 25 April 2023)"
            in page)
    words = text_of(as_edt_staff.get("/dfe/statements").get_data(as_text=True))
    assert ("Refunds on the April 2023 statement for cohort 2022: paid declarations voided (1) Declaration How many "
            "In DfE's states started 1 1 awaiting clawback") in words


def test_before_a_sync_the_statements_page_says_how_to_read_them(as_edt_admin):
    assert "The tracker holds none of DfE's statements: sync with DfE to read them." in text_of(
        as_edt_admin.get("/dfe/statements").get_data(as_text=True))
    db.session.add(DeclarationRecord(participant_id=db.session.scalar(select(Participant.id).limit(1)),
                                     declaration_type="started", declaration_date=date(2022, 12, 1),
                                     course_identifier="npq-leading-teaching", state="paid",
                                     updated_at=datetime(2023, 2, 1), current=True, statement_id="unread"))
    db.session.commit()
    assert "1 declaration names a statement the tracker has not read" in text_of(
        as_edt_admin.get("/dfe/statements").get_data(as_text=True))


def test_partner_users_never_see_dfes_statements_or_the_comparison(as_north_lead, as_facilitator):
    for browser in (as_north_lead, as_facilitator):
        assert browser.get("/dfe/statements").status_code == 403
        assert browser.get("/overview").status_code == 403
