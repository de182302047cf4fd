"""Why not met and what next, on the participant page (sample dataset as of 1 March 2023)."""
from __future__ import annotations

import html5lib

from .test_participants import edt_staff, examples, north_lead  # noqa: F401  (fixtures)


def page_tree(browser, url):
    response = browser.get(url)
    assert response.status_code == 200
    return html5lib.HTMLParser(namespaceHTMLElements=False).parse(response.get_data(as_text=True))


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def test_a_retention_output_says_no_new_engagement_since_the_last_output_point(north_lead):
    tree = page_tree(north_lead, "/participants/EX006")
    row = tree.find(".//tr[@data-output='2']")
    assert "What is missing: No new engagement since 18 December 2022, when Output 1 was met." in text_of(row)
    later = tree.find(".//tr[@data-output='3']")
    assert "What is missing: Output 2 must be met first." in text_of(later)
    panel = tree.find(".//div[@id='next-step']")
    assert "on or after 1 March 2023, meets Output 2" in text_of(panel)
    options = [li.get("data-option") for li in panel.iter("li")]
    # cheapest first: unfinished activities by credits, then training events, then block videos
    assert options.index("progress") < options.index("register") < options.index("video")
    credits = [int(text_of(li).rsplit(", ", 1)[1].split()[0]) for li in panel.iter("li") if li.get("data-option") == "progress"]
    assert credits == sorted(credits)
    assert any("NPQLT Live Webinar (block 1)" in text_of(li) for li in panel.iter("li"))


def test_the_final_output_says_how_many_credits_and_where_the_assessment_stands(north_lead):
    tree = page_tree(north_lead, "/participants/EX004")
    row = tree.find(".//tr[@data-output='3']")
    missing = text_of(row)
    assert "What is missing:" in missing and "credits needed for 90%" in missing
    panel = tree.find(".//div[@id='next-step']")
    assert "Both of these, done on or after 1 March 2023, meet Output 3" in text_of(panel)
    assert [li.get("data-option") for li in panel.iter("li") if li.get("data-option")] == ["credits-90", "assessment"]


def test_partner_users_read_the_assessment_section(north_lead):
    tree = page_tree(north_lead, "/participants/EX004")
    rows = [[text_of(td) for td in tr.iter("td")] for tr in tree.find(".//table[@id='assessment-table']").iter("tr")]
    assert ["10 Jan 2023", "Marked", "None yet"] in rows
    assert "assessment marked, not yet moderated" in text_of(tree.find(".//tr[@data-output='3']"))
    assert "No assessment recorded." in text_of(page_tree(north_lead, "/participants/EX006").find(".//body"))


def test_a_met_or_deferred_participant_has_no_next_step_panel(edt_staff):
    tree = page_tree(edt_staff, "/participants/EX007")  # deferred
    assert tree.find(".//div[@id='next-step']") is None


def cells(tree, table_id, column="next-step") -> dict[str, str]:
    table = tree.find(f".//table[@id='{table_id}']")
    return {tr.get("data-participant"): text_of(td) for tr in table.iter("tr") if tr.get("data-participant")
            for td in tr.iter("td") if td.get("data-column") == column}


def test_the_action_list_says_why_and_the_next_step_for_each_person(north_lead):
    said = cells(page_tree(north_lead, "/dashboard"), "action-list")
    assert said["EX006"].startswith("No new engagement since 18 Dec 2022.Next: Complete ")
    # every training event offered was held for NORTH's cohort 1 before 1 March 2023
    assert said["EX006"].endswith(", or do the contingency activity for NPQLT F2F Training Session")
    assert "credits" in said["EX004"] and "Next: Earn" in said["EX004"]
    assert all(said.values())


def test_the_count_tiles_link_to_the_filtered_list(north_lead):
    tree = page_tree(north_lead, "/dashboard")
    tiles = {a.get("data-tile"): a.get("href") for a in tree.iter("a") if a.get("data-tile")}
    assert tiles["window"] == "/participants/?escalation=window"
    listed = cells(page_tree(north_lead, tiles["window"]), "participants")
    assert sorted(listed) == ["EX004", "EX014", "EX032"]
    assert all(listed.values())


def test_the_participants_export_gains_email_why_and_next_step(north_lead):
    from .test_participants import csv_rows

    rows = {r["participant_id"]: r for r in csv_rows(north_lead.get("/participants/export.csv"))}
    assert rows["EX006"]["email"] == "ex006@example.org"
    assert rows["EX006"]["why"] == "No new engagement since 18 Dec 2022"
    assert rows["EX006"]["next_step"]
    assert rows["EX028"]["why"] == rows["EX028"]["next_step"] == ""  # withdrawn


def test_asked_before_the_cohort_starts_the_page_and_the_export_say_the_step_counts_from_the_start(
        app, north_lead, monkeypatch):
    from .test_participants import csv_rows

    monkeypatch.setitem(app.config, "TODAY", "2022-06-30")  # EX000 is in cohort 3, which starts on 1 October 2022
    panel = page_tree(north_lead, "/participants/EX000").find(".//div[@id='next-step']")
    assert "on or after 1 October 2022, meets Output 1" in text_of(panel)
    rows = {r["participant_id"]: r for r in csv_rows(north_lead.get("/participants/export.csv"))}
    assert rows["EX000"]["next_step"].startswith("From 1 October 2022, ")  # the words of the emails too
    monkeypatch.setitem(app.config, "TODAY", "2022-10-03")
    rows = {r["participant_id"]: r for r in csv_rows(north_lead.get("/participants/export.csv"))}
    assert rows["EX000"]["next_step"] and not rows["EX000"]["next_step"].startswith("From ")


def test_a_partner_lead_ticks_people_on_the_action_list_and_downloads_a_mail_merge_file(north_lead):
    import io

    from openpyxl import load_workbook

    tree = page_tree(north_lead, "/dashboard")
    form = tree.find(".//form[@id='selection']")
    boxes = [i.get("value") for i in tree.iter("input") if i.get("form") == "selection"]
    assert "EX006" in boxes and "EX004" in boxes
    response = north_lead.get(f"{form.get('action')}?participant=EX006&participant=ex004")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0] == ("participant_id", "name", "email", "output", "review_date", "window_ends", "deadline",
                       "next_step")
    by_id = {r[0]: r for r in rows[1:]}
    assert set(by_id) == {"EX004", "EX006"}
    # dates as the letter prints them: Word's mail merge would print a date cell or ISO text as 2022-06-23
    assert by_id["EX006"][1:7] == ("Name EX006", "ex006@example.org", "Output 2 (keeping up with your course)",
                                   "23 June 2022", "14 July 2022", "14 July 2022")  # no deadline agreed: the window's
    assert by_id["EX006"][7].startswith("Complete ")


def test_the_mail_merge_file_refuses_another_partners_participant_and_facilitators(app, north_lead):
    from .conftest import signed_in

    assert north_lead.get("/participants/mail-merge.xlsx?participant=EX006&participant=EX001").status_code == 404
    assert north_lead.get("/participants/mail-merge.xlsx", follow_redirects=True).status_code == 200
    facilitator = signed_in(app, "facilitator@north.example")
    assert facilitator.get("/participants/mail-merge.xlsx?participant=EX006").status_code == 403
    tree = page_tree(facilitator, "/participants/")
    assert tree.find(".//form[@id='selection']") is None


def test_the_filtered_list_can_be_ticked_for_the_mail_merge_file(north_lead):
    tree = page_tree(north_lead, "/participants/?escalation=window")
    boxes = sorted(i.get("value") for i in tree.iter("input") if i.get("form") == "selection")
    assert boxes == ["EX004", "EX014", "EX032"]
