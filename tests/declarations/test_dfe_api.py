"""`flask declarations submit|refresh|void` against a stand-in of DfE's API over real HTTP on loopback."""
from __future__ import annotations

import json
import threading
from datetime import date

import pytest
from sqlalchemy import func, select, text

from tracker.declarations.dfe import DfeApi
from tracker.declarations.submit import SENT, SKIPPED, pending, submit
from tracker.extensions import db
from tracker.models import AuditEvent, DeclarationRecord, Participant

from ..test_cli import AS_OF, examples  # noqa: F401  (fixtures)
from bench.dfe_stand_in import TOKEN

from ..factories import dfe_id as dfe_id_of, ref_of
from .stand_in import dfe  # noqa: F401  (fixture)


def to_send(cli) -> list[tuple[str, str]]:  # noqa: F811
    """(the tracker's participant_id, type) of each declaration to send."""
    result = cli("declarations", "--as-of", AS_OF)
    return [(ref_of(a["participant_id"]), a["declaration_type"])
            for a in (json.loads(line)["data"]["attributes"] for line in result.stdout.splitlines())]


def posted(dfe) -> list[tuple[str, str]]:  # noqa: F811
    """(the tracker's participant_id, type) of each POST DfE stored."""
    return [(ref_of(p), kind) for p, kind in dfe.posted()]


def state_of(ref: str, kind: str):
    """The current record of the declaration; `ref` the tracker's participant_id or the DfE participant id."""
    return db.session.execute(
        select(DeclarationRecord.state, DeclarationRecord.dfe_id, DeclarationRecord.errors)
        .join(Participant, Participant.id == DeclarationRecord.participant_id)
        .where((Participant.participant_id == ref) | (Participant.dfe_participant_id == ref),
               DeclarationRecord.declaration_type == kind,
               DeclarationRecord.current.is_(True))).first()


def nothing_holds_the_token(*outputs: str) -> None:
    for output in outputs:
        assert TOKEN not in output
    for (table,) in db.session.execute(text("SELECT name FROM sqlite_master WHERE type='table'")
                                       if db.engine.dialect.name == "sqlite" else
                                       text("SELECT tablename FROM pg_tables WHERE schemaname='public'")):
        for row in db.session.execute(text(f'SELECT * FROM "{table}"')):
            assert TOKEN not in " ".join(str(v) for v in row), f"the token is stored in {table}"


def test_submit_sends_each_declaration_to_send_once_and_stores_dfes_id_and_state(examples, dfe):  # noqa: F811
    expected = examples("declarations", "--as-of", AS_OF).stdout
    result = examples("declarations", "submit", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    posts = [r for r in dfe.received if r["method"] == "POST"]
    assert "".join(json.dumps(r["body"], separators=(", ", ": ")) + "\n" for r in posts) == expected
    assert {r["authorization"] for r in posts} == {f"Bearer {TOKEN}"}
    ref, kind = posted(dfe)[0]
    state, dfe_id, _ = state_of(ref, kind)
    assert state == "submitted" and dfe.declarations[dfe_id]["attributes"]["participant_id"] == dfe_id_of(ref)
    assert f"{ref} {kind}: sent: submitted, DfE id {dfe_id}" in result.stdout
    assert result.stdout.strip().endswith(f"sent {len(posts)}, refused 0, not sent 0, skipped 0")
    assert to_send(examples) == []
    again = examples("declarations", "submit", "--as-of", AS_OF)
    assert again.exit_code == 0 and len([r for r in dfe.received if r["method"] == "POST"]) == len(posts)
    audited = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "dfe-api"))
    assert audited == len(dfe.received)
    nothing_holds_the_token(result.output, again.output)


def test_a_422_is_shown_kept_with_the_declaration_and_it_stays_to_send(examples, dfe):  # noqa: F811
    ref, kind = to_send(examples)[0]
    dfe.refuse[(dfe_id_of(ref), kind)] = ["The property '#/participant_id' must be a valid Participant ID"]
    result = examples("declarations", "submit", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert f"{ref} {kind}: refused: The property '#/participant_id' must be a valid Participant ID" in result.stderr
    assert state_of(ref, kind)[0] == "refused"
    assert "must be a valid Participant ID" in state_of(ref, kind)[2]
    assert to_send(examples) == [(ref, kind)]
    del dfe.refuse[(dfe_id_of(ref), kind)]
    result = examples("declarations", "submit", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert state_of(ref, kind)[0] == "submitted" and state_of(ref, kind)[2] is None
    assert posted(dfe).count((ref, kind)) == 1


def test_a_429_waits_for_the_next_rate_window_then_sends(examples, dfe, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DFE_RATE_WINDOW_SECONDS", "0.2")
    first = to_send(examples)[0]
    dfe.busy = 3
    result = examples("declarations", "submit", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert [r["status"] for r in dfe.received[:4]] == [429, 429, 429, 200]
    assert state_of(*first)[0] == "submitted"


def test_429s_through_four_windows_stop_the_run_and_what_was_not_sent_stays_to_send(examples, dfe, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DFE_RATE_WINDOW_SECONDS", "0.2")
    first, second = to_send(examples)[:2]
    dfe.busy = 4
    result = examples("declarations", "submit", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert (f"{first[0]} {first[1]}: not sent: DfE answered 429 (too many requests) 4 times in a row, each after "
            "waiting for its next rate window: nothing more was sent") in result.stderr
    assert f"{second[0]} {second[1]}: not sent: the run stopped: DfE answered 429" in result.stderr
    assert len(dfe.received) == 4  # nothing more was sent while DfE throttled
    assert state_of(*first) is None and state_of(*second) is None
    assert first in to_send(examples) and second in to_send(examples)


def test_a_401_stops_the_run_at_once_and_stores_nothing(examples, dfe):  # noqa: F811
    dfe.unauthorized = True
    before = to_send(examples)
    result = examples("declarations", "submit", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert len(dfe.received) == 1
    assert "DfE's API refused the token (401)" in result.stderr
    assert db.session.scalar(select(func.count()).select_from(DeclarationRecord)) == 0
    assert to_send(examples) == before
    nothing_holds_the_token(result.output)


def test_a_missing_token_is_an_error_naming_the_variable(examples, dfe, monkeypatch):  # noqa: F811
    monkeypatch.delenv("DFE_API_TOKEN")
    result = examples("declarations", "submit", "--as-of", AS_OF)
    assert result.exit_code == 1 and "DFE_API_TOKEN is not set" in result.stderr
    assert dfe.received == []


def test_the_server_date_header_is_sent_when_set(examples, dfe, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DFE_SERVER_DATE", "2023-03-01")
    examples("declarations", "submit", "--as-of", AS_OF, "--partner", "SOUTH")
    assert dfe.received and {r["server_date"] for r in dfe.received} == {"2023-03-01"}


def test_refresh_reads_every_page_then_only_changes_since_a_little_before_the_last(examples, dfe, monkeypatch):  # noqa: F811
    monkeypatch.setattr("tracker.declarations.refresh.PER_PAGE", 10)
    examples("declarations", "submit", "--as-of", AS_OF)
    sent = len(dfe.declarations)
    dfe_id = next(iter(dfe.declarations))
    dfe.set_state(dfe_id, "eligible")
    dfe.received.clear()
    result = examples("declarations", "refresh")
    assert result.exit_code == 0, result.output
    gets = [r["query"] for r in dfe.received]
    assert all("filter[updated_since]" not in q for q in gets)
    assert [q["page[page]"] for q in gets] == [str(n) for n in range(1, len(gets) + 1)]
    assert len(gets) == sent // 10 + 1  # every page, up to the first with fewer than 10
    assert result.stdout.strip() == f"read {sent}, changed 1, unknown 0"
    record = db.session.scalar(select(DeclarationRecord).where(DeclarationRecord.dfe_id == dfe_id))
    assert record.state == "eligible"
    change = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "declaration-state",
                                                         AuditEvent.entity_id == str(record.id))
                                .order_by(AuditEvent.id)).all()[-1]
    assert json.loads(change.before) == {"state": "submitted"} and json.loads(change.after)["state"] == "eligible"
    dfe.set_state(dfe_id, "payable")
    dfe.received.clear()
    again = examples("declarations", "refresh")
    assert again.stdout.strip() == f"read {sent}, changed 1, unknown 0"  # all were updated in the overlap
    assert all("filter[updated_since]" in r["query"] for r in dfe.received)
    assert state_of(*next((a["participant_id"], a["declaration_type"]) for a in [dfe.declarations[dfe_id]["attributes"]]))[0] == "payable"


def statements_of(ref: str, kind: str) -> tuple[str | None, str | None]:
    """The statements DfE named for the declaration: its payment's and its refund's."""
    return tuple(db.session.execute(
        select(DeclarationRecord.statement_id, DeclarationRecord.clawback_statement_id)
        .join(Participant, Participant.id == DeclarationRecord.participant_id)
        .where(Participant.participant_id == ref, DeclarationRecord.declaration_type == kind,
               DeclarationRecord.current.is_(True))).one())


def test_void_stores_the_state_dfe_returns(examples, dfe):  # noqa: F811
    examples("declarations", "submit", "--as-of", AS_OF, "--partner", "NORTH")
    (ref, kind), (ref2, kind2) = posted(dfe)[:2]
    result = examples("declarations", "void", ref, kind)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{ref} {kind}: voided"
    assert state_of(ref, kind)[0] == "voided"
    assert dfe.received[-1]["method"] == "PUT" and dfe.received[-1]["path"].endswith(f"/{state_of(ref, kind)[1]}/void")
    january = dfe.add_statement("January", 2027, 2022, "2026-12-31", "2027-01-25")
    dfe.set_state(state_of(ref2, kind2)[1], "paid")
    examples("declarations", "refresh")
    assert statements_of(ref2, kind2) == (january, None)  # DfE put it on its next statement
    february = dfe.add_statement("February", 2027, 2022, "2027-01-31", "2027-02-25")
    dfe.statements[0]["attributes"]["paid"] = True
    assert examples("declarations", "void", ref2, kind2).stdout.strip() == f"{ref2} {kind2}: awaiting-clawback"
    assert statements_of(ref2, kind2) == (january, february)  # the refund goes on the next one
    again = examples("declarations", "void", ref, kind)
    assert again.exit_code == 1 and "DfE refused to void it (422): This declaration has already been voided." in again.stderr


def test_void_of_a_declaration_without_a_dfe_id_is_refused(examples, dfe, tmp_path):  # noqa: F811
    ref, kind = to_send(examples)[0]
    path = tmp_path / "s.csv"
    path.write_text(f"participant_id,declaration_type,state\n{ref},{kind},submitted\n", encoding="utf-8")
    examples("import", "declaration-states", path)
    result = examples("declarations", "void", ref, kind)
    assert result.exit_code == 1 and "has no DfE id recorded" in result.stderr and dfe.received == []


def test_two_submits_at_the_same_moment_never_send_one_declaration_twice(app, examples, dfe):  # noqa: F811
    everything = to_send(examples)
    dfe.delay = 0.02
    start = threading.Barrier(2)
    outcomes = []

    def run():
        with app.app_context():
            found = pending(date.fromisoformat(AS_OF), date.today())
            start.wait()
            with DfeApi(dfe.url, TOKEN, actor="run") as api:
                outcomes.append(submit(api, found, "run")[0])
            db.session.remove()

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()
    assert sorted(posted(dfe)) == sorted(everything), "a declaration was sent twice, or not at all"
    first, second = ({(o.participant_id, o.declaration_type) for o in found if o.result == SENT} for found in outcomes)
    assert not first & second and first | second == set(everything)
    assert all(o.result in (SENT, SKIPPED) for found in outcomes for o in found)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(DeclarationRecord)) == len(everything)


def test_the_nightly_refresh_starts_at_half_past_two_unless_a_dfe_job_is_under_way(examples, dfe, monkeypatch):  # noqa: F811
    from datetime import datetime

    from tracker.jobs.runner import refresh_from_dfe_nightly
    from tracker.models import Job

    assert refresh_from_dfe_nightly.task_class().validate_datetime(datetime(2026, 11, 25, 2, 30))
    assert not refresh_from_dfe_nightly.task_class().validate_datetime(datetime(2026, 11, 25, 3, 30))
    refresh_from_dfe_nightly.call_local()
    job = db.session.scalar(select(Job))
    assert (job.kind, job.started_by, job.state, job.partner_id) == ("declarations-from-dfe", "nightly refresh", "done", None)
    db.session.execute(text("UPDATE job SET state = 'running'"))
    db.session.commit()
    refresh_from_dfe_nightly.call_local()
    monkeypatch.delenv("DFE_API_URL")
    db.session.execute(text("UPDATE job SET state = 'done'"))
    db.session.commit()
    refresh_from_dfe_nightly.call_local()  # not configured: nothing to start
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1
