"""To send means to send: once DfE holds a declaration it is never offered again, unless EDT
reopens a voided one; declarations DfE would refuse are reported and never written."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import DeclarationEvent, DeclarationRecord, Participant, WithdrawalRequest

from ..factories import dfe_id, ref_of
from ..test_cli import AS_OF, examples  # noqa: F401  (fixtures)

HEADER = "participant_id,declaration_type,state,declaration_id,note"


def sent(cli) -> list[tuple[str, str]]:  # noqa: F811
    result = cli("declarations", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    return [(ref_of(a["participant_id"]), a["declaration_type"])
            for a in (json.loads(line)["data"]["attributes"] for line in result.stdout.splitlines())]


def states_file(tmp_path, *lines: str, name="states.csv"):
    path = tmp_path / name
    path.write_text("\n".join((HEADER,) + lines) + "\n", encoding="utf-8")
    return path


def test_a_declaration_recorded_in_any_state_is_no_longer_to_send(examples, tmp_path):  # noqa: F811
    before = sent(examples)
    (ref, kind), (ref2, kind2) = before[0], before[1]
    result = examples("import", "declaration-states",
                      states_file(tmp_path, f"{ref},{kind},paid,dfe-1,", f"{ref2},{kind2},voided,dfe-2,sent twice"))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "read 2, created 2, updated 0, unchanged 0"
    assert sent(examples) == before[2:]


def test_the_states_written_import_back_unchanged(examples, tmp_path):  # noqa: F811
    keys = sent(examples)[:3]
    examples("import", "declaration-states", states_file(
        tmp_path, f"{keys[0][0]},{keys[0][1]},submitted,,", f"{keys[1][0]},{keys[1][1]},eligible,abc-2,first",
        f"{keys[2][0]},{keys[2][1]},paid,abc-3,"))
    written = examples("declarations", "states")
    assert written.exit_code == 0, written.output
    lines = written.stdout.splitlines()
    assert lines[0] == HEADER and len(lines) == 4
    assert f"{keys[1][0]},{keys[1][1]},eligible,abc-2,first" in lines
    path = tmp_path / "again.csv"
    path.write_text(written.stdout, encoding="utf-8")
    again = examples("import", "declaration-states", path)
    assert again.exit_code == 0, again.output
    assert again.stdout.strip() == "read 3, created 0, updated 0, unchanged 3"
    assert examples("declarations", "states").stdout == written.stdout


def test_the_states_of_one_partner(examples, tmp_path):  # noqa: F811
    north = {r for (r,) in db.session.execute(select(Participant.participant_id).join(Participant.partner)
                                               .where(Participant.partner.has(code="NORTH")))}
    keys = sent(examples)
    mine = next(k for k in keys if k[0] in north)
    other = next(k for k in keys if k[0] not in north)
    examples("import", "declaration-states", states_file(tmp_path, f"{mine[0]},{mine[1]},paid,,",
                                                         f"{other[0]},{other[1]},paid,,"))
    lines = examples("declarations", "states", "--partner", "north").stdout.splitlines()
    assert lines == [HEADER, f"{mine[0]},{mine[1]},paid,,"]


def test_a_transition_dfe_does_not_allow_is_a_bad_row_and_nothing_is_written(examples, tmp_path):  # noqa: F811
    (ref, kind), (ref2, kind2) = sent(examples)[:2]
    examples("import", "declaration-states", states_file(tmp_path, f"{ref},{kind},paid,,"))
    result = examples("import", "declaration-states",
                      states_file(tmp_path, f"{ref2},{kind2},eligible,,", f"{ref},{kind},submitted,,", name="b.csv"))
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"row 3: state: {ref}'s {kind} declaration is paid: a declaration cannot go "
                                     "from paid to submitted: DfE's next state after paid is awaiting-clawback")
    assert db.session.scalar(select(func.count()).select_from(DeclarationRecord)) == 1


def test_a_dry_run_counts_and_writes_nothing(examples, tmp_path):  # noqa: F811
    (ref, kind), = sent(examples)[:1]
    result = examples("import", "declaration-states", states_file(tmp_path, f"{ref},{kind},paid,,"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "dry run: read 1, created 1, updated 0, unchanged 0"
    assert db.session.scalar(select(func.count()).select_from(DeclarationRecord)) == 0


def test_a_voided_declaration_is_offered_again_only_once_reopened(app, examples, tmp_path):  # noqa: F811
    from tracker.declarations.states import current_record, reopen

    (ref, kind), = sent(examples)[:1]
    examples("import", "declaration-states", states_file(tmp_path, f"{ref},{kind},voided,dfe-9,"))
    assert (ref, kind) not in sent(examples)
    pk = db.session.scalar(select(Participant.id).where(Participant.participant_id == ref))
    reopen(current_record(pk, kind), "staff@edt.example", "sent in error")
    db.session.commit()
    assert (ref, kind) in sent(examples)
    result = examples("import", "declaration-states", states_file(tmp_path, f"{ref},{kind},submitted,dfe-10,",
                                                                  name="new.csv"))
    assert result.exit_code == 0, result.output
    records = db.session.execute(select(DeclarationRecord.state, DeclarationRecord.current, DeclarationRecord.dfe_id)
                                 .order_by(DeclarationRecord.id)).all()
    assert [tuple(r) for r in records] == [("voided", None, "dfe-9"), ("submitted", True, "dfe-10")]
    assert (ref, kind) not in sent(examples)
    assert db.session.scalar(select(func.count()).select_from(DeclarationEvent)) == 2


def test_declarations_dfe_would_refuse_are_reported_on_stderr_and_not_written(examples):  # noqa: F811
    keys = sent(examples)
    ref, kind = next(k for k in keys if k[1] == "retained-1")
    pk = db.session.scalar(select(Participant.id).where(Participant.participant_id == ref))
    started_on = next(json.loads(line)["data"]["attributes"]["declaration_date"][:10]
                      for line in examples("declarations", "--as-of", AS_OF).stdout.splitlines()
                      if f'"{dfe_id(ref)}"' in line and '"started"' in line)
    db.session.add(WithdrawalRequest(participant_id=pk, proposed_on=date.fromisoformat(started_on), reason="other",
                                     proposed_by="lead@north.example", state="confirmed"))
    db.session.commit()
    result = examples("declarations", "--as-of", AS_OF)
    assert result.exit_code == 0
    assert (ref, kind) not in sent(examples) and (ref, "started") in sent(examples)
    assert f"{ref} retained-1: the declaration date " in result.stderr
    assert f"is after the withdrawal on {started_on}" in result.stderr


def test_a_declaration_states_file_may_name_the_participant_by_dfes_participant_id(examples, tmp_path):  # noqa: F811
    (ref, kind), = sent(examples)[:1]
    result = examples("import", "declaration-states", states_file(tmp_path, f"{dfe_id(ref).upper()},{kind},paid,,"))
    assert result.exit_code == 0, result.output
    assert (ref, kind) not in sent(examples)


def test_the_group_takes_its_options_before_a_subcommand_too(examples, tmp_path):  # noqa: F811
    (ref, kind), = sent(examples)[:1]
    examples("import", "declaration-states", states_file(tmp_path, f"{ref},{kind},paid,,"))
    assert examples("declarations", "--partner", "NORTH", "states").stdout == \
        examples("declarations", "states", "--partner", "NORTH").stdout
