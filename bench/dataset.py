"""A synthetic national-scale dataset, written as the CSV files of INTERCHANGE.md.

Everything is drawn from one random.Random(seed), so a seed and a participant count give
the same files byte for byte. The course content, schedules and cohort start dates come
from the reference data (the Book), so titles, credit values and dates are the real ones:

- participants across DP001..DP100 (DP001 and DP002 have fixed shares for page and report
  benchmarks), courses only in the cohorts that offer them, contracts mostly signed, a few
  deferred or withdrawn participants;
- credits for activities worked through in course order (sometimes a partial score first,
  then the rest), never above the activity's value, self-report only in cohorts 1 and 2;
- registers for training events, video views per block, assessments near the final
  review date; every date within the participant's course period and never after CAP.

The files come in two stages (DatasetFiles): a fifth of the participants, DP002 whole among
them, then the rest. Credits are written to several files of at most `credits_per_file` rows
(the first of the second stage is the file whose import the benchmark measures); new credit
rows for the upload benchmark go to credits-upload.csv.
"""
from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from tracker.engagement.book import Book
from tracker.extensions import db
from tracker.models import Cohort
from tracker.rules.facts import TRAINING_EVENT

FULL_PARTICIPANTS = 50_000
PARTNERS = 100
FIXED_PARTNERS = {"DP001": 2_000, "DP002": 500}  # at scale 1; scaled with the participant count
CREDITS_PER_FILE = 1_000_000
CAP = date(2025, 6, 30)  # no evidence after this date

COHORT_WEIGHTS = {1: 20, 2: 20, 3: 30, 4: 30}
COURSE_WEIGHTS = {  # NPQLL, NPQEYL and EHCO only where the course is offered (cohorts 3-4)
    "NPQLT": 15, "NPQLTD": 10, "NPQLBC": 13, "NPQLL": 6, "NPQSL": 27, "NPQH": 22, "NPQEYL": 6, "EHCO": 1,
}
FIRST_NAMES = ("Amira", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Harry", "Isla", "Jack", "Kiran",
               "Leah", "Mohammed", "Nia", "Oliver", "Priya", "Rhys", "Sophie", "Tom", "Zara")
LAST_NAMES = ("Ahmed", "Brown", "Clarke", "Davies", "Evans", "Green", "Hughes", "Jones", "Khan", "Lewis",
              "Morris", "Patel", "Roberts", "Smith", "Taylor", "Walker", "Williams", "Wilson", "Wright", "Young")
YES = ("yes", "yes", "yes", "Yes", "Y", "TRUE")
NO = ("no", "No", "N")

HEADERS = {
    "participants": ["participant_id", "full_name", "email", "delivery_partner", "course", "cohort",
                     "school_contract_signed", "sponsorship_agreement_signed", "status"],
    "credits": ["participant_id", "block", "activity", "credits", "completed_on", "source"],
    "attendance": ["participant_id", "block", "event", "session_date", "attendance", "marked_by"],
    "video-views": ["participant_id", "block", "percent_watched", "viewed_on"],
    "assessments": ["participant_id", "status", "result", "recorded_on"],
}


@dataclass(frozen=True)
class Item:
    block: int
    title: str
    component: str
    credits: int | None


@dataclass
class CoursePlan:
    code: str
    group: str
    cohorts: list[int]
    blocks: list[int]
    items: list[Item]  # in course order (block, position)
    events: list[Item] = field(default_factory=list)


@dataclass
class StageFiles:
    """The files of one stage of the import, in the order they must be imported."""

    participants: Path
    credits: list[Path]
    attendance: Path
    video_views: Path
    assessments: Path
    rows: Counter  # kind -> rows written
    refs: int  # participants

    def imports(self) -> list[tuple[str, Path]]:
        return ([("participants", self.participants)] + [("credits", path) for path in self.credits]
                + [("attendance", self.attendance), ("video-views", self.video_views),
                   ("assessments", self.assessments)])


@dataclass
class DatasetFiles:
    """Two stages: a fifth of the participants (DP002 whole among them), then the rest.

    Between the stages the benchmark times DP002's dashboard, to compare with the same page at
    national size. `upload` holds new credit rows (never imported) for the upload benchmark.
    """

    folder: Path
    stages: tuple[StageFiles, StageFiles]
    upload: Path
    upload_rows: int
    rows: Counter  # kind -> rows written, both stages
    partners: Counter  # partner code -> participants

    @property
    def credits(self) -> list[Path]:
        return self.stages[0].credits + self.stages[1].credits

    @property
    def measured_credits(self) -> Path:
        """The credits file whose import is measured: the first of the national stage (the largest)."""
        return self.stages[1].credits[0]

    def imports(self) -> list[tuple[str, Path]]:
        return self.stages[0].imports() + self.stages[1].imports()


def course_plans(book: Book) -> dict[str, CoursePlan]:
    plans = {}
    for facts in book.courses.values():
        course = facts.course
        items = [
            Item(number, activity.title, activity.component, activity.credits)
            for number in sorted(facts.blocks)
            for activity in sorted((a for (b, _), a in facts.activities.items() if b == number),
                                   key=lambda a: a.position)
        ]
        plans[course.code] = CoursePlan(
            course.code, course.course_group, course.cohort_numbers, sorted(facts.blocks), items,
            [item for item in items if item.component == TRAINING_EVENT],
        )
    return plans


def partner_counts(participants: int, rng: random.Random) -> dict[str, int]:
    """Participants per partner: the fixed shares scaled, the rest spread unevenly."""
    scale = participants / FULL_PARTICIPANTS
    counts = {code: min(round(n * scale), participants) for code, n in FIXED_PARTNERS.items()}
    others = [f"DP{n:03d}" for n in range(len(FIXED_PARTNERS) + 1, PARTNERS + 1)]
    rest = max(participants - sum(counts.values()), 0)
    weights = [rng.uniform(0.4, 1.6) for _ in others]
    shares = [rest * w / sum(weights) for w in weights]
    floors = [int(s) for s in shares]
    # largest remainder, so the counts add up exactly
    for index in sorted(range(len(others)), key=lambda i: floors[i] - shares[i])[: rest - sum(floors)]:
        floors[index] += 1
    counts.update(zip(others, floors))
    return counts


class _Dates:
    """Date text by ordinal (made once per day); registers come as DD/MM/YYYY, as Excel writes them."""

    def __init__(self):
        self.iso: dict[int, str] = {}
        self.uk: dict[int, str] = {}

    def text(self, ordinal: int, uk: bool = False) -> str:
        cache = self.uk if uk else self.iso
        found = cache.get(ordinal)
        if found is None:
            day = date.fromordinal(ordinal)
            found = cache[ordinal] = day.strftime("%d/%m/%Y") if uk else day.isoformat()
        return found


class _CreditFiles:
    """The credits rows, in files of at most `per_file` rows: credits-1.csv, credits-2.csv..."""

    def __init__(self, folder: Path, per_file: int, stem: str = "credits"):
        self.folder, self.per_file, self.stem = folder, per_file, stem
        self.paths: list[Path] = []
        self.rows = 0
        self._handle = self._writer = None
        self._in_file = 0

    def writerow(self, row: list) -> None:
        if self._writer is None or self._in_file >= self.per_file:
            self.close()
            path = self.folder / f"{self.stem}-{len(self.paths) + 1}.csv"
            self.paths.append(path)
            self._handle = open(path, "w", newline="", encoding="utf-8")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(HEADERS["credits"])
            self._in_file = 0
        self._writer.writerow(row)
        self._in_file += 1
        self.rows += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


@dataclass
class _Participant:
    """One participant's course period: evidence dates fall between start and end (ordinals)."""

    ref: str
    partner: str
    cohort: int
    plan: CoursePlan
    status: str
    start: int
    end: int
    reach: float  # the share of the course worked through
    skip: float  # the chance of leaving out an activity on the way
    reviews: list[date]

    @property
    def last_block(self) -> int:
        return self.plan.blocks[0] + int(self.reach * len(self.plan.blocks) - 1e-9)

    def day(self, rng: random.Random, block: int, share: float, jitter: int = 10) -> int:
        """A day `share` of the way through the block's part of the course period."""
        span = (self.end - self.start) / len(self.plan.blocks)
        day = self.start + span * (block - 1 + share) + rng.randint(-jitter, jitter)
        return max(self.start, min(int(day), self.end))


SMALL_STAGE = 0.2  # the first stage: a fifth of the participants
UPLOAD_ROWS = 100_000  # new credit rows in the upload file, at scale 1
SCALING_PARTNER = "DP002"  # wholly in the first stage


class _Stage:
    def __init__(self, folder: Path, name: str, credits_per_file: int):
        self.folder, self.name = folder, name
        self.credits = _CreditFiles(folder, credits_per_file, f"credits-{name}")
        self.handles = {kind: open(folder / f"{kind}-{name}.csv", "w", newline="", encoding="utf-8")
                        for kind in ("participants", "attendance", "video-views", "assessments")}
        self.writers = {kind: csv.writer(handle) for kind, handle in self.handles.items()}
        for kind, writer in self.writers.items():
            writer.writerow(HEADERS[kind])
        self.rows: Counter = Counter()

    def close(self) -> StageFiles:
        for handle in self.handles.values():
            handle.close()
        self.credits.close()
        self.rows["credits"] = self.credits.rows
        f = self.folder
        return StageFiles(f / f"participants-{self.name}.csv", self.credits.paths, f / f"attendance-{self.name}.csv",
                          f / f"video-views-{self.name}.csv", f / f"assessments-{self.name}.csv", self.rows,
                          self.rows["participants"])


class _UploadRows:
    """New credit rows for the upload benchmark: the national stage's first credits, each a day later.

    A day later is a new record (participant + activity + date) that no other row has: a
    partial score and its completion are at least three days apart.
    """

    def __init__(self, wanted: int):
        self.wanted, self.rows = wanted, []

    def add(self, row: list) -> None:
        if len(self.rows) < self.wanted:
            day = date.fromisoformat(row[4]) + timedelta(days=1)
            self.rows.append(row[:4] + [day.isoformat()] + row[5:])

    def write(self, path: Path) -> int:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS["credits"])
            writer.writerows(self.rows)
        return len(self.rows)


def generate(folder: Path, book: Book, participants: int = FULL_PARTICIPANTS, seed: int = 2025,
             credits_per_file: int = CREDITS_PER_FILE) -> DatasetFiles:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    plans = course_plans(book)
    starts = {c.number: c.start_date for c in db.session.scalars(select(Cohort))}
    schedules = {key: [spec.review_date for spec in specs] for key, specs in book.schedules.items()}
    dates = _Dates()
    counts = partner_counts(participants, rng)
    partners = [code for code, n in sorted(counts.items()) for _ in range(n)]
    rng.shuffle(partners)
    small = max(0, round(participants * SMALL_STAGE) - counts.get(SCALING_PARTNER, 0))
    upload = _UploadRows(max(1, round(UPLOAD_ROWS * participants / FULL_PARTICIPANTS)))

    stages = (_Stage(folder, "a", credits_per_file), _Stage(folder, "b", credits_per_file))
    try:
        for number, partner in enumerate(partners, start=1):
            if partner == SCALING_PARTNER:
                stage = stages[0]
            elif small:
                stage, small = stages[0], small - 1
            else:
                stage = stages[1]
            person = _participant(rng, number, partner, plans, starts, schedules, stage.writers["participants"])
            stage.rows["participants"] += 1
            if person is None:
                continue  # EHCO: no content, no evidence criteria yet
            _credits(rng, person, dates, stage.credits, upload.add if stage is stages[1] else None)
            stage.rows["attendance"] += _registers(rng, person, dates, stage.writers["attendance"])
            stage.rows["video-views"] += _video_views(rng, person, dates, stage.writers["video-views"])
            stage.rows["assessments"] += _assessments(rng, person, dates, stage.writers["assessments"])
    finally:
        closed = tuple(stage.close() for stage in stages)
    rows = closed[0].rows + closed[1].rows
    upload_path = folder / "credits-upload.csv"
    return DatasetFiles(folder, closed, upload_path, upload.write(upload_path), rows, Counter(counts))


def _participant(rng, number, partner, plans, starts, schedules, writer) -> _Participant | None:
    ref = f"P{number:06d}"
    cohort = rng.choices(list(COHORT_WEIGHTS), list(COHORT_WEIGHTS.values()))[0]
    offered = [code for code in COURSE_WEIGHTS if cohort in plans[code].cohorts]
    code = rng.choices(offered, [COURSE_WEIGHTS[c] for c in offered])[0]
    status = rng.choices(("active", "deferred", "withdrawn"), (960, 25, 15))[0]
    contract = rng.choice(NO) if rng.random() < 0.03 else rng.choice(YES)
    sponsorship = rng.choice(NO) if rng.random() < 0.02 else rng.choice(YES)
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    email = f"{ref.lower()}@school{number % 4000:04d}.example.org"
    shown_status = "" if status == "active" and rng.random() < 0.5 else status  # the column is optional
    writer.writerow([ref, name, email, partner, code, cohort, contract, sponsorship, shown_status])
    plan = plans[code]
    if plan.group == "coaching":
        return None
    reviews = schedules[(cohort, plan.group)]
    start = starts[cohort].toordinal() + rng.randint(0, 14)
    end = min(reviews[-1].toordinal() + 30, CAP.toordinal())
    # most work through (nearly) everything, some stop part way, a few hardly start
    roll = rng.random()
    if roll < 0.6:
        reach, skip = rng.uniform(0.95, 1.0), 0.02
    elif roll < 0.85:
        reach, skip = rng.uniform(0.35, 0.95), 0.08
    else:
        reach, skip = rng.uniform(0.0, 0.35), 0.08
    if status != "active":
        reach *= 0.4
    return _Participant(ref, partner, cohort, plan, status, start, end, reach, skip, reviews)


def _credits(rng: random.Random, p: _Participant, dates: _Dates, out: _CreditFiles, copy=None) -> None:
    """Activities in course order up to the reach; sometimes a partial score first, then the rest."""
    items = p.plan.items
    in_block = Counter(item.block for item in items)
    seen: Counter = Counter()
    for item in items[: int(p.reach * len(items))]:
        seen[item.block] += 1
        if item.credits is None or rng.random() < p.skip:
            continue  # TBC content cannot be credited
        on = p.day(rng, item.block, seen[item.block] / (in_block[item.block] + 1))
        if p.cohort in (1, 2) and rng.random() < 0.05:
            source = "self-report"
        else:
            source = rng.choice(("platform", "platform", ""))
        if rng.random() < 0.1 and item.credits > 1:
            later = min(on + rng.randint(3, 40), p.end)
            if later > on:
                out.writerow([p.ref, item.block, item.title, rng.randint(0, item.credits - 1), dates.text(on), source])
                on = later
        full = "" if rng.random() < 0.5 else item.credits  # blank means the activity's full value
        out.writerow([p.ref, item.block, item.title, full, dates.text(on), source])
        if copy is not None:
            copy([p.ref, item.block, item.title, full, dates.text(on), source])


def _registers(rng: random.Random, p: _Participant, dates: _Dates, out) -> int:
    """The training events of the blocks reached; an absence is often made up at a later session."""
    written = 0
    for item in p.plan.events:
        if item.block > p.last_block:
            break
        uk = rng.random() < 0.3
        on = p.day(rng, item.block, 0.3)
        mark = rng.choices(("attended", "absent", "contingency"), (85, 9, 6))[0]
        facilitator = f"Facilitator {p.partner}" if rng.random() < 0.8 else ""
        out.writerow([p.ref, item.block, item.title, dates.text(on, uk), mark, facilitator])
        written += 1
        if mark == "absent" and rng.random() < 0.5 and on + 14 <= p.end:
            out.writerow([p.ref, item.block, item.title, dates.text(on + 14, uk), "attended", facilitator])
            written += 1
    return written


def _video_views(rng: random.Random, p: _Participant, dates: _Dates, out) -> int:
    """Each block reached: the video introduction watched, sometimes only in part at first."""
    written = 0
    for block in p.plan.blocks:
        if block > p.last_block:
            break
        on = p.day(rng, block, 0.05, 5)
        if rng.random() < 0.15:
            out.writerow([p.ref, block, round(rng.uniform(5, 89), 1), dates.text(on)])
            written += 1
            if rng.random() < 0.4 or on + 7 > p.end:
                continue
            on += rng.randint(1, 7)
        out.writerow([p.ref, block, rng.choice((90, 95, 100, 100, 100, 97.5)), dates.text(on)])
        written += 1
    return written


def _assessments(rng: random.Random, p: _Participant, dates: _Dates, out) -> int:
    """Those who worked through most of the course: submitted, marked, moderated with a result."""
    if p.reach < 0.8:
        return 0
    on = max(p.start, min(p.reviews[-1].toordinal() - rng.randint(20, 60), p.end - 30))
    steps = ["submitted", "marked", "moderated"][: rng.choices((1, 2, 3), (10, 15, 75))[0]]
    for step in steps:
        result = rng.choices(("pass", "fail"), (9, 1))[0] if step == "moderated" else ""
        out.writerow([p.ref, step, result, dates.text(on)])
        on += rng.randint(7, 14)
    return len(steps)
