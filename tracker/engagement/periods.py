"""Deferral periods and confirmed withdrawal dates per participant, as rules/periods.py reads them."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ..extensions import db
from ..models import Deferral, WithdrawalRequest
from ..models.escalation import CONFIRMED
from ..rules.periods import DeferralPeriod, Periods


def load_periods(ids: Iterable[int] | object) -> dict[int, Periods]:
    """ids: participant ids, or a select of them. Participants with no deferral or withdrawal are left out."""
    deferrals: dict[int, list[DeferralPeriod]] = {}
    table = Deferral.__table__.c
    for pid, starts, returns, moved_from, moved_to in db.session.execute(
        select(table.participant_id, table.deferred_on, table.returned_on, table.from_cohort, table.to_cohort)
        .where(table.participant_id.in_(ids)).order_by(table.participant_id, table.deferred_on, table.id)
    ):
        deferrals.setdefault(pid, []).append(DeferralPeriod(starts, returns, moved_from, moved_to))
    withdrawn: dict[int, object] = {}
    request = WithdrawalRequest.__table__.c
    for pid, on in db.session.execute(
        select(request.participant_id, request.withdrawn_on)
        .where(request.participant_id.in_(ids), request.state == CONFIRMED, request.withdrawn_on.is_not(None))
    ):
        withdrawn[pid] = on if pid not in withdrawn else min(withdrawn[pid], on)
    return {pid: Periods(tuple(deferrals.get(pid, ())), withdrawn.get(pid)) for pid in set(deferrals) | set(withdrawn)}
