"""Charts drawn on the server as SVG: no JavaScript, no chart library, every text escaped.

Each chart is an <svg role="img"> labelled by its own <title> and <desc>, sized by a viewBox
so that it scales to the width it is given, and drawn in the status colours of hub.css. The
numbers are always in a table beside the chart: the chart is a picture of the table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

# hub.css's status colours, and one neutral blue (GOV.UK's, 5.2:1 on white) for other bars.
STATUS_COLOURS = {
    "active": "#00703c",
    "paused": "#8a4b00",
    "ended": "#a3151e",
    "proposed": "#1d4ed8",
    "reaffirmed": "#4c2c92",
    "unknown": "#505a5f",
}
BAR_COLOUR = "#1d70b8"
INK = "#0b0c0c"
MUTED = "#505a5f"
GRID = "#b1b4b6"
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"'


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    colour: str = BAR_COLOUR


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str


def _count(value: int) -> str:
    """A count as the reader's language groups it: 1,234 or 1 234."""
    return number_format(value, force_grouping=True)


def _n(value: float) -> str:
    """A coordinate for SVG: at most one decimal, no trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _svg(chart_id: str, title: str, description: str, width: int, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" {font}>'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=width,
        h=height,
        font=mark_safe(FONT),
        title=title,
        desc=description,
        body=body,
    )


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], description: str = "") -> SafeString:
    """Horizontal bars, one per row, each label on its own line above its bar (long labels fit).

    340 units wide with 18-unit text: on a 320-pixel phone the text is still about 15 pixels high.
    """
    width, pad, row_height, count_space = 340, 4, 50, 64
    bar_space = width - 2 * pad - count_space
    largest = max((bar.value for bar in bars), default=0) or 1
    rows = []
    for i, bar in enumerate(bars):
        top = pad + i * row_height
        length = 0 if bar.value == 0 else max(2.0, bar.value / largest * bar_space)
        rows.append(
            format_html(
                '<g><text x="{x}" y="{label_y}" font-size="18" fill="{ink}">{label}</text>'
                '<rect x="{x}" y="{bar_y}" width="{length}" height="18" fill="{colour}"></rect>'
                '<text x="{count_x}" y="{count_y}" font-size="18" font-weight="700" fill="{ink}">{value}</text></g>',
                x=pad,
                label_y=top + 18,
                bar_y=top + 25,
                length=_n(length),
                colour=bar.colour,
                count_x=_n(pad + length + 6),
                count_y=top + 41,
                ink=INK,
                label=_truncate(bar.label, 33),
                value=_count(bar.value),
            )
        )
    height = max(pad * 2 + len(bars) * row_height, 30)
    if not bars:
        rows.append(
            format_html(
                '<text x="{}" y="20" font-size="16" fill="{}">{}</text>', pad, MUTED, gettext("No links to show.")
            )
        )
    description = description or "; ".join(
        gettext("%(label)s: %(count)s") % {"label": bar.label, "count": _count(bar.value)} for bar in bars
    )
    return _svg(chart_id, title, description, width, height, mark_safe("".join(rows)))


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50 ... that is at least `value`."""
    if value <= 1:
        return 1
    magnitude = 10 ** int(math.floor(math.log10(value)))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover (the loop always returns)


def column_chart(
    chart_id: str,
    title: str,
    values: dict[tuple[int, str], int],
    series: Sequence[Series],
    description: str = "",
) -> SafeString:
    """One column per year from the first to the last year given, stacked by series, with a legend.

    `values` maps (year, series key) to a count. Years without values show as gaps, so that a
    wave (many pauses and ends in one year) stands out against the quiet years around it.
    """
    width, height = 640, 320
    left, right, top, bottom = 44, 10, 56, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    years = sorted({year for year, _ in values})
    parts: list[SafeString] = []

    # Legend: a swatch and a label per series, in one row above the plot.
    x = left
    for item in series:
        parts.append(
            format_html(
                '<rect x="{x}" y="8" width="14" height="14" fill="{colour}"></rect>'
                '<text x="{tx}" y="20" font-size="15" fill="{ink}">{label}</text>',
                x=x,
                tx=x + 19,
                colour=item.colour,
                ink=INK,
                label=item.label,
            )
        )
        x += 19 + 9 * len(item.label) + 18

    if not years:
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="16" fill="{}">{}</text>',
                left,
                top + 20,
                MUTED,
                gettext("No status changes recorded."),
            )
        )
        return _svg(chart_id, title, description or title, width, height, mark_safe("".join(parts)))

    first, last = years[0], years[-1]
    span = last - first + 1
    totals = {year: sum(n for (y, _), n in values.items() if y == year) for year in years}
    ceiling = _nice_ceiling(max(totals.values()))
    scale = plot_h / ceiling

    # Horizontal grid lines with their values: 0, half and the top.
    for tick in sorted({0, ceiling // 2 if ceiling >= 2 else 0, ceiling}):
        y = top + plot_h - tick * scale
        parts.append(
            format_html(
                '<line x1="{x1}" x2="{x2}" y1="{y}" y2="{y}" stroke="{grid}" stroke-width="1"></line>'
                '<text x="{tx}" y="{ty}" font-size="14" text-anchor="end" fill="{muted}">{tick}</text>',
                x1=left,
                x2=width - right,
                y=_n(y),
                tx=left - 6,
                ty=_n(y + 5),
                grid=GRID,
                muted=MUTED,
                tick=_count(tick),
            )
        )

    slot = plot_w / span
    bar_width = max(1.0, slot * 0.8)
    for year in years:
        x = left + (year - first) * slot + (slot - bar_width) / 2
        y = top + plot_h
        stack = []
        for item in series:
            count = values.get((year, item.key), 0)
            if not count:
                continue
            h = count * scale
            y -= h
            stack.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{colour}"></rect>',
                    x=_n(x),
                    y=_n(y),
                    w=_n(bar_width),
                    h=_n(h),
                    colour=item.colour,
                )
            )
        summary = ", ".join(
            gettext("%(count)s %(status)s") % {"count": _count(values[(year, s.key)]), "status": s.label}
            for s in series
            if values.get((year, s.key))
        )
        parts.append(format_html("<g><title>{}: {}</title>{}</g>", year, summary, mark_safe("".join(stack))))

    # Year labels: every year when few, else round years (every 5, 10, 20 ...) so that labels never collide.
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100) if span / s <= 12)
    label_years = [year for year in range(first, last + 1) if year % step == 0] or [first]
    if step > 1 and first not in label_years and (label_years[0] - first) * slot > 40:
        label_years.insert(0, first)
    if step > 1 and last not in label_years and (last - label_years[-1]) * slot > 40:
        label_years.append(last)
    parts.append(
        format_html_join(
            "",
            '<text x="{}" y="{}" font-size="14" text-anchor="middle" fill="{}">{}</text>',
            ((_n(left + (year - first + 0.5) * slot), height - bottom + 20, INK, year) for year in label_years),
        )
    )
    parts.append(
        format_html(
            '<line x1="{x1}" x2="{x2}" y1="{y}" y2="{y}" stroke="{ink}" stroke-width="1.5"></line>',
            x1=left,
            x2=width - right,
            y=top + plot_h,
            ink=INK,
        )
    )
    if not description:
        busiest = max(years, key=lambda year: (totals[year], year))
        description = gettext(
            "%(count)s status changes from %(first)s to %(last)s; the most in %(busiest)s (%(most)s)."
        ) % {
            "count": _count(sum(totals.values())),
            "first": first,
            "last": last,
            "busiest": busiest,
            "most": _count(totals[busiest]),
        }
    return _svg(chart_id, title, description, width, height, mark_safe("".join(parts)))
