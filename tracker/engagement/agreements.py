"""School contract and sponsorship agreement: signed as of a date, in SQL (rules/status.py signed_by in Python)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_

from ..models import Participant


def _signed(flag, on, as_of: date):
    return and_(flag, or_(on.is_(None), on <= as_of))


def agreed_on(as_of: date):
    """Both agreements signed on `as_of`: outputs met by then are not blocked."""
    return and_(_signed(Participant.school_contract_signed, Participant.school_contract_signed_on, as_of),
                _signed(Participant.sponsorship_agreement_signed, Participant.sponsorship_agreement_signed_on, as_of))
