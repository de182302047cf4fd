"""A partner lead uploads a file and the preview says which outputs it would newly meet, for whom
and on what date, without writing anything; confirming repeats it; cancelling changes nothing."""
from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import OutputRecord, Participant, PendingUpload
from tracker.words import newly_met_summary

from ..factories import PARTICIPANT_HEADER, gen_participant
from .test_uploads import GOOD_ROWS, csv_bytes, north_lead, preview_url, text_of, upload  # noqa: F401

SECOND = "N002,1,S 1.1a The Importance of Teachers and Teaching,3,2022-12-01"
LATER = "N003,1,S 1.1a The Importance of Teachers and Teaching,3,2023-02-01"
ATTENDANCE = "participant_id,block,event,session_date,attendance,marked_by"
VIDEO_VIEWS = "participant_id,block,percent_watched,viewed_on"
NOT_STORED_DATA = {"pending_upload", "user_session", "sign_in_attempt", "alembic_version"}


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table but the uploads waiting and the sign-in state, in a fixed order."""
    db.session.expire_all()
    return {table.name: sorted(map(tuple, db.session.execute(select(table)).all()), key=repr)
            for table in db.metadata.sorted_tables if table.name not in NOT_STORED_DATA}


def met_on(ref: str, number: int):
    return db.session.scalar(
        select(OutputRecord.met_on).join(Participant, OutputRecord.participant_id == Participant.id)
        .where(Participant.participant_id == ref, OutputRecord.number == number))


def add_north(*refs):
    for ref in refs:
        gen_participant(ref, partner="NORTH", course="NPQLT", cohort=3)


def rows_of(page: str) -> list[list[str]]:
    body = page.split('id="meets-list"', 1)[1].split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return [[text_of(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_the_preview_lists_who_would_newly_meet_which_output_and_writes_nothing(north_lead):
    add_north("N002", "N003")
    before = snapshot()
    url = preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS, SECOND, LATER)))
    page = north_lead.get(url).get_data(as_text=True)
    words = text_of(page)
    assert "As of 1 March 2023, this file meets Output 1 for 3 participants, Output 2 for 1." in words
    assert rows_of(page) == [
        ["N001", "Name N001", "Output 1", "10 October 2022"],
        ["N002", "Name N002", "Output 1", "1 December 2022"],
        ["N003", "Name N003", "Output 1", "1 February 2023"],
        ["N001", "Name N001", "Output 2", "1 December 2022"],
    ]
    assert 'href="/participants/N003"' in page
    assert snapshot() == before
    assert met_on("N001", 1) is None

    listed = north_lead.get(f"{url}/meets.csv")
    assert listed.mimetype == "text/csv" and "credits-meets.csv" in listed.headers["Content-Disposition"]
    assert list(csv.reader(io.StringIO(listed.get_data(as_text=True))))[:2] == [
        ["participant_id", "full_name", "output", "met_on"], ["N001", "Name N001", "1", "2022-10-10"]]
    assert snapshot() == before


def test_confirming_repeats_what_the_file_meets_and_stores_it(north_lead):
    add_north("N002")
    url = preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS, SECOND)))
    response = north_lead.post(f"{url}/confirm", form_url=url, follow_redirects=True)
    words = text_of(response.get_data(as_text=True))
    assert ("Imported credits.csv: 4 rows read, 4 created, 0 updated, 0 unchanged; "
            "it meets Output 1 for 2 participants, Output 2 for 1") in words
    assert str(met_on("N001", 1)) == "2022-10-10" and str(met_on("N002", 1)) == "2022-12-01"
    done = text_of(north_lead.get(url).get_data(as_text=True))
    assert "Outputs it met" in done and "this file meets Output 1 for 2 participants, Output 2 for 1." in done


def test_a_second_click_on_confirm_repeats_the_first_ones_outputs(north_lead):
    url = preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS)))
    north_lead.post(f"{url}/confirm", form_url=url)
    pending = db.session.scalar(select(PendingUpload))
    db.session.refresh(pending)
    assert pending.state == "imported"
    again = north_lead.post(f"{url}/confirm", data={"csrf_token": north_lead.csrf("/uploads")}, follow_redirects=True)
    assert "it meets Output 1 for 1 participant, Output 2 for 1" in text_of(again.get_data(as_text=True))


def test_cancelling_leaves_everything_as_it_was(north_lead):
    before = snapshot()
    url = preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS)))
    north_lead.post(f"{url}/cancel", form_url=url)
    assert snapshot() == before
    assert db.session.scalar(select(PendingUpload)) is None


def test_a_file_that_meets_nothing_new_says_so(north_lead):
    url = preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS)))
    north_lead.post(f"{url}/confirm", form_url=url)
    again = preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS), filename="again.csv"))
    page = north_lead.get(again).get_data(as_text=True)
    assert "As of 1 March 2023, this file meets no new outputs." in text_of(page)
    assert 'id="meets-list"' not in page


def test_a_register_file_meets_output_one_for_who_attended(north_lead):
    add_north("N002")
    before = snapshot()
    content = csv_bytes("N001,1,NPQLT F2F Training Session,2022-11-01,attended,Facilitator",
                        "N002,1,NPQLT F2F Training Session,2022-11-01,absent,Facilitator", header=ATTENDANCE)
    url = preview_url(upload(north_lead, content, filename="registers.csv", kind="attendance"))
    page = north_lead.get(url).get_data(as_text=True)
    assert "this file meets Output 1 for 1 participant." in text_of(page)
    assert rows_of(page) == [["N001", "Name N001", "Output 1", "1 November 2022"]]
    assert snapshot() == before
    confirmed = north_lead.post(f"{url}/confirm", form_url=url, follow_redirects=True)
    assert "it meets Output 1 for 1 participant" in text_of(confirmed.get_data(as_text=True))
    assert str(met_on("N001", 1)) == "2022-11-01" and met_on("N002", 1) is None


def test_a_video_views_file_meets_output_one_at_ninety_percent(north_lead):
    before = snapshot()
    content = csv_bytes("N001,1,95,2022-10-20", header=VIDEO_VIEWS)
    url = preview_url(upload(north_lead, content, filename="videos.csv", kind="video-views"))
    page = north_lead.get(url).get_data(as_text=True)
    assert rows_of(page) == [["N001", "Name N001", "Output 1", "20 October 2022"]]
    assert snapshot() == before


@pytest.fixture()
def edt_admin(app, two_partners, monkeypatch):
    from .conftest import signed_in

    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")
    return signed_in(app, "admin@edt.example")


def test_a_participants_file_meets_no_new_outputs_and_writes_nothing(edt_admin):
    before = snapshot()
    content = csv_bytes("N900,Name N900,n900@example.org,NEWDP,NPQLT,3,yes,yes,active", header=PARTICIPANT_HEADER)
    url = preview_url(upload(edt_admin, content, filename="people.csv", kind="participants"))
    words = text_of(edt_admin.get(url).get_data(as_text=True))
    assert "Would create 1" in words and "this file meets no new outputs." in words
    assert snapshot() == before


def test_the_summary_in_words():
    assert newly_met_summary({}) == "meets no new outputs"
    assert newly_met_summary({3: 2, 2: 14}) == "meets Output 2 for 14 participants, Output 3 for 2"
    assert newly_met_summary({1: 1}) == "meets Output 1 for 1 participant"
