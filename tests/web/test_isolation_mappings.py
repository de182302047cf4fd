"""A partner's column mappings are its own: another partner's upload with the same headings is asked
for its own mapping, never shown or read with theirs, and cannot reach their mapping page; EDT's own
mappings are EDT's."""
from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import CreditRecord, PendingUpload, SavedMapping

from .conftest import signed_in
from .test_upload_mapping import CREDITS, CREDITS_MAP, as_csv, choose, mapping_url, only, today, upload  # noqa: F401
from .test_uploads import count, text_of


def map_and_import(browser, content, columns=CREDITS_MAP):
    url = mapping_url(upload(browser, "credits", content, "credits.csv"))
    token = choose(browser, url, columns).headers["Location"].rpartition("/")[2]
    assert browser.post(f"/uploads/{token}/confirm", form_url=f"/uploads/{token}").status_code == 302


def test_another_partner_neither_sees_nor_uses_a_partners_mapping(app, today):
    north, south = signed_in(app, "lead@north.example"), signed_in(app, "lead@south.example")
    map_and_import(north, as_csv(*CREDITS))
    [saved] = only(SavedMapping)

    south_rows = [["S001", "Block 1", "Diagnostic Assessment for Block 1", "2", "20/11/2022"]]
    url = mapping_url(upload(south, "credits", as_csv(CREDITS[0], south_rows), "south.csv"))  # asked: not NORTH's
    page = text_of(south.get(url).get_data(as_text=True))
    assert "N001" not in page and "lead@north.example" not in page and "saved on" not in page
    south_token = url.split("/")[2]

    north_token = db.session.scalar(select(PendingUpload.token).where(PendingUpload.filename == "credits.csv"))
    assert south.get(f"/uploads/{north_token}/columns").status_code == 404
    assert south.post(f"/uploads/{north_token}/columns", CREDITS_MAP, form_url=url).status_code == 404
    assert north.get(f"/uploads/{south_token}/columns").status_code == 404

    # SOUTH's own mapping, chosen differently, does not change NORTH's
    map_and_import(south, as_csv(CREDITS[0], south_rows),
                   {k: v for k, v in CREDITS_MAP.items() if k != "credits"})
    db.session.expire_all()
    north_saved, south_saved = sorted(only(SavedMapping), key=lambda s: s.id)
    assert north_saved.column_mapping == saved.column_mapping and north_saved.saved_by == "lead@north.example"
    assert south_saved.saved_by == "lead@south.example" and south_saved.partner_id != north_saved.partner_id
    assert count(CreditRecord) == 3

    again = upload(north, "credits", as_csv(*CREDITS), "again.csv").headers["Location"]
    assert "saved on" in text_of(north.get(again).get_data(as_text=True))
    assert "lead@south.example" not in text_of(north.get(again).get_data(as_text=True))


def test_edt_mappings_are_edts_and_a_partners_are_not_edts(app, today):
    north, staff = signed_in(app, "lead@north.example"), signed_in(app, "staff@edt.example")
    map_and_import(north, as_csv(*CREDITS))
    mapping_url(upload(staff, "credits", as_csv(*CREDITS), "edt.csv"))  # EDT is asked for its own
    [saved] = only(SavedMapping)
    assert saved.partner_id is not None
