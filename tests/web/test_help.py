"""The tracker's own account of its rules, docs/rules.md, shown as a page linked from every page."""
from __future__ import annotations

from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]


def test_the_rules_page_renders_docs_rules_md_with_its_tables(as_facilitator):
    page = as_facilitator.get("/help/rules").get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-xl\">How the tracker decides</h1>" in page
    assert '<table class="govuk-table app-table--cards">' in page and "3-week window" in page
    # on a phone each row stacks, its cells labelled by their column's heading
    assert '<td class="govuk-table__cell" data-label="escalation">Due soon</td>' in page
    assert "225 of 249 is enough, 224 is not" in page


def test_every_signed_in_page_links_to_the_rules(as_facilitator):
    for path in ("/dashboard", "/participants/", "/registers", "/help/rules"):
        assert 'href="/help/rules"' in as_facilitator.get(path).get_data(as_text=True)


def test_the_readme_and_the_rules_do_not_send_readers_to_the_steering_documents():
    for path in (ROOT / "README.md", ROOT / "docs" / "rules.md"):
        assert "shared/DOMAIN.md" not in path.read_text()
    assert "docs/rules.md" in (ROOT / "README.md").read_text()


def test_the_rules_page_speaks_to_a_delivery_partner(as_north_lead):
    page = as_north_lead.get("/help/rules").get_data(as_text=True)
    for developer_words in ("tracker/rules", "README", "flask ", ".py", "the code"):
        assert developer_words not in page.split("<main")[1], developer_words
