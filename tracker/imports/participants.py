"""The participants file: creates or updates participants (and unknown delivery partners)."""
from __future__ import annotations

import re

from sqlalchemy import insert, select, update

from ..exports import records as exports
from ..extensions import db
from ..models import CreditRecord, DeliveryPartner, Participant, RegisterEntry, VideoViewRecord
from ..models.people import participant_id_in, participant_key
from ..rules.facts import ACTIVE, PARTICIPANT_STATUSES
from . import fields
from .base import Importer, RowError, parsed
from .kinds import EDT_ONLY, register

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PARTNER_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
VALUES = ("full_name", "email", "partner", "course_id", "cohort", "school_contract_signed",
          "sponsorship_agreement_signed", "school_contract_signed_on", "sponsorship_agreement_signed_on", "status")


@register("participants", "Participants", uploaded_by=EDT_ONLY, export=exports.PARTICIPANTS)
class ParticipantsImporter(Importer):
    required = ("participant_id", "full_name", "email", "delivery_partner", "course", "cohort",
                "school_contract_signed", "sponsorship_agreement_signed")
    optional = ("status",)
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
        email = fields.text(row["email"])
        if not EMAIL.fullmatch(email):
            raise RowError("email", f"'{email}' is not an email address")
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
        self.rows[ref] = self.row_number
        return (ref,), (name, email, partner, facts.course.id, cohort, flags[0][0], flags[1][0], flags[0][1], flags[1][1],
                        status)

    def __init__(self, context):
        super().__init__(context)
        self.rows: dict[str, int] = {}  # participant_id -> its row in the file

    def participant_of(self, key):
        return key[0]

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
            ).where(participant_id_in(refs[start : start + 5000]))
            for row in db.session.execute(query):
                by_key[participant_key(row[0])] = (row[0], (row[1], (row[2], row[3], codes[row[4]], *row[5:])))
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
        creates, updates = [], []
        for (ref,), values in records.items():
            if values[-1] is None:
                values = values[:-1] + (stored[ref][1][-1] if ref in stored else ACTIVE,)
            if ref in stored:
                values = _keep_signed_dates(values, stored[ref][1])
            if ref not in stored:
                creates.append((ref, values))
            elif stored[ref][1] != values:
                updates.append((stored[ref][0], stored_ids[ref], stored[ref][1], values))
            else:
                result.unchanged += 1
        result.created += len(creates)
        result.updated += len(updates)
        for pk, ref, before, after in updates:
            result.changes.append(("participant", pk, dict(zip(VALUES, before)), dict(zip(VALUES, after))))
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
        for start in range(0, len(new_refs), 5000):
            result.touched.update(db.session.scalars(
                select(Participant.id).where(Participant.participant_id.in_(new_refs[start : start + 5000]))
            ))
        result.touched.update(pk for pk, _, before, after in updates if before[3:5] != after[3:5])


def _keep_signed_dates(values: tuple, before: tuple) -> tuple:
    """A plain yes for an agreement already recorded as signed on a date keeps that date."""
    values = list(values)
    for flag, on in ((5, 7), (6, 8)):
        if values[flag] and values[on] is None and before[flag] and before[on] is not None:
            values[on] = before[on]
    return tuple(values)


def _columns(ref, values, partners):
    name, email, partner, course_id, cohort, contract, sponsorship, contract_on, sponsorship_on, status = values
    return {
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
