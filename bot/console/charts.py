"""Charts drawn on the server as inline SVG: no script, no CDN, nothing fetched. Every label is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 330
BAR_WIDTH = 360
VALUE_WIDTH = 80


def bar_chart(items: Sequence[tuple[str, float]], title: str, shown: Sequence[str] | None = None) -> str:
    """Horizontal bars, a label on the left and the value (or `shown[i]`) at each bar's end."""
    height = max(1, len(items)) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    top = max((value for _, value in items), default=0) or 1
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for index, (label, value) in enumerate(items):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = 0 if value <= 0 else max(2, round(BAR_WIDTH * value / top))
        text = shown[index] if shown is not None else _number(value)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" font-size="12">{escape(_clip(label))}</text>'
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" rx="3" '
            f'fill="#2f6f9f"/>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 16}" font-size="13">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(items: Sequence[tuple[str, float]], title: str, marks: Sequence[float] | None = None) -> str:
    """Vertical columns (weeks), the value above each and the label below; `marks` draws a second, darker part
    at the foot of each column (escalated requests of the week)."""
    column, gap, chart_height, foot = 40, 12, 180, 40
    width = len(items) * (column + gap) + gap
    height = chart_height + foot
    top = max((value for _, value in items), default=0) or 1
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    usable = chart_height - 24
    for index, (label, value) in enumerate(items):
        x = gap + index * (column + gap)
        tall = 0 if value <= 0 else max(2, round(usable * value / top))
        y = chart_height - tall
        parts.append(
            f'<rect class="bar" x="{x}" y="{y}" width="{column}" height="{tall}" rx="3" fill="#2f6f9f"/>'
            f'<text x="{x + column / 2:g}" y="{y - 6}" text-anchor="middle" font-size="12">{_number(value)}</text>'
            f'<text x="{x + column / 2:g}" y="{chart_height + 16}" text-anchor="middle" font-size="11">'
            f"{escape(label)}</text>"
        )
        if marks is not None and marks[index] > 0:
            low = max(2, round(usable * marks[index] / top))
            parts.append(
                f'<rect class="mark" x="{x}" y="{chart_height - low}" width="{column}" height="{low}" fill="#b3261e"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def _clip(label: str, limit: int = 42) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
