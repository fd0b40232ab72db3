"""A section of statistics as a table and as a chart: the same numbers for the page and its CSV download."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString

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
        return "0%"
    percent = 100 * count / total
    return "under 1%" if percent < 0.5 else f"{percent:.0f}%"


def _count_cell(count: int) -> Cell:
    return Cell(count, f"{count:,}", numeric=True)


def section_table(stats: LinkStatistics, section: Section, row_url=None) -> Table:
    """The table of a section. `row_url(section, row)` gives the page a row's link (or ""), if wanted."""
    if section.chart == "columns":
        return _year_table(stats, section)
    total = stats.links
    reference = stats.reference if section.slug == "partners_by_country" else None
    headers = [section.item_heading, "Links"]
    if section.shares:
        headers.append("Share of links")
    if reference:
        headers.append("LGIB 2006")
    table = Table(caption=_caption(stats, section), headers=headers)
    code_heading = {"partners_by_country": "ISO code", "top_places": "Place id"}.get(section.slug, "Code")
    table.csv_headers = [code_heading, *headers]
    for row in section.rows:
        url = row.url or (row_url(section, row) if row_url else "")
        cells = [Cell(row.label, row.label, url=url), _count_cell(row.count)]
        if section.shares:
            cells.append(Cell(share(row.count, total), share_text(row.count, total), numeric=True))
        if reference:
            figure = reference.shares.get(row.key)
            cells.append(
                Cell("" if figure is None else round(100 * figure, 1), "" if figure is None else f"{figure:.0%}")
            )
        table.rows.append(cells)
        table.csv_keys.append(row.key)
    return table


def _caption(stats: LinkStatistics, section: Section) -> str:
    filtered = "matching the filters" if stats.links else "(none match the filters)"
    return f"{section.title}: the {stats.links:,} links of {stats.country_phrase} {filtered}"


def _year_table(stats: LinkStatistics, section: Section) -> Table:
    """Status changes: one row per year, one column per kind of change, and the year's total."""
    present = {row.series for row in section.rows}
    series = [status for status in EVENT_ORDER if status in present]
    counts = {(row.key, row.series): row.count for row in section.rows}
    years = sorted({row.key for row in section.rows}, key=int)
    headers = ["Year", *[LinkStatus(status).label.capitalize() for status in series], "All changes"]
    table = Table(caption=f"{section.title}: status events of the links of {stats.country_phrase}", headers=headers)
    for year in years:
        values = [counts.get((year, status), 0) for status in series]
        table.rows.append([Cell(int(year), year), *[_count_cell(v) for v in values], _count_cell(sum(values))])
    return table


def section_chart(stats: LinkStatistics, section: Section, chart_id: str) -> SafeString:
    if section.chart == "columns":
        present = {row.series for row in section.rows}
        series = [
            Series(status, LinkStatus(status).label.split(" ")[0], STATUS_COLOURS[status])
            for status in EVENT_ORDER
            if status in present
        ]
        values = {(int(row.key), row.series): row.count for row in section.rows}
        return column_chart(chart_id, f"{section.title}, links of {stats.country_phrase}", values, series)
    rows = section.rows[:CHART_ROWS]
    is_status = section.slug in ("status_today", "status_on_date")
    bars = [
        Bar(row.label, row.count, STATUS_COLOURS[row.key]) if is_status else Bar(row.label, row.count) for row in rows
    ]
    title = f"{section.title}, links of {stats.country_phrase}"
    if len(section.rows) > CHART_ROWS:
        title += f" (the first {CHART_ROWS} of {len(section.rows)})"
    return bar_chart(chart_id, title, bars)
