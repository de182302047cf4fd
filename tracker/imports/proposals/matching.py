"""Who is who in a report: participants found by an e-mail address, or by their participant id.

Names are never matched (INTERCHANGE.md "Who is who"): a name only proposes a match for a person
to confirm. An address matches a participant's email or one of their other emails ignoring case; the readers give the keys
already folded, a Teams guest's `#EXT#` form unwrapped (reports/text.email_key).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..reports.text import email_key


@dataclass(frozen=True)
class Person:
    """A participant as matching and registers need them."""

    participant_id: str
    email: str
    course: str  # the course's code
    cohort: int
    active: bool  # a group's absentees are its active participants
    other_emails: tuple[str, ...] = ()  # addresses they also use (INTERCHANGE.md "Who is who")

    @property
    def group(self) -> tuple[str, int]:
        return self.course, self.cohort


@dataclass(frozen=True)
class Unmatched:
    """Someone in a report who is no participant (a facilitator, a guest, a typo): listed, never an error."""

    name: str
    email: str | None
    minutes: int | None  # present, where the report gives times


def addresses(person: Person) -> tuple[str, ...]:
    """Every address a person is known by: the one place that says which (their email, then their
    other emails)."""
    return (person.email, *person.other_emails)


class People:
    """Participants a report may name, found by address or participant id. An address two of them
    share names neither: it is not a match (a person decides)."""

    def __init__(self, people: Iterable[Person]):
        self.people = tuple(people)
        self.by_id = {person.participant_id.lower(): person for person in self.people}
        self.by_email: dict[str, Person | None] = {}
        for person in self.people:
            for address in addresses(person):
                key = email_key(address)
                if key is None:
                    continue
                earlier = self.by_email.get(key, person)
                self.by_email[key] = person if earlier == person else None

    def uses(self, participant_id: str, email: str) -> bool:
        """The address is one of this participant's (who may share it with another)."""
        person, key = self.by_id.get(participant_id.strip().lower()), email_key(email)
        return person is not None and key is not None and key in {email_key(a) for a in addresses(person)}

    def shared(self, email: str) -> bool:
        """The address is more than one participant's, so names none of them."""
        key = email_key(email)
        return key is not None and key in self.by_email and self.by_email[key] is None

    def by_address(self, emails: Iterable[str | None]) -> Person | None:
        """The participant of the first of these addresses (strongest first) that names one."""
        for email in emails:
            found = self.by_email.get(email_key(email or "") or "")
            if found is not None:
                return found
        return None

    def find(self, emails: Iterable[str | None], participant_id: str | None = None) -> Person | None:
        """By participant id where the report gives one, else by address."""
        if participant_id:
            found = self.by_id.get(participant_id.strip().lower())
            if found is not None:
                return found
        return self.by_address(emails)

    def within(self, groups: Iterable[tuple[str, int]]) -> People:
        """Only the participants of these (course, cohort) groups; all of them when there are none."""
        wanted = set(groups)
        return People(p for p in self.people if p.group in wanted) if wanted else self
