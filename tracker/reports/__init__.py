"""Printable reports: the partnership-meeting PDF a delivery partner takes to EDT.

WeasyPrint is imported only when a report is rendered, so other commands start quickly.
"""
from .partnership import UnknownPartner, build_report  # noqa: F401


def partnership_pdf(partner_code, meeting_date) -> bytes:
    from .pdf import partnership_pdf as render

    return render(partner_code, meeting_date)


def partnership_html(partner_code, meeting_date) -> str:
    from .pdf import partnership_html as render

    return render(partner_code, meeting_date)
