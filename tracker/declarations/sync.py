"""`dfe sync` (INTERCHANGE.md "DfE's API"): DfE's participants, delivery partners and statements read
into the tracker.

Participants are read from a little before the last sync began (all of them the first time), every
page (DfE's paging is countless: a page shorter than PER_PAGE is the last). Each participant's
`participant_id_changes` are applied first (the old DfE id re-keyed to the new one, in the
tracker's participants and in DfE's enrolments kept here). Each enrolment DfE lists is kept
(DfeEnrolment) and matched to a tracker participant: by DfE participant id and course, else by an
address the participant uses (their email or other emails: proposals/matching.addresses, the one
place) and course, when that names one participant not already known at DfE by another id. A
matched participant takes DfE's id and enrolment (course, schedule, cohort, training status,
funded place), each change audited. Enrolments kept from earlier syncs that are still not in the
tracker are matched again at the end, as participants may have been added since.

Delivery partners and statements are read whole each time (DfE lists few). A tracker partner with
no DfE id takes the id of the one DfE partner whose name is exactly its own; a partner with a DfE id
keeps the cohorts DfE confirms it for. Each page is committed as it is read, so a sync that stops
keeps what it read; the next starts from before the last one that finished.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, exists, select, update

from ..audit import record as audit
from ..audit import record_many
from ..clock import now
from ..extensions import db
from ..formats import utc_stamp
from ..imports.proposals.matching import addresses
from ..imports.reports.text import email_key
from ..imports.who import people
from ..models import Course, DeliveryPartner, Participant
from ..models.bulk import insert_rows, update_rows
from ..models.dfe import DfeDeliveryPartner, DfeEnrolment, DfeStatement, DfeSync
from ..rules.dfe_statements import Statement, next_cut_off
from ..rules.facts import ACTIVE
from .dfe import DfeApi, DfeProblem

OVERLAP = timedelta(minutes=10)  # DfE's guidance: poll from two rate windows before the last poll
PER_PAGE = 3000  # DfE's most
MOST_PAGES = 1000  # three million enrolments: more than DfE could hold for one lead provider
FIELDS = {  # a participant's field: the enrolment's
    "dfe_participant_id": "dfe_participant_id", "dfe_course_identifier": "course_identifier",
    "dfe_schedule_identifier": "schedule_identifier", "dfe_cohort": "cohort",
    "dfe_training_status": "training_status", "dfe_funded_place": "funded_place",
}


@dataclass
class Synced:
    read: int = 0  # DfE's enrolments read
    matched: int = 0  # of those (and of those kept from before), matched to a tracker participant
    changed: int = 0  # tracker participants whose DfE id or enrolment changed
    not_in_tracker: int = 0  # DfE's enrolments kept that no tracker participant matches, after the sync
    since: str | None = None

    def counts(self) -> dict[str, int]:
        return {"read": self.read, "matched": self.matched, "changed": self.changed,
                "not in the tracker": self.not_in_tracker}


def summary(counts: dict[str, int]) -> str:
    return (f"read {counts['read']}, matched {counts['matched']}, changed {counts['changed']}, "
            f"not in the tracker {counts['not in the tracker']}")


class Known:
    """The tracker's participants as DfE's enrolments are matched to them: by (DfE id, course
    identifier), and by (address, course identifier) for those with no DfE id yet. The addresses are
    read the first time an enrolment is not found by DfE id (a sync that finds everyone by id reads none)."""

    def __init__(self) -> None:
        rows = db.session.execute(select(Participant.id, Participant.dfe_participant_id,
                                         Participant.dfe_course_identifier, Course.dfe_identifier)
                                  .join(Course, Participant.course_id == Course.id)).all()
        self.dfe_id = {pk: dfe_id for pk, dfe_id, _, _ in rows}
        self.course = {pk: own or identifier for pk, _, own, identifier in rows}
        self.by_dfe = {(dfe_id, self.course[pk]): pk for pk, dfe_id in self.dfe_id.items() if dfe_id}
        self._by_address: dict[tuple[str, str], set[int]] | None = None

    @property
    def by_address(self) -> dict[tuple[str, str], set[int]]:
        """(address key, course identifier): the participants with no DfE id who use the address. Only
        they can be matched by address, and a participant's DfE id, once taken, is never removed."""
        if self._by_address is None:
            self._by_address = {}
            pk_of = {ref.lower(): pk for pk, ref in db.session.execute(
                select(Participant.id, Participant.participant_id))}
            for person in people(None).people:
                pk = pk_of[person.participant_id.lower()]
                if self.dfe_id.get(pk) is not None:
                    continue
                for address in addresses(person):
                    key = email_key(address)
                    if key:
                        self._by_address.setdefault((key, self.course[pk]), set()).add(pk)
        return self._by_address

    def match(self, dfe_id: str, course: str, email: str | None) -> int | None:
        found = self.by_dfe.get((dfe_id, course))
        if found is None and email and email_key(email):
            free = [pk for pk in self.by_address.get((email_key(email), course), ())
                    if self.dfe_id.get(pk) is None]
            found = free[0] if len(free) == 1 else None
        if found is not None:
            self.taken(found, dfe_id, course)
        return found

    def taken(self, pk: int, dfe_id: str, course: str) -> None:
        old = self.dfe_id.get(pk)
        if old and self.by_dfe.get((old, self.course[pk])) == pk:
            del self.by_dfe[(old, self.course[pk])]
        self.dfe_id[pk], self.course[pk] = dfe_id, course
        self.by_dfe[(dfe_id, course)] = pk

    def rekey(self, old: str, new: str) -> None:
        for (dfe_id, course), pk in list(self.by_dfe.items()):
            if dfe_id == old:
                del self.by_dfe[(dfe_id, course)]
                self.by_dfe[(new, course)] = pk
                self.dfe_id[pk] = new


def sync(api: DfeApi, actor: str, progress: Callable[[int, int | None, dict], None] = lambda done, total, counts: None
         ) -> Synced:
    """Commits page by page; raises DfeProblem (in words) when DfE's answer is not one to go on with."""
    last = db.session.scalar(select(DfeSync).where(DfeSync.finished_at.is_not(None))
                             .order_by(DfeSync.started_at.desc()).limit(1))
    run = DfeSync(started_at=now(), read=0, matched=0, changed=0)
    done = Synced(since=None if last is None else utc_stamp(last.started_at - OVERLAP))
    known = Known()
    for items in pages(api, "participants/npq", "participants", {"filter[updated_since]": done.since} if done.since
                       else {}):
        _participants(items, known, actor, done)
        progress(done.read, None, done.counts())
    _again(known, actor, done)
    _delivery_partners(list(item for items in pages(api, "delivery-partners", "delivery partners") for item in items),
                       actor)
    _statements(item for items in pages(api, "statements", "statements") for item in items)
    done.not_in_tracker = len(not_in_tracker())
    run.finished_at, run.read, run.matched, run.changed = now(), done.read, done.matched, done.changed
    db.session.add(run)
    db.session.commit()
    progress(done.read, done.read, done.counts())
    return done


def pages(api: DfeApi, path: str, what: str, params: dict | None = None) -> Iterator[list[dict]]:
    return api.pages(path, what, "sync", per_page=PER_PAGE, most=MOST_PAGES, params=params)


KEPT = ("full_name", "email", "schedule_identifier", "cohort", "training_status", "funded_place", "participant_id")


def _participants(items: list[dict], known: Known, actor: str, done: Synced) -> None:
    """One page: its enrolments kept (new ones inserted, changed ones updated, all at once) and matched."""
    for item in items:
        for change in (item.get("attributes") or {}).get("participant_id_changes") or ():
            _rekey(str(change.get("from_participant_id") or ""), str(change.get("to_participant_id") or ""), known,
                   actor)
    ids = [str(item.get("id") or "") for item in items]
    table = DfeEnrolment.__table__
    kept = {(row["dfe_participant_id"], row["course_identifier"]): dict(row) for row in db.session.execute(
        select(table.c.id, table.c.dfe_participant_id, table.c.course_identifier, *(table.c[name] for name in KEPT))
        .where(table.c.dfe_participant_id.in_(ids))).mappings()}
    new: list[dict] = []
    changed: dict[int, dict] = {}
    matched: dict[int, dict] = {}
    for item, dfe_id in zip(items, ids):
        attributes = item.get("attributes") or {}
        for enrolment in attributes.get("npq_enrolments") or ():
            course = str(enrolment.get("course_identifier") or "")
            row = kept.get((dfe_id, course))
            if row is None:
                row = kept[(dfe_id, course)] = {"id": None, "dfe_participant_id": dfe_id, "course_identifier": course}
                new.append(row)
            values = {"full_name": str(attributes.get("full_name") or ""), "email": enrolment.get("email") or None,
                      "schedule_identifier": enrolment.get("schedule_identifier") or None,
                      "cohort": _year(enrolment.get("cohort")),
                      "training_status": enrolment.get("training_status") or None,
                      "funded_place": enrolment.get("funded_place")}
            done.read += 1
            pk = values["participant_id"] = known.match(dfe_id, course, values["email"])
            if row["id"] is not None and any(row.get(name) != value for name, value in values.items()):
                changed[row["id"]] = row
            row.update(values)
            if pk is not None:
                matched[pk] = row
                done.matched += 1
    db.session.flush()
    names = ("dfe_participant_id", "course_identifier", *KEPT)
    insert_rows(table, names, ([row[name] for name in names] for row in new))
    _update(DfeEnrolment, list(changed.values()), KEPT)
    _take(matched, actor, done)


def _update(model, rows: list[dict], names: tuple[str, ...]) -> None:
    """The rows (each with its "id") updated by primary key, at once (models/bulk.update_rows)."""
    update_rows(model.__table__, names, [(row["id"], *(row[name] for name in names)) for row in rows])


def _again(known: Known, actor: str, done: Synced) -> None:
    """Enrolments kept from earlier syncs, not in the tracker then: matched again."""
    matched, rows = {}, []
    table = DfeEnrolment.__table__
    for row in db.session.execute(select(table).where(table.c.participant_id.is_(None))).mappings():
        pk = known.match(row["dfe_participant_id"], row["course_identifier"], row["email"])
        if pk is not None:
            row = {**row, "participant_id": pk}
            matched[pk] = row
            rows.append(row)
            done.matched += 1
    _update(DfeEnrolment, rows, ("participant_id",))
    _take(matched, actor, done)


def _take(matched: dict[int, dict], actor: str, done: Synced) -> None:
    """Matched participants take DfE's id and enrolment, all at once; each change audited."""
    if not matched:
        return
    table = Participant.__table__
    rows, events = [], []
    for participant in db.session.execute(select(table.c.id, table.c.participant_id, *(table.c[name] for name in FIELDS))
                                          .where(table.c.id.in_(matched))).mappings():
        enrolment = matched[participant["id"]]
        change = changes(participant, {name: enrolment[source] for name, source in FIELDS.items()})
        if change:
            rows.append({"id": participant["id"], **{name: enrolment[FIELDS[name]] for name in FIELDS}})
            events.append({"actor": actor, "action": "update", "entity": "participant",
                           "entity_id": participant["participant_id"], "participant_id": participant["id"], **change})
            done.changed += 1
    _update(Participant, rows, tuple(FIELDS))
    record_many(events)


def changes(before: Mapping, after: dict) -> dict | None:
    """What a participant taking `after` (FIELDS' values) changes: {"before": ..., "after": ...}, or None."""
    changed = sorted(name for name in FIELDS if before[name] != after[name])
    if not changed:
        return None
    return {"before": {name: before[name] for name in changed}, "after": {name: after[name] for name in changed}}


def take(participant: Participant, enrolment: DfeEnrolment, actor: str) -> bool:
    """The participant takes DfE's id and enrolment; the change audited. False: nothing changed."""
    change = changes({name: getattr(participant, name) for name in FIELDS},
                     {name: getattr(enrolment, source) for name, source in FIELDS.items()})
    if not change:
        return False
    for name, value in change["after"].items():
        setattr(participant, name, value)
    audit(actor, "update", "participant", participant.participant_id, participant_id=participant.id, **change)
    return True


def _rekey(old: str, new: str, known: Known, actor: str) -> None:
    """DfE replaced participant id `old` with `new`: the tracker's participants and DfE's enrolments kept follow."""
    if not old or not new or old == new:
        return
    for participant in db.session.scalars(select(Participant).where(Participant.dfe_participant_id == old)):
        participant.dfe_participant_id = new
        audit(actor, "update", "participant", participant.participant_id, participant_id=participant.id,
              before={"dfe_participant_id": old}, after={"dfe_participant_id": new})
    courses_new = set(db.session.scalars(select(DfeEnrolment.course_identifier)
                                         .where(DfeEnrolment.dfe_participant_id == new)))
    db.session.execute(delete(DfeEnrolment).where(DfeEnrolment.dfe_participant_id == old,
                                                  DfeEnrolment.course_identifier.in_(courses_new)))
    db.session.execute(update(DfeEnrolment).where(DfeEnrolment.dfe_participant_id == old)
                       .values(dfe_participant_id=new))
    db.session.flush()
    known.rekey(old, new)


def _delivery_partners(items: list[dict], actor: str) -> None:
    listed = {str(item.get("id")): item.get("attributes") or {} for item in items if item.get("id")}
    kept = {row.dfe_id: row for row in db.session.scalars(select(DfeDeliveryPartner))}
    for dfe_id, row in kept.items():
        if dfe_id not in listed:
            db.session.delete(row)
    for dfe_id, attributes in listed.items():
        row = kept.get(dfe_id) or DfeDeliveryPartner(dfe_id=dfe_id)
        row.name = str(attributes.get("name") or "")
        row.cohorts = ",".join(str(c) for c in attributes.get("cohort") or ())
        db.session.add(row)
    by_name: dict[str, list[str]] = {}
    for dfe_id, attributes in listed.items():
        by_name.setdefault(str(attributes.get("name") or ""), []).append(dfe_id)
    for partner in db.session.scalars(select(DeliveryPartner).order_by(DeliveryPartner.code)):
        same = by_name.get(partner.name, [])
        if partner.dfe_id is None and len(same) == 1:
            choose_dfe_id(partner, same[0], actor)
        elif partner.dfe_id:
            partner.dfe_cohorts = ",".join(str(c) for c in listed[partner.dfe_id].get("cohort") or ()) if (
                partner.dfe_id in listed) else None


def choose_dfe_id(partner: DeliveryPartner, dfe_id: str | None, actor: str) -> None:
    """The partner is known at DfE by this id (None: by none), as DfE lists it; audited."""
    listed = db.session.scalar(select(DfeDeliveryPartner).where(DfeDeliveryPartner.dfe_id == dfe_id)) if dfe_id else None
    before = partner.dfe_id
    partner.dfe_id, partner.dfe_cohorts = dfe_id, listed.cohorts if listed else None
    if before != dfe_id:
        audit(actor, "update", "delivery_partner", partner.code, before={"dfe_id": before}, after={"dfe_id": dfe_id})


def _statements(items) -> None:
    kept = {row.dfe_id: row for row in db.session.scalars(select(DfeStatement))}
    for item in items:
        attributes = item.get("attributes") or {}
        try:
            values = {"month": str(attributes["month"]), "year": int(attributes["year"]),
                      "cohort": int(attributes["cohort"]),
                      "cut_off_date": date.fromisoformat(str(attributes["cut_off_date"])[:10]),
                      "payment_date": date.fromisoformat(str(attributes["payment_date"])[:10]),
                      "paid": bool(attributes.get("paid"))}
        except (KeyError, TypeError, ValueError):
            raise DfeProblem(f"DfE's statement {item.get('id')} lacks its month, year, cohort or dates: the sync "
                             "stopped there") from None
        row = kept.get(str(item.get("id"))) or DfeStatement(dfe_id=str(item.get("id")))
        for name, value in values.items():
            setattr(row, name, value)
        db.session.add(row)


def _year(value) -> int | None:
    try:
        return int(str(value)[:4])
    except (TypeError, ValueError):
        return None


def not_in_tracker() -> list[DfeEnrolment]:
    """DfE's enrolments no tracker participant matches, by name."""
    return list(db.session.scalars(select(DfeEnrolment).where(DfeEnrolment.participant_id.is_(None))
                                   .order_by(DfeEnrolment.full_name, DfeEnrolment.dfe_participant_id,
                                             DfeEnrolment.course_identifier)))


def not_at_dfe() -> list[Participant]:
    """The tracker's active participants no enrolment DfE lists is matched to (all of them before a first sync)."""
    return list(db.session.scalars(select(Participant).where(
        Participant.status == ACTIVE, ~exists().where(DfeEnrolment.participant_id == Participant.id))
        .order_by(Participant.participant_id)))


def next_statement(today: date) -> Statement | None:
    """The statement DfE would put a declaration sent today on (rules/dfe_statements.next_cut_off)."""
    return next_cut_off((Statement(s.month, s.year, s.cohort, s.cut_off_date, s.payment_date, s.paid)
                         for s in db.session.scalars(select(DfeStatement))), today)
