"""A section of statistics as a table and as a chart: the same numbers for the page and its CSV download."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from links.models import LinkStatus
from stats.charts import STATUS_COLOURS, Bar, Series, bar_chart, column_chart
from stats.selectors import EVENT_ORDER, LinkStatistics, Section

# Bars a chart draws at most; the table always lists every row.
CHART_ROWS = 15


@dataclass(frozen=True)
class Cell:
    value: object  # what the CSV holds: a number or text
    text: str  # what the page shows
    url: str = ""
    numeric: bool = False


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    # The CSV's columns: the page's, with each row's code (ISO code, status ...) first.
    csv_headers: list[str] = field(default_factory=list)
    csv_keys: list[str] = field(default_factory=list)

    def csv_rows(self) -> list[list[object]]:
        rows = [[cell.value for cell in row] for row in self.rows]
        if self.csv_keys:
            rows = [[key, *row] for key, row in zip(self.csv_keys, rows, strict=True)]
        return [self.csv_headers or self.headers, *rows]


def share(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def share_text(count: int, total: int) -> str:
    if not total or not count:
        return gettext("%(percent)s%%") % {"percent": 0}
    percent = 100 * count / total
    if percent < 0.5:
        return gettext("under 1%")
    return gettext("%(percent)s%%") % {"percent": f"{percent:.0f}"}


def count_text(count: int) -> str:
    """A count grouped in the active language's way: 1,234 or 1 234."""
    return number_format(count, force_grouping=True)


def _count_cell(count: int) -> Cell:
    return Cell(count, count_text(count), numeric=True)


def section_table(stats: LinkStatistics, section: Section, row_url=None) -> Table:
    """The table of a section. `row_url(section, row)` gives the page a row's link (or ""), if wanted."""
    if section.chart == "columns":
        return _year_table(stats, section)
    total = stats.links
    reference = stats.reference if section.slug == "partners_by_country" else None
    headers = [section.item_heading, gettext("Links")]
    if section.shares:
        headers.append(gettext("Share of links"))
    if reference:
        headers.append(gettext("LGIB 2006"))
    table = Table(caption=_caption(stats, section), headers=headers)
    code_heading = {"partners_by_country": gettext("ISO code"), "top_places": gettext("Place id")}.get(
        section.slug, gettext("Code")
    )
    table.csv_headers = [code_heading, *headers]
    for row in section.rows:
        url = row.url or (row_url(section, row) if row_url else "")
        cells = [Cell(row.label, row.label, url=url), _count_cell(row.count)]
        if section.shares:
            cells.append(Cell(share(row.count, total), share_text(row.count, total), numeric=True))
        if reference:
            figure = reference.shares.get(row.key)
            cells.append(
                Cell(
                    "" if figure is None else round(100 * figure, 1),
                    "" if figure is None else gettext("%(percent)s%%") % {"percent": f"{100 * figure:.0f}"},
                )
            )
        table.rows.append(cells)
        table.csv_keys.append(row.key)
    return table


def _caption(stats: LinkStatistics, section: Section) -> str:
    values = {"title": section.title, "count": count_text(stats.links), "country": stats.country_phrase}
    if stats.links:
        # Translators: %(country)s is stats.geography.country_phrase: "the UK"; in French "du Royaume-Uni".
        return gettext("%(title)s: the %(count)s links of %(country)s matching the filters") % values
    return gettext("%(title)s: the %(count)s links of %(country)s (none match the filters)") % values


def _year_table(stats: LinkStatistics, section: Section) -> Table:
    """Status changes: one row per year, one column per kind of change, and the year's total."""
    present = {row.series for row in section.rows}
    series = [status for status in EVENT_ORDER if status in present]
    counts = {(row.key, row.series): row.count for row in section.rows}
    years = sorted({row.key for row in section.rows}, key=int)
    headers = [
        gettext("Year"),
        *[str(LinkStatus(status).label).capitalize() for status in series],
        gettext("All changes"),
    ]
    caption = gettext("%(title)s: status events of the links of %(country)s") % {
        "title": section.title,
        "country": stats.country_phrase,
    }
    table = Table(caption=caption, headers=headers)
    for year in years:
        values = [counts.get((year, status), 0) for status in series]
        table.rows.append([Cell(int(year), year), *[_count_cell(v) for v in values], _count_cell(sum(values))])
    return table


def section_chart(stats: LinkStatistics, section: Section, chart_id: str) -> SafeString:
    if section.chart == "columns":
        present = {row.series for row in section.rows}
        series = [
            Series(status, str(LinkStatus(status).label).split(" ")[0], STATUS_COLOURS[status])
            for status in EVENT_ORDER
            if status in present
        ]
        values = {(int(row.key), row.series): row.count for row in section.rows}
        return column_chart(chart_id, _chart_title(stats, section), values, series)
    rows = section.rows[:CHART_ROWS]
    is_status = section.slug in ("status_today", "status_on_date")
    bars = [
        Bar(row.label, row.count, STATUS_COLOURS[row.key]) if is_status else Bar(row.label, row.count) for row in rows
    ]
    title = _chart_title(stats, section)
    if len(section.rows) > CHART_ROWS:
        title += " " + gettext("(the first %(shown)s of %(count)s)") % {"shown": CHART_ROWS, "count": len(section.rows)}
    return bar_chart(chart_id, title, bars)


def _chart_title(stats: LinkStatistics, section: Section) -> str:
    return gettext("%(title)s, links of %(country)s") % {"title": section.title, "country": stats.country_phrase}
