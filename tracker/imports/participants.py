"""The participants file: creates or updates participants (and unknown delivery partners)."""
from __future__ import annotations

import re
import uuid

from sqlalchemy import delete, insert, select, update

from ..exports import records as exports
from ..extensions import db
from ..models import CreditRecord, DeliveryPartner, OtherEmail, Participant, RegisterEntry, VideoViewRecord
from ..models.people import email_key, participant_id_in, participant_key
from ..rules.dfe_schedules import FIRST_COHORT, cohort_of_start, schedule_problem
from ..rules.facts import ACTIVE, PARTICIPANT_STATUSES
from . import fields
from .base import Importer, RowError, parsed
from .kinds import EDT_ONLY, register

PARTNER_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
VALUES = ("full_name", "email", "partner", "course_id", "cohort", "school_contract_signed",
          "sponsorship_agreement_signed", "school_contract_signed_on", "sponsorship_agreement_signed_on", "status", "other_emails",
          "dfe_participant_id", "schedule_identifier", "dfe_cohort")
EMAIL, STATUS, OTHERS = (VALUES.index(name) for name in ("email", "status", "other_emails"))
DFE = VALUES.index("dfe_participant_id")  # DfE's participant id, schedule and cohort: the last three
COURSE = VALUES.index("course_id")
CHUNK = 5000


@register("participants", "Participants", uploaded_by=EDT_ONLY, export=exports.PARTICIPANTS)
class ParticipantsImporter(Importer):
    required = ("participant_id", "full_name", "email", "delivery_partner", "course", "cohort",
                "school_contract_signed", "sponsorship_agreement_signed")
    optional = ("status", "other_emails", "dfe_participant_id", "schedule_identifier", "dfe_cohort")
    key_columns = ("participant_id",)
    value_columns = VALUES
    stored_text = {"participant_id": Participant.participant_id, "full_name": Participant.full_name,
                   "email": Participant.email, "delivery_partner": DeliveryPartner.code}

    def parse(self, row):
        ref = fields.text(row["participant_id"])
        if not ref:
            raise RowError("participant_id", "a participant_id is required")
        name = fields.text(row["full_name"])
        if not name:
            raise RowError("full_name", "a name is required")
        try:
            email = fields.an_email(row["email"])
        except ValueError as error:
            raise RowError("email", str(error)) from None
        partner = fields.text(row["delivery_partner"]).upper()
        if not PARTNER_CODE.fullmatch(partner):
            raise RowError("delivery_partner", f"'{partner}' is not a partner code (letters, digits, - and _)")
        code = fields.text(row["course"]).upper()
        facts = self.context.book.by_code.get(code)
        if facts is None:
            raise RowError("course", f"'{code}' is not one of {', '.join(sorted(self.context.book.by_code))}")
        cohort = parsed("cohort", fields.a_whole_number, row["cohort"])
        if cohort not in facts.course.cohort_numbers:
            offered = " ".join(map(str, facts.course.cohort_numbers))
            raise RowError("cohort", f"{code} is not offered in cohort {cohort} (offered in cohorts {offered})")
        flags = []
        for column in ("school_contract_signed", "sponsorship_agreement_signed"):
            flags.append(parsed(column, fields.signed, row[column], self.context.dates))
            if flags[-1][1] is not None and flags[-1][1] > self.context.today:
                raise RowError(column, f"{flags[-1][1].isoformat()} is in the future")
        # A blank status keeps an existing participant's (a deferral recorded in the browser must
        # survive a re-import of the list); a new participant starts active.
        status = fields.text(row.get("status", "")).lower() or None
        if status is not None and status not in PARTICIPANT_STATUSES:
            raise RowError("status", f"'{status}' is not one of {', '.join(PARTICIPANT_STATUSES)}")
        # Blank other_emails keeps those recorded, as a blank status does.
        others = None
        if fields.text(row.get("other_emails", "")):
            try:
                others = _others(email, fields.some_emails(row["other_emails"]))
            except ValueError as error:
                raise RowError("other_emails", str(error)) from None
        self.rows[ref] = self.row_number
        return (ref,), (name, email, partner, facts.course.id, cohort, flags[0][0], flags[1][0], flags[0][1], flags[1][1],
                        status, others, *self.at_dfe(row, facts.course.course_group, cohort))

    def at_dfe(self, row, group: str, cohort: int) -> tuple:
        """DfE's participant id, schedule and cohort year; each None when blank (blank keeps what is recorded)."""
        dfe_id = fields.text(row.get("dfe_participant_id", "")) or None
        if dfe_id is not None:
            try:
                dfe_id = str(uuid.UUID(dfe_id))
            except ValueError:
                raise RowError("dfe_participant_id", f"'{dfe_id}' is not a DfE participant id (a UUID, such as "
                                                     "7e5bcd9e-2a4f-4b8e-9f1c-0d3b6a2e8c41)") from None
        dfe_cohort = None
        if fields.text(row.get("dfe_cohort", "")):
            dfe_cohort = parsed("dfe_cohort", fields.a_whole_number, row["dfe_cohort"])
            latest = self.context.today.year + 1
            if not FIRST_COHORT <= dfe_cohort <= latest:
                raise RowError("dfe_cohort", f"{dfe_cohort} is not a DfE cohort year ({FIRST_COHORT} to {latest})")
        schedule = fields.text(row.get("schedule_identifier", "")).lower() or None
        if schedule is not None:
            start = self.context.book.cohort_starts.get(cohort)
            in_cohort = dfe_cohort if dfe_cohort is not None else (cohort_of_start(start) if start else None)
            problem = schedule_problem(schedule, in_cohort, group)
            if problem:
                raise RowError("schedule_identifier", problem)
        return dfe_id, schedule, dfe_cohort

    def __init__(self, context):
        super().__init__(context)
        self.rows: dict[str, int] = {}  # participant_id -> its row in the file

    def participant_of(self, key):
        return key[0]

    def named(self, row) -> str:
        return " ".join(part for part in (fields.text(row.get("participant_id") or ""), fields.text(row.get("full_name") or "")) if part)

    def apply(self, records, result, dry_run):
        refs = [key[0] for key in records]
        first_of: dict[str, str] = {}
        for ref in refs:
            first = first_of.setdefault(participant_key(ref), ref)
            if first != ref:
                result.errors.append(f"row {self.rows[ref]}: participant_id: '{ref}' is the same participant as "
                                     f"'{first}' on row {self.rows[first]} (IDs match ignoring case)")
        if result.errors:
            return
        partners = {code: pid for code, pid in db.session.execute(select(DeliveryPartner.code, DeliveryPartner.id))}
        codes = {pid: code for code, pid in partners.items()}
        stored, by_key = {}, {}
        for start in range(0, len(refs), 5000):
            query = select(
                Participant.participant_id, Participant.id, Participant.full_name, Participant.email,
                Participant.partner_id, Participant.course_id, Participant.cohort,
                Participant.school_contract_signed, Participant.sponsorship_agreement_signed,
                Participant.school_contract_signed_on, Participant.sponsorship_agreement_signed_on, Participant.status,
                Participant.dfe_participant_id, Participant.dfe_schedule_identifier, Participant.dfe_cohort,
            ).where(participant_id_in(refs[start : start + 5000]))
            for row in db.session.execute(query):
                by_key[participant_key(row[0])] = (row[0], (row[1], (row[2], row[3], codes[row[4]], *row[5:12])
                                                                     + (tuple(row[12:]),)))
        others = _stored_others([pk for _, (pk, _) in by_key.values()])
        for key, (ref, (pk, values)) in by_key.items():  # other emails in their place, before DfE's three
            by_key[key] = (ref, (pk, values[:OTHERS] + (_others(values[EMAIL], others.get(pk, ())),) + values[OTHERS]))
        stored_ids = {}  # a row for a stored participant updates it under its stored ID, whatever the case in the file
        for ref in refs:
            if participant_key(ref) in by_key:
                stored_ids[ref], stored[ref] = by_key[participant_key(ref)]
        moves = [ref for (ref,), values in records.items() if ref in stored and stored[ref][1][3] != values[3]]
        with_evidence = _with_evidence([stored[ref][0] for ref in moves])
        for ref in moves:
            if stored[ref][0] in with_evidence:
                result.errors.append(f"row {self.rows[ref]}: course: participant {ref} has evidence recorded, "
                                     "so cannot change course")
        if result.errors:
            return
        final = {ref: _completed(values, stored[ref][1] if ref in stored else None) for (ref,), values in records.items()}
        self.refuse_shared_dfe_ids(final, result)
        self.refuse_shared_addresses(final, result)
        if result.errors:
            return
        creates, updates = [], []
        for ref, values in final.items():
            if ref not in stored:
                creates.append((ref, values))
            elif stored[ref][1] != values:
                updates.append((stored[ref][0], stored_ids[ref], stored[ref][1], values))
            else:
                result.unchanged += 1
        result.created += len(creates)
        result.updated += len(updates)
        for pk, ref, before, after in updates:
            result.changes.append(("participant", pk, _audited(before), _audited(after)))
        if dry_run:
            return
        for code in sorted({values[2] for _, values in creates} | {v[2] for _, _, _, v in updates}):
            if code not in partners:
                partners[code] = db.session.execute(
                    insert(DeliveryPartner).values(code=code, name=code).returning(DeliveryPartner.id)
                ).scalar_one()
        for start in range(0, len(creates), 5000):
            db.session.execute(
                insert(Participant),
                [_columns(ref, values, partners) for ref, values in creates[start : start + 5000]],
            )
        for pk, ref, _, values in updates:
            db.session.execute(update(Participant).where(Participant.id == pk).values(_columns(ref, values, partners)))
        new_refs = [ref for ref, _ in creates]
        new_pks = {}
        for start in range(0, len(new_refs), 5000):
            new_pks.update(db.session.execute(
                select(Participant.participant_id, Participant.id)
                .where(Participant.participant_id.in_(new_refs[start : start + 5000]))
            ).all())
        result.touched.update(new_pks.values())
        result.touched.update(pk for pk, _, before, after in updates if before[3:5] != after[3:5])
        _write_others([(new_pks[ref], values[OTHERS]) for ref, values in creates if values[OTHERS]]
                      + [(pk, after[OTHERS]) for pk, _, before, after in updates if before[OTHERS] != after[OTHERS]])

    def refuse_shared_dfe_ids(self, final: dict[str, tuple], result) -> None:
        """One DfE enrolment is one tracker participant: a DfE participant id may name two participants
        only on two courses (in the file, or one in the file and one stored)."""
        wanted = {values[DFE] for values in final.values() if values[DFE]}
        if not wanted:
            return
        holders: dict[tuple[str, int], list[str]] = {}
        for ref, values in final.items():
            if values[DFE]:
                holders.setdefault((values[DFE], values[COURSE]), []).append(ref)
        in_file = {participant_key(ref) for ref in final}
        for chunk in (sorted(wanted)[i : i + CHUNK] for i in range(0, len(wanted), CHUNK)):
            for ref, dfe_id, course_id in db.session.execute(
                    select(Participant.participant_id, Participant.dfe_participant_id, Participant.course_id)
                    .where(Participant.dfe_participant_id.in_(chunk))):
                if participant_key(ref) not in in_file and (dfe_id, course_id) in holders:
                    holders[(dfe_id, course_id)].append(ref)
        for (dfe_id, _), refs in sorted(holders.items(), key=lambda item: self.rows[item[1][0]]):
            for other in refs[1:]:
                where = f"row {self.rows[other]}" if other in final else "recorded"
                result.errors.append(f"row {self.rows[refs[0]]}: dfe_participant_id: {dfe_id} is also {other}'s "
                                     f"({where}) on the same course: one DfE enrolment is one participant")

    def refuse_shared_addresses(self, final: dict[str, tuple], result) -> None:
        """An address belongs to one participant: a row whose email or other email is another
        participant's other email (or whose other email is another's email), in the file or
        stored, is refused naming both. Two participants with the same email stay allowed, as before."""
        holders: dict[str, dict[str, tuple[str, str, str]]] = {}  # address -> participant -> (ID, what, as written)

        def hold(ref: str, what: str, address: str) -> None:
            holders.setdefault(email_key(address), {}).setdefault(participant_key(ref), (ref, what, address))

        for ref, values in final.items():
            hold(ref, "email", values[EMAIL])
            for address in values[OTHERS]:
                hold(ref, "other email", address)
        in_file = {participant_key(ref) for ref in final}
        # every stored address, read once: as quick as looking up a national file's 50,000 in chunks
        for what, query in (("email", select(Participant.participant_id, Participant.email)),
                            ("other email", select(Participant.participant_id, OtherEmail.email)
                             .join(Participant, OtherEmail.participant_id == Participant.id))):
            for ref, address in db.session.execute(query):
                if email_key(address) in holders and participant_key(ref) not in in_file:
                    hold(ref, what, address)  # the file's own rows say what they will hold
        lines = []
        for held in holders.values():
            if len(held) < 2:
                continue
            for ref, what, address in held.values():
                if ref not in final:
                    continue
                clashes = [f"{'the email' if their == 'email' else 'an other email'} of {other}"
                           + (f" (row {self.rows[other]})" if other in final else "")
                           for other, their, _ in held.values()
                           if other != ref and "other email" in (what, their)]
                if clashes:
                    column = "email" if what == "email" else "other_emails"
                    lines.append((self.rows[ref], f"row {self.rows[ref]}: {column}: '{address}' is also "
                                                  f"{' and '.join(clashes)}"))
        for _, line in sorted(lines):
            result.errors.append(line)


def _others(email: str, addresses) -> tuple[str, ...]:
    """Other emails as stored and compared: one per address (ignoring case), not the email itself, in
    address order."""
    own, found = email_key(email), {}
    for address in addresses:
        if email_key(address) != own:
            found.setdefault(email_key(address), address)
    return tuple(found[key] for key in sorted(found))


def _completed(values: tuple, before: tuple | None) -> tuple:
    """A row's values with what its blanks keep: the status and other emails recorded (a new
    participant starts active with none), and the dates agreements were signed."""
    values = list(values)
    if values[STATUS] is None:
        values[STATUS] = before[STATUS] if before else ACTIVE
    if values[OTHERS] is None:
        values[OTHERS] = _others(values[EMAIL], before[OTHERS]) if before else ()
    for at in range(DFE, DFE + 3):
        if values[at] is None and before:
            values[at] = before[at]
    return _keep_signed_dates(tuple(values), before) if before else tuple(values)


def _audited(values: tuple) -> dict:
    """A participant's values as the audit trail shows them: other emails as the file writes them."""
    return dict(zip(VALUES, values)) | {"other_emails": ";".join(values[OTHERS])}


def _stored_others(pks: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for start in range(0, len(pks), CHUNK):
        query = select(OtherEmail.participant_id, OtherEmail.email).where(
            OtherEmail.participant_id.in_(pks[start : start + CHUNK]))
        for pk, address in db.session.execute(query):
            found.setdefault(pk, []).append(address)
    return found


def _write_others(changed: list[tuple[int, tuple[str, ...]]]) -> None:
    """Replace these participants' other emails: all removed first, so an address may move from one
    participant to another in one file."""
    pks = [pk for pk, _ in changed]
    for start in range(0, len(pks), CHUNK):
        db.session.execute(delete(OtherEmail).where(OtherEmail.participant_id.in_(pks[start : start + CHUNK])))
    rows = [{"participant_id": pk, "email": address} for pk, addresses in changed for address in addresses]
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(OtherEmail), rows[start : start + CHUNK])


def _keep_signed_dates(values: tuple, before: tuple) -> tuple:
    """A plain yes for an agreement already recorded as signed on a date keeps that date."""
    values = list(values)
    for flag, on in ((5, 7), (6, 8)):
        if values[flag] and values[on] is None and before[flag] and before[on] is not None:
            values[on] = before[on]
    return tuple(values)


def _columns(ref, values, partners):
    name, email, partner, course_id, cohort, contract, sponsorship, contract_on, sponsorship_on, status = values[:OTHERS]
    dfe_id, schedule, dfe_cohort = values[DFE:]
    return {
        "dfe_participant_id": dfe_id, "dfe_schedule_identifier": schedule, "dfe_cohort": dfe_cohort,
        "participant_id": ref, "full_name": name, "email": email, "partner_id": partners[partner],
        "course_id": course_id, "cohort": cohort, "school_contract_signed": contract,
        "sponsorship_agreement_signed": sponsorship, "school_contract_signed_on": contract_on,
        "sponsorship_agreement_signed_on": sponsorship_on, "status": status,
    }


def _with_evidence(ids: list[int]) -> set[int]:
    if not ids:
        return set()
    found = set()
    for table in (CreditRecord, RegisterEntry, VideoViewRecord):
        found.update(db.session.scalars(select(table.participant_id).where(table.participant_id.in_(ids)).group_by(table.participant_id)))
    return found
