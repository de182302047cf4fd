"""Everything done about one participant, newest first, for their history page."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import ContactAttempt, Deferral, Extension, Participant, WithdrawalRequest


@dataclass(frozen=True)
class History:
    contacts: list[ContactAttempt]
    extensions: list[Extension]
    deferrals: list[Deferral]
    withdrawals: list[WithdrawalRequest]

    @property
    def empty(self) -> bool:
        return not (self.contacts or self.extensions or self.deferrals or self.withdrawals)


def history(participant: Participant) -> History:
    def newest(model, *order):
        return list(db.session.scalars(select(model).where(model.participant_id == participant.id)
                                       .order_by(*order, model.id.desc())))

    return History(
        newest(ContactAttempt, ContactAttempt.contacted_on.desc()),
        newest(Extension, Extension.agreed_at.desc()),
        newest(Deferral, Deferral.deferred_on.desc()),
        newest(WithdrawalRequest, WithdrawalRequest.proposed_on.desc()),
    )
