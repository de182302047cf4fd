"""Charts as inline SVG strings: WeasyPrint draws them as vectors, so they print sharply.

Every chart carries its numbers as text, and statuses differ by pattern as well as colour.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from ..rules.status import OUTPUT_STATUSES
from ..words import STATUS_LABELS
from .partnership import CourseStatus, Progress

FONT = "DejaVu Sans, Liberation Sans, sans-serif"
INK = "#0b0c0c"
# Colour-blind-safe fills; dark fills carry white labels.
FILLS = {
    "met": "#1d6b3a",
    "met-late": "#7fbf7b",
    "blocked": "#e69f00",
    "pending": "#c9d3dc",
    "not-met": "#b2182b",
    "total-unknown": "#eeeeee",
    "criteria-pending": "#ffffff",
}
LABEL_COLOURS = {"met": "#ffffff", "not-met": "#ffffff"}
PATTERNS = {"blocked": "hatch-dark", "not-met": "hatch-light", "total-unknown": "dots", "criteria-pending": "dots"}

_DEFS = (
    '<defs>'
    '<pattern id="{p}hatch-dark" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#000000" stroke-opacity="0.35" stroke-width="2"/></pattern>'
    '<pattern id="{p}hatch-light" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-opacity="0.45" stroke-width="2"/></pattern>'
    '<pattern id="{p}dots" width="5" height="5" patternUnits="userSpaceOnUse">'
    '<circle cx="2.5" cy="2.5" r="0.9" fill="#777777"/></pattern>'
    '</defs>'
)


def _text(x: float, y: float, value, *, size: float = 10, anchor: str = "start", fill: str = INK,
          weight: str = "normal") -> str:
    """Only what differs from the defaults set on the <svg> element (SVG attributes inherit)."""
    extra = "" if size == 10 else f' font-size="{size}"'
    extra += "" if anchor == "start" else f' text-anchor="{anchor}"'
    extra += "" if fill == INK else f' fill="{fill}"'
    extra += "" if weight == "normal" else f' font-weight="{weight}"'
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(value)}</text>'


def _defs(prefix: str) -> str:
    return _DEFS.replace("{p}", prefix)


def _swatch(x: float, y: float, w: float, h: float, status: str, prefix: str) -> str:
    shape = (f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{FILLS[status]}" '
             f'stroke="#505a5f" stroke-width="0.5"/>')
    if status in PATTERNS:
        shape += (f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
                  f'fill="url(#{prefix}{PATTERNS[status]})"/>')
    return shape


def status_bars(course: CourseStatus) -> Markup:
    """One stacked horizontal bar per output: how many participants are in each status."""
    width, left, right, bar, gap, top = 660, 70, 60, 20, 8, 6
    shown = [st for st in OUTPUT_STATUSES if any(counts.get(st) for _, counts in course.rows)]
    legend_y = top + len(course.rows) * (bar + gap) + 10
    height = legend_y + 22
    span = width - left - right
    prefix = f"s-{course.course}-"
    parts = [_defs(prefix)]
    for index, (number, counts) in enumerate(course.rows):
        y = top + index * (bar + gap)
        total = sum(counts.values())
        parts.append(_text(0, y + bar * 0.7, f"Output {number}", size=10, weight="bold"))
        x = float(left)
        for status in OUTPUT_STATUSES:
            n = counts.get(status, 0)
            if not n:
                continue
            w = span * n / total
            parts.append(_swatch(x, y, w, bar, status, prefix))
            if w >= 8 + 6.5 * len(str(n)):
                parts.append(_text(x + w / 2, y + bar * 0.7, n, size=9, anchor="middle",
                                   fill=LABEL_COLOURS.get(status, INK), weight="bold"))
            x += w
        parts.append(_text(width - right + 6, y + bar * 0.7, f"{total} in all", size=9))
    x = float(left)
    for status in shown:
        parts.append(_swatch(x, legend_y, 12, 12, status, prefix))
        label = STATUS_LABELS[status]
        parts.append(_text(x + 16, legend_y + 10, label, size=9))
        x += 16 + 6.2 * len(label) + 14
    summary = "; ".join(
        f"output {n}: " + ", ".join(f"{counts[st]} {STATUS_LABELS[st].lower()}" for st in OUTPUT_STATUSES if counts.get(st))
        for n, counts in course.rows
    )
    return _svg(width, height, f"{course.course} output status by output: {summary}", parts)


def progress_histogram(progress: Progress) -> Markup:
    """Participants per 10% band of course credits achieved, with the expected share marked."""
    width, height, left, right, top, bottom = 330, 190, 30, 10, 24, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    band_w = plot_w / len(progress.bands)
    tallest = max(max(progress.bands), 1)
    parts = []
    base = top + plot_h
    parts.append(f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="#505a5f" stroke-width="1"/>')
    for index, count in enumerate(progress.bands):
        x = left + index * band_w
        h = plot_h * count / tallest
        if count:
            parts.append(f'<rect x="{x + 2:.1f}" y="{base - h:.1f}" width="{band_w - 4:.1f}" height="{h:.1f}" '
                         f'fill="#2b6f9e"/>')
            parts.append(_text(x + band_w / 2, base - h - 3, count, size=8.5, anchor="middle"))
    for index in range(0, len(progress.bands) + 1, 2):
        x = left + index * band_w
        parts.append(f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 3}" stroke="#505a5f" stroke-width="1"/>')
        parts.append(_text(x, base + 13, f"{index * 10}%", size=8, anchor="middle"))
    parts.append(_text(left + plot_w / 2, base + 27, "Course credits achieved", size=8.5, anchor="middle"))
    parts.append(_text(left - 6, top + 4, tallest, size=8, anchor="end"))
    parts.append(_text(left - 6, base, 0, size=8, anchor="end"))
    description = "participants per band of 10% of course credits achieved: " + ", ".join(
        f"{i * 10}-{i * 10 + 9}%: {n}" for i, n in enumerate(progress.bands)
    )
    if progress.expected_percent is not None:
        x = left + plot_w * progress.expected_percent / 100
        parts.append(f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{base}" stroke="#0b0c0c" '
                     f'stroke-width="1.5" stroke-dasharray="4 3"/>')
        anchor = "end" if progress.expected_percent > 60 else "start"
        offset = -4 if anchor == "end" else 4
        parts.append(_text(x + offset, top - 10, f"expected {progress.expected_percent}%", size=8.5, anchor=anchor,
                           weight="bold"))
        description += f"; expected by now: {progress.expected_percent}%"
    return _svg(width, height, f"{progress.course} cohort {progress.cohort} credit progress, {description}", parts)


def _svg(width: int, height: float, label: str, parts: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" font-family="{FONT}" font-size="10" fill="{INK}" '
        f'aria-label="{escape(label)}">'
        f'<title>{escape(label)}</title>' + "".join(parts) + "</svg>"
    )
