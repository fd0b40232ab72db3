"""The statistics page and its CSV downloads. Thin: stats.selectors counts, stats.tables lays out."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from core.spreadsheets import safe_cell
from stats.forms import StatisticsForm
from stats.income_groups import CITATION as INCOME_CITATION
from stats.income_groups import SOURCE_URL as INCOME_SOURCE_URL
from stats.selectors import SECTIONS, LinkStatistics, Row, Section, link_statistics
from stats.tables import Table, section_chart, section_table


@dataclass
class SectionView:
    section: Section
    table: Table
    chart: SafeString
    csv_url: str
    wide_chart: bool
    scroll_table: bool


def _query(request: HttpRequest, country: str) -> QueryDict:
    """The page's URL parameters, with the country filled in, for links that keep the same filters."""
    query = request.GET.copy()
    query.pop("page", None)
    query["country"] = country
    return query


def _row_url(query: QueryDict):
    """A row's link to the search page, listing exactly the links the row counts, where a filter can say so.

    A row gets no link when its filter would replace one the visitor chose (the purposes of links
    already filtered by purpose, say): the search would then list other links than those counted.
    """
    search = reverse("links:search")

    def url(section: Section, row: Row) -> str:
        params = section.search_params(row)
        if params is None:
            return ""
        if section.slug == "status_today" and query.get("as_of") and query.getlist("status"):
            return ""  # counted among links with a status on another date: no filter says both
        narrowed = query.copy()
        for name, value in params.items():
            chosen = [v for v in query.getlist(name) if v]
            if name != "as_of" and chosen and chosen != [value]:
                return ""
            if value:
                narrowed[name] = value
            else:
                narrowed.pop(name, None)
        return f"{search}?{narrowed.urlencode()}"

    return url


def statistics(request: HttpRequest) -> HttpResponse:
    form = StatisticsForm(request.GET)
    if not form.is_valid():
        return render(request, "stats/statistics.html", {"form": form}, status=400)
    country = form.country
    today = dt.date.today()
    stats = link_statistics(form.to_search(), country, today=today)
    query = _query(request, country)
    encoded = query.urlencode()
    row_url = _row_url(query)
    sections = [
        SectionView(
            section=section,
            table=section_table(stats, section, row_url=row_url),
            chart=section_chart(stats, section, chart_id=f"chart-{slug}"),
            csv_url=f"{reverse('stats:section_csv', kwargs={'section': slug})}?{encoded}",
            wide_chart=section.chart == "columns",
            scroll_table=len(section.rows) > 25,
        )
        for slug, section in stats.sections.items()
    ]
    context = {
        "form": form,
        "stats": stats,
        "sections": sections,
        "search_url": f"{reverse('links:search')}?{encoded}",
        "today": today,
        "income_citation": INCOME_CITATION,
        "income_source_url": INCOME_SOURCE_URL,
    }
    return render(request, "stats/statistics.html", context)


def _form_errors(form: StatisticsForm) -> str:
    lines = [
        gettext("%(label)s: %(error)s") % {"label": form.fields[name].label, "error": error}
        for name, errors in form.errors.items()
        if name in form.fields
        for error in errors
    ]
    lines += list(form.non_field_errors())
    return gettext("There is a problem with the filters:") + "\n" + "\n".join(f"- {line}" for line in lines) + "\n"


def section_csv(request: HttpRequest, section: str) -> HttpResponse:
    """One section's table as CSV (UTF-8 with a byte-order mark, so that Excel reads accents right)."""
    if section not in SECTIONS:
        raise Http404(gettext("No such statistics table."))
    form = StatisticsForm(request.GET)
    if not form.is_valid():
        return HttpResponse(_form_errors(form), status=400, content_type="text/plain; charset=utf-8")
    stats: LinkStatistics = link_statistics(form.to_search(), form.country, sections=[section])
    if section not in stats.sections:
        raise Http404(gettext("This table needs a 'status on date' (as_of) other than today."))
    table = section_table(stats, stats.sections[section])
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="twinning-hub-{stats.country.lower()}-{section}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in table.csv_rows():
        writer.writerow([safe_cell(cell) for cell in row])
    return response
