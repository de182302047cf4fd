"""Participants: the filtered list, its CSV and XLSX export, and one participant's page.

The list, both exports and the dashboard read the same standings(); filtering and sorting live
in tracker/engagement/filters.py so the page and the export of "the current view" always agree.
The list is sorted as a whole on the server (?sort=COLUMN&order=asc|desc), then paged: the
column headings are links, so sorting works without JavaScript.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..clock import today
from ..engagement.at_risk import at_risk_by_participant
from ..engagement.book import Book
from ..engagement.filters import ParticipantFilters, Sorting, apply, page_number, page_window, paginate
from ..engagement.history import audit_trail, escalation_history
from ..engagement.periods import load_periods
from ..engagement.windows import behind_by_participant, windows_set
from ..words import WITHDRAWAL_REASON_LABELS
from ..escalation.withdrawals import open_proposal
from ..engagement.next_steps import next_steps_for
from ..engagement.next_steps_words import every_activity, intro, lead, short_why, steps_in_order, what_is_missing
from ..engagement.queries import assessments_by_participant
from ..engagement.progress import participant_progress, registers, video_views
from ..engagement.standing import Standing, participants_query, standings
from ..engagement.summary import action_list
from ..engagement.pages import everyone, partners_own
from ..exports.cells import xlsx_bytes
from ..exports.mail_merge import HEADER as MAIL_MERGE_HEADER, mail_merge_rows
from ..exports.participants import participants_csv, participants_xlsx
from ..extensions import db
from ..models import DeliveryPartner, Participant
from ..registers.report_reviews import forget_other_email
from ..rules.facts import CONTINGENCY
from ..rules.status import ESCALATIONS, OUTPUT_STATUSES
from ..words import BASIS_LABELS, DFE_API_NOT_SET_UP, MARK_LABELS, PARTICIPANT_SORT_LABELS
from .access import ANYONE, LEADS, access, own_partner_id, participant_or_404, partner_or_404, scoped
from .actions import action_links

bp = Blueprint("participants", __name__, url_prefix="/participants")



def _listed() -> tuple[ParticipantFilters, list[Standing], Book]:
    """The signed-in user's participants that match the query string's filters."""
    filters = ParticipantFilters.from_args(request.args)
    if filters.partner:
        partner_or_404(filters.partner)  # a partner user asking for another partner's list: 404
    book = Book()
    if own_partner_id() is None:  # EDT: everyone, the same for every EDT user until the data changes
        found = everyone(today(), book)
    else:
        found = partners_own(today(), own_partner_id(), book)
    matched = apply(found, filters)
    if filters.behind:
        late = behind_by_participant(matched, today(), book)
        matched = [s for s in matched if s.pk in late]
    if filters.at_risk:
        risks = at_risk_by_participant(matched, today(), book)
        matched = [s for s in matched if s.pk in risks]
    return filters, matched, book


@bp.get("/")
@access(ANYONE)
def index():
    filters, matched, book = _listed()
    sorting = Sorting.from_args(request.args)
    page = paginate(sorting.apply(matched), page_number(request.args.get("page")))
    args = filters.query_args()
    listed = args | sorting.query_args()
    steps = next_steps_for(page.items, today(), book)
    return render_template(
        "participants/index.html",
        title="Participants" if page.number == 1 else f"Participants (page {page.number} of {page.pages})",
        filters=filters,
        as_of=today(),
        page=page,
        window=page_window(page),
        page_url=lambda number: url_for("participants.index", **listed, **({"page": number} if number > 1 else {})),
        sorting=sorting,
        sort_labels=PARTICIPANT_SORT_LABELS,
        sort_url=lambda column: url_for("participants.index", **args, **sorting.toggled(column).query_args()),
        export_args=args,
        courses=sorted(book.by_code, key=lambda code: book.by_code[code].course.id),
        cohorts=sorted({row.cohort for rows in book.schedule_rows.values() for row in rows}),
        statuses=OUTPUT_STATUSES,
        escalations=ESCALATIONS,
        partner_codes=db.session.scalars(select(DeliveryPartner.code).order_by(DeliveryPartner.code)).all()
        if current_user.is_edt else [],
        show_partner=current_user.is_edt,
        output_columns=max((len(s.outputs) for s in matched), default=1),
        steps=steps,
        short_why=short_why,
        next_step=lead,
        can_select=current_user.role in LEADS,
    )


def _emails(found: list[Standing]) -> dict[int, str]:
    pks = [s.pk for s in found]
    emails: dict[int, str] = {}
    for start in range(0, len(pks), 2000):
        emails.update(db.session.execute(
            select(Participant.id, Participant.email).where(Participant.id.in_(pks[start : start + 2000]))
        ).all())
    return emails


def _download(body, mimetype: str, extension: str) -> Response:
    filename = f"participants-{today().isoformat()}.{extension}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/export.csv")
@access(ANYONE)
def export_csv():
    _, matched, book = _listed()
    return _download(participants_csv(matched, next_steps_for(matched, today(), book), _emails(matched)), "text/csv", "csv")


@bp.get("/export.xlsx")
@access(ANYONE)
def export_xlsx():
    _, matched, book = _listed()
    body = participants_xlsx(matched, next_steps_for(matched, today(), book), _emails(matched))
    return _download(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")


@bp.get("/mail-merge.xlsx")
@access(LEADS)
def mail_merge():
    """The selected participants (?participant=ID, repeated) with their next step, for a mail merge."""
    refs = {ref.strip().upper() for ref in request.args.getlist("participant") if ref.strip()}
    if not refs:
        flash("Select at least one participant for the mail-merge file.")
        return redirect(url_for("participants.index"))
    book = Book()
    found = standings(today(), scoped(participants_query()).where(func.upper(Participant.participant_id).in_(refs)),
                      book)
    if len(found) != len(refs):
        abort(404)  # someone else's participant, or no such participant
    rows = mail_merge_rows(found, next_steps_for(found, today(), book), _emails(found))
    body = xlsx_bytes(MAIL_MERGE_HEADER, rows, title="Mail merge")
    filename = f"next-steps-mail-merge-{today().isoformat()}.xlsx"
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def caveats(standing: Standing) -> dict[int, str]:
    """Output number -> why its evidence is acceptable but not DfE's preferred kind."""
    found = {}
    for output in standing.outputs:
        if output.met_on and output.met.not_preferred:
            rests = "the video introduction alone" if output.basis == ("video",) else "a contingency mark alone"
            found[output.spec.number] = (f"Rests on {rests}: not DfE's preferred evidence; the delivery partner "
                                         "may be asked for confirmation.")
    return found


@bp.post("/<id:participant_id>/other-emails/remove")
@access(ANYONE)
def remove_other_email(participant_id: str):
    """An other email removed: the participant's own partner's users, and EDT."""
    participant = participant_or_404(participant_id)
    address = request.form.get("email", "")
    if forget_other_email(participant, address, current_user.email):
        db.session.commit()
        flash(f"{address} is no longer an address of {participant.full_name}: reports naming it will list it as "
              "not matched", "success")
    else:
        flash(f"{address or 'That address'} is not one of {participant.full_name}'s other emails")
    return redirect(url_for("participants.show", participant_id=participant.participant_id))


def at_dfe(participant: Participant) -> dict:
    """For EDT: what DfE is to be told of the participant, and DfE's last answer to each kind of change."""
    from ..declarations.changes import describe, in_words, last_told, to_tell
    from ..declarations.dfe import configuration_problem

    return {"to_tell": [(describe(change), change.held) for _, change in to_tell([participant.id], today())],
            "told": [(in_words(t.action), t) for t in last_told(participant.id)],
            "not_set_up": DFE_API_NOT_SET_UP if configuration_problem() else None}


@bp.get("/<id:participant_id>")
@access(ANYONE)
def show(participant_id: str):
    participant = participant_or_404(participant_id)
    book = Book()
    as_of = today()
    standing = standings(as_of, participants_query().where(Participant.id == participant.id), book)[0]
    facts = book.courses[participant.course_id]
    audit, more_audit = audit_trail(participant.id, book)
    steps = next_steps_for([standing], as_of, book).get(standing.pk)
    return render_template(
        "participants/show.html",
        title=f"{participant.full_name} ({participant.participant_id})",
        participant=participant,
        standing=standing,
        as_of=as_of,
        caveats=caveats(standing),
        missing=what_is_missing(standing.outputs, steps),
        steps=steps,
        step_list=steps_in_order(steps) if steps else [],
        step_intro=intro(steps) if steps else "",
        step_activities=every_activity(steps) if steps else [],
        assessments=sorted(assessments_by_participant([participant.id]).get(participant.id, []),
                           key=lambda a: a.recorded_on, reverse=True),
        chase=next((a.timing for a in action_list([standing], as_of)), ""),
        course_name=facts.course.name,
        progress=participant_progress(participant.id, facts, as_of),
        registers=registers(participant.id),
        views=video_views(participant.id),
        history=escalation_history(participant.id),
        audit=audit,
        more_audit=more_audit,
        actions=action_links(participant),
        periods=load_periods([participant.id]).get(participant.id),
        behind=behind_by_participant([standing], as_of, book).get(participant.id, []),
        risk=at_risk_by_participant([standing], as_of, book).get(participant.id),
        windows_set=windows_set(participant.cohort, facts.course.course_group),
        proposal=open_proposal(participant),
        at_dfe=at_dfe(participant) if current_user.is_edt else None,
        withdrawal_reasons=WITHDRAWAL_REASON_LABELS,
        basis_labels=BASIS_LABELS,
        mark_labels=MARK_LABELS,
        contingency=CONTINGENCY,
    )

