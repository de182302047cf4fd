"""Steps the journeys share: visit a page, sign in, and check every page a user reaches.

Every page a journey reaches is checked the same way (`Journey.arrived`): the server answered
it without error, the browser refused nothing under the Content-Security-Policy, no script
threw, no HTML shows as text, and `check_accessibility` finds no WCAG 2.2 A/AA violation
(axe-core, plus a check axe lacks: every fieldset has a legend).
"""
from __future__ import annotations

import re
from pathlib import Path

from ..web.conftest import PASSWORD

AXE = Path(__file__).resolve().parents[2] / "static" / "js" / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_axe_source: str | None = None


def _axe() -> str:
    global _axe_source
    if _axe_source is None:
        if not AXE.exists():
            raise AssertionError(f"{AXE} is missing: run scripts/build-assets.sh (make test does)")
        _axe_source = AXE.read_text(encoding="utf-8")
    return _axe_source


def check_accessibility(page) -> None:
    """axe-core finds no WCAG 2.2 A/AA violation on the page as it is now.

    axe is injected through the DevTools protocol (page.evaluate), which the page's CSP does
    not govern, so the page keeps its real CSP while it is checked.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe())
    result = page.evaluate(
        "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,"
        " targets: v.nodes.map(n => n.target.join(' ')), summary: v.nodes.map(n => n.failureSummary)})); }",
        WCAG_TAGS,
    )
    result += page.evaluate(_UNNAMED_GROUPS)
    if result:
        lines = [f"{len(result)} accessibility violation(s) on {page.url}:"]
        for violation in result:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} {violation['helpUrl']}")
            for target, summary in zip(violation["targets"], violation["summary"]):
                lines.append(f"    at {target}: {' '.join((summary or '').split())}")
        raise AssertionError("\n".join(lines))


# axe has no WCAG rule for it, but a GOV.UK question (radios, checkboxes, a date) is asked by its
# fieldset's legend: a fieldset without one leaves the options without their question
# (WCAG 1.3.1 Info and relationships, 3.3.2 Labels or instructions).
_UNNAMED_GROUPS = """() => {
  const bad = [...document.querySelectorAll('fieldset')].filter(f => {
    const legend = f.querySelector(':scope > legend');
    return !legend || !legend.textContent.trim();
  });
  return bad.length ? [{id: 'fieldset-legend', impact: 'serious',
    help: 'A fieldset must have a legend with text: the question its fields answer',
    helpUrl: 'https://design-system.service.gov.uk/components/fieldset/',
    targets: bad.map(f => 'fieldset' + (f.querySelector('[id]') ? ' containing #' + f.querySelector('[id]').id : '')),
    summary: bad.map(() => 'no legend, or an empty one')}] : [];
}"""


# HTML escaped twice shows its tags to the user as text ("<a class=...>").
_SHOWN_MARKUP = """() => {
  const found = document.body.innerText.match(/<\\/?(a|strong|span|div|p|br|ul|li|table|tr|td|th)\\b[^>]*>/i);
  return found ? found[0] : null;
}"""


# The document's overflow, and what sticks out past the window outside any scrolling region.
_OVERFLOW = """() => {
  const root = document.documentElement, width = root.clientWidth;
  const scrolls = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== 'visible') return true; } return false; };
  const out = [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !scrolls(e))
    .slice(0, 5).map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')}`
                          + ` (right edge ${Math.round(e.getBoundingClientRect().right)}px)`);
  return {extra: root.scrollWidth - width, out};
}"""
# On a phone a table of app-table--cards shows each row as a card whose cells are labelled by their
# data-label: every cell but the first (the card's title) must carry its column's visible heading.
_UNLABELLED_CELLS = """() => {
  const visible = e => { const c = e.cloneNode(true);
    c.querySelectorAll('.govuk-visually-hidden').forEach(h => h.remove());
    return c.textContent.replace(/\\s+/g, ' ').trim(); };
  const found = new Set();
  for (const table of document.querySelectorAll('table.app-table--cards')) {
    const heads = [...table.querySelectorAll('thead th')].map(visible);
    const name = table.id || (table.caption ? table.caption.textContent.trim().slice(0, 40) : 'a table');
    for (const row of table.querySelectorAll('tbody tr')) {
      [...row.children].forEach((cell, i) => {
        if (i === 0 || !heads[i] || cell.tagName !== 'TD') return;
        const label = (cell.dataset.label || '').trim();
        if (label !== heads[i]) found.add(`${name}: column "${heads[i]}" labelled "${label}"`);
      });
    }
  }
  return [...found].slice(0, 8);
}"""
WIDTHS = (390, 1280)  # a phone, and a laptop
PHONE = 390

# WCAG 2.2 2.5.8 Target size (minimum), as the success criterion words it. Each visible control
# (a link, button, input, select, textarea, summary) is a target; a checkbox or radio counts with
# its label, which activates it too. A target passes when it is at least 24 by 24 px, or by the
# criterion's exceptions:
# - inline: a link set in a sentence or block of text (its size is constrained by the line height
#   of the text around it): an inline <a> whose nearest block holds text outside any control;
# - spacing: a 24 px circle centred on the undersized target intersects no other target, nor the
#   circle of another undersized target.
_SMALL_TARGETS = """() => {
  const MIN = 24, R = MIN / 2;
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])';
  const shown = e => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    if (r.width < 2 && r.height < 2) return false;  // govuk-visually-hidden, skip links until focused
    if (s.visibility === 'hidden' || s.display === 'none') return false;
    // inside a closed <details> (laid out, but not rendered); GOV.UK inputs are opacity 0 on purpose
    if (e.checkVisibility && !e.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) return false;
    for (let a = e; a; a = a.parentElement) {
      const c = getComputedStyle(a);
      if (c.clipPath && c.clipPath !== 'none' && a.getBoundingClientRect().width <= 1) return false;
    }
    return true;
  };
  const els = [...document.querySelectorAll(selector)].filter(shown);
  const rectOf = e => {
    let best = e.getBoundingClientRect();
    if ((e.type === 'checkbox' || e.type === 'radio') && e.labels) {
      for (const l of e.labels) { const r = l.getBoundingClientRect();
        if (Math.min(r.width, r.height) > Math.min(best.width, best.height)) best = r; }
    }
    return best;
  };
  const block = e => { let a = e.parentElement;
    while (a && getComputedStyle(a).display.startsWith('inline')) a = a.parentElement; return a; };
  const inline = e => {
    if (e.tagName !== 'A' || getComputedStyle(e).display !== 'inline') return false;
    const b = block(e); if (!b) return false;
    const walker = document.createTreeWalker(b, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (!t.textContent.trim() || t.parentElement.closest(selector)) continue;
      if (!shown(t.parentElement)) continue;
      return true;
    }
    return false;
  };
  const targets = els.map(e => ({e, r: rectOf(e)}));
  const small = targets.filter(t => (t.r.width < MIN - 0.5 || t.r.height < MIN - 0.5) && !inline(t.e));
  const centre = r => [r.left + r.width / 2, r.top + r.height / 2];
  const hitsRect = ([x, y], r) => {
    const dx = Math.max(r.left - x, 0, x - r.right), dy = Math.max(r.top - y, 0, y - r.bottom);
    return dx * dx + dy * dy < R * R - 0.01;
  };
  const describe = t => {
    const e = t.e, text = (e.innerText || e.value || e.getAttribute('aria-label') || e.name || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} "${text}" ${Math.round(t.r.width)}x${Math.round(t.r.height)}px`;
  };
  const failing = small.filter(t => {
    const c = centre(t.r);
    return targets.some(o => o.e !== t.e && !o.e.contains(t.e) && !t.e.contains(o.e) && hitsRect(c, o.r))
      || small.some(o => o.e !== t.e && (() => { const [x, y] = centre(o.r);
           return Math.hypot(x - c[0], y - c[1]) < MIN - 0.01; })());
  });
  return failing.slice(0, 8).map(describe);
}"""


class Journey:
    """A user's browser tab, with the checks every page must pass."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        page.on("response", self._response)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _response(self, response):
        page_failed = response.request.resource_type == "document" and response.status >= 400
        if response.status >= 500 or page_failed:
            self.problems.append(f"{response.request.method} {response.url} answered {response.status}")

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.problems.append(f"CSP refused something on {self.page.url}: {message.text}")

    def visit(self, path: str):
        response = self.page.goto(path)
        assert response is not None and response.ok, f"GET {path} answered {response and response.status}"
        self.arrived()
        return response

    def arrived(self) -> None:
        """The page the user has just reached is sound and accessible."""
        self.page.wait_for_load_state("load")
        problems, self.problems = self.problems, []
        shown_markup = self.page.evaluate(_SHOWN_MARKUP)
        if shown_markup:
            problems.append(f"HTML shown as text on {self.page.url}: {shown_markup}")
        assert not problems, "\n".join(problems)
        check_accessibility(self.page)

    def fits(self, widths=WIDTHS) -> None:
        """At each window width the page is no wider than the window: wide tables scroll in their own region.
        On a phone, every target is big enough or far enough from others (WCAG 2.2 2.5.8), and tables
        stacked as cards label each cell with its column's heading."""
        page = self.page
        before = page.viewport_size
        try:
            for width in widths:
                page.set_viewport_size({"width": width, "height": 800})
                found = page.evaluate(_OVERFLOW)
                assert found["extra"] <= 0, (f"{page.url} is {found['extra']}px wider than a {width}px window; "
                                             f"sticking out: {', '.join(found['out']) or 'nothing visible'}")
                if width <= PHONE:
                    unlabelled = page.evaluate(_UNLABELLED_CELLS)
                    assert not unlabelled, f"{page.url}: cells of stacked tables without their heading: {unlabelled}"
                    small = page.evaluate(_SMALL_TARGETS)
                    assert not small, (f"{page.url} at {width}px has targets under 24 by 24 px (WCAG 2.2 2.5.8) "
                                       f"too close to another: {'; '.join(small)}")
        finally:
            if before:
                page.set_viewport_size(before)

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        page = self.page
        self.visit("/sign-in")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/sign-in" not in url)
        self.arrived()

    def press(self, name: str) -> None:
        """Press a button (a form's, or a link styled as one) and wait for the page that answers."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=name).click()
        self.arrived()

    def follow(self, name: str, exact: bool = False) -> None:
        """Follow a link by its accessible name."""
        with self.page.expect_navigation():
            self.page.get_by_role("link", name=name, exact=exact).first.click()
        self.arrived()

    def open_participant(self, ref: str) -> None:
        """From a list of participants, follow the link in the row of participant REF."""
        row = self.page.get_by_role("row").filter(has_text=re.compile(rf"\b{re.escape(ref)}\b"))
        with self.page.expect_navigation():
            row.get_by_role("link").first.click()
        self.arrived()

    def heading(self) -> str:
        return self.page.get_by_role("heading", level=1).inner_text().strip()

    def banner(self) -> str:
        """The text of the notification banner(s) on the page."""
        return " ".join(self.page.locator(".govuk-notification-banner").all_inner_texts())

    def errors(self) -> list[str]:
        """The messages listed in the page's error summary."""
        return [text.strip() for text in self.page.locator(".govuk-error-summary__list li").all_inner_texts()]
