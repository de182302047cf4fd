"""DfE's rate limit kept on a clock the test moves; lost answers and DfE's "already submitted"
settled by looking the declaration up at DfE; a refresh that pages without end stopped in words."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date

from sqlalchemy import delete, func, select

from bench.dfe_stand_in import ALREADY_SUBMITTED
from tracker.declarations.dfe import Pacer, Pacing
from tracker.declarations.listing import SENDING
from tracker.declarations.lost import matching
from tracker.extensions import db
from tracker.models import AuditEvent, DeclarationEvent, DeclarationRecord, Job

from ..test_cli import AS_OF, examples  # noqa: F401  (fixtures)
from .stand_in import dfe  # noqa: F401  (fixture)
from ..factories import dfe_id, ref_of
from .test_dfe_api import state_of, to_send


class FakeTime:
    def __init__(self, at: float):
        self.at, self.slept = at, []

    def __call__(self) -> float:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.at += seconds


def test_the_pacer_makes_at_most_the_limit_in_each_window_of_unix_time():
    clock = FakeTime(1005.0)  # halfway through the window [1000, 1010)
    pacer = Pacer(Pacing(limit=3, window=10), clock=clock, sleep=clock.sleep)
    windows = Counter()
    for _ in range(8):
        pacer.turn()
        windows[int(clock() // 10)] += 1
        clock.at += 0.5
    assert windows == {100: 3, 101: 3, 102: 2}
    assert clock.slept == [3.5, 8.5]  # to 1010 and to 1020, the windows' starts


def test_after_a_429_nothing_goes_until_the_next_window_and_an_earlier_runs_requests_count():
    clock = FakeTime(2001.0)
    pacer = Pacer(Pacing(limit=100, window=300), clock=clock, sleep=clock.sleep, used=99)
    pacer.turn()  # the 100th of the window, made at once
    assert clock.slept == []
    pacer.throttled()
    pacer.turn()
    assert clock() == 2100.0 and clock.slept == [99.0]  # 2100 = 7 x 300


def test_dfes_record_of_a_declaration_is_the_live_one_of_its_course_and_type_on_its_date_first():
    def item(i, state, date_="2024-02-01", course="npq-headship", kind="started"):
        return {"id": i, "attributes": {"state": state, "declaration_date": f"{date_}T00:00:00Z",
                                        "course_identifier": course, "declaration_type": kind}}

    on = date(2024, 2, 1)
    items = [item("voided", "voided"), item("other-course", "submitted", course="npq-senior-leadership"),
             item("other-type", "paid", kind="retained-1"), item("other-day", "eligible", date_="2024-02-03"),
             item("same-day", "payable")]
    assert matching(items, "npq-headship", "started", on)["id"] == "same-day"
    assert matching(items[:4], "npq-headship", "started", on)["id"] == "other-day"
    assert matching(items[:3], "npq-headship", "started", on) is None


def forget(dfe_id: str) -> DeclarationRecord:
    """The tracker's record of DfE's declaration, removed with its history; the record as it was."""
    record = db.session.scalar(select(DeclarationRecord).where(DeclarationRecord.dfe_id == dfe_id))
    db.session.expunge(record)
    db.session.execute(delete(DeclarationEvent).where(DeclarationEvent.declaration_id == record.id))
    db.session.execute(delete(DeclarationRecord).where(DeclarationRecord.id == record.id))
    db.session.commit()
    return record


def test_a_post_whose_answer_is_lost_is_looked_up_and_dfes_record_adopted(examples, dfe):  # noqa: F811
    first = to_send(examples)[0]
    dfe.lose = 1  # DfE stores the first, and a proxy answers 502
    result = examples("declarations", "submit", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    lookup = dfe.received[1]
    assert (lookup["method"], lookup["query"]) == ("GET", {"filter[participant_id]": dfe_id(first[0])})
    state, held, _ = state_of(*first)
    assert state == "submitted" and dfe.declarations[held]["attributes"]["participant_id"] == dfe_id(first[0])
    assert f"{first[0]} {first[1]}: sent: submitted, DfE id {held} (found at DfE after its answer was lost)" in result.stdout
    assert set(dfe.posts().values()) == {1}


def test_a_declaration_left_being_sent_is_looked_up_before_anything_is_sent_again(examples, dfe):  # noqa: F811
    examples("declarations", "submit", "--as-of", AS_OF, "--partner", "NORTH")
    (held, kind), (gone, kind2) = dfe.posted()[:2]
    for ref, kind_ in ((held, kind), (gone, kind2)):  # as a worker killed mid-POST leaves them
        record = forget(state_of(ref, kind_)[1])
        db.session.add(DeclarationRecord(participant_id=record.participant_id, declaration_type=kind_,
                                         declaration_date=record.declaration_date, state=SENDING, current=True,
                                         course_identifier=record.course_identifier, updated_at=record.updated_at,
                                         note="", sent_as=ref))
    db.session.commit()
    lost_id = next(i for i, d in dfe.declarations.items()
                   if (d["attributes"]["participant_id"], d["attributes"]["declaration_type"]) == (gone, kind2))
    del dfe.declarations[lost_id]  # this one never reached DfE
    dfe.received.clear()
    result = examples("declarations", "submit", "--as-of", AS_OF, "--partner", "NORTH")
    assert result.exit_code == 0, result.output
    assert [(r["method"], r["query"].get("filter[participant_id]")) for r in dfe.received[:2]] == [
        ("GET", held), ("GET", gone)]
    assert [r for r in dfe.received if r["method"] == "POST"] == [dfe.received[2]]  # only the one DfE lacks
    assert dfe.posted() == [(gone, kind2)]
    assert state_of(held, kind)[0] == "submitted" and state_of(held, kind)[1] in dfe.declarations
    assert state_of(gone, kind2)[0] == "submitted"
    assert f"{ref_of(held)} {kind}: sent: submitted" in result.stdout and "found at DfE" in result.stdout


def test_dfes_already_submitted_is_looked_up_and_adopted(examples, dfe):  # noqa: F811
    examples("declarations", "submit", "--as-of", AS_OF, "--partner", "SOUTH")
    ref, kind = dfe.posted()[0]
    dfe_id = state_of(ref, kind)[1]
    forget(dfe_id)  # the tracker forgot it; DfE did not
    dfe.received.clear()
    result = examples("declarations", "submit", "--as-of", AS_OF, "--partner", "SOUTH")
    assert result.exit_code == 0, result.output
    assert [r["status"] for r in dfe.received] == [422, 200]
    assert ALREADY_SUBMITTED in json.dumps(db.session.scalars(select(AuditEvent.after)).all())
    assert state_of(ref, kind)[:2] == ("submitted", dfe_id)


def test_a_refresh_that_pages_without_end_stops_at_its_bound_and_says_why(examples, dfe, monkeypatch):  # noqa: F811
    monkeypatch.setattr("tracker.declarations.refresh.PER_PAGE", 5)
    monkeypatch.setattr("tracker.declarations.refresh.MOST_PAGES", 4)
    dfe.endless = True
    result = examples("declarations", "refresh")
    assert result.exit_code == 1
    assert "DfE's list of declarations ran past 4 pages of 5, more than it could hold: the refresh stopped there " \
           "(read 20, changed 0, unknown 20)" in result.stderr
    assert len(dfe.received) == 4
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "dfe-api")) == 4
    job = db.session.scalar(select(Job))
    assert job.state == "failed" and "ran past 4 pages" in job.error


def test_a_refresh_whose_pages_repeat_stops_and_says_why(examples, dfe, monkeypatch):  # noqa: F811
    monkeypatch.setattr("tracker.declarations.refresh.PER_PAGE", 2)
    examples("declarations", "submit", "--as-of", AS_OF, "--partner", "SOUTH")
    monkeypatch.setattr(dfe, "listed", lambda args: (200, {"data": [dfe.one(i)["data"] for i in list(dfe.declarations)[:2]]}, {}))
    result = examples("declarations", "refresh")
    assert result.exit_code == 1
    assert "DfE answered page 2 with the same declarations as page 1: its paging does not move on" in result.stderr
