"""Public pages for links: home, search and the link page. Thin: selectors do the reading."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from api.conditional import registry_cached_page
from core.partial_dates import short_date
from links.forms import SearchForm
from links.models import Link, StatusEvent
from links.selectors import (
    link_for_page,
    search_links,
    status_breakdown,
    status_on,
    timeline,
    with_list_data,
    with_status_on,
    with_text_matched,
)
from places.local_names import local_names_prefetch
from places.models import Place


def home(request: HttpRequest) -> HttpResponse:
    today = dt.date.today()
    by_status = dict(
        with_status_on(Link.objects.all(), today).order_by().values_list("status_on_date").annotate(n=Count("pk"))
    )
    recent = (
        StatusEvent.objects.select_related("link")
        .prefetch_related(
            "link__parties__place", "link__parties__institution", *local_names_prefetch("link__parties__place")
        )
        .exclude(category="record")
        .order_by("-date", "-sequence", "-id")[:8]
    )
    context = {
        "link_count": Link.objects.count(),
        "place_count": Place.objects.exclude(kind="unidentified").count(),
        "country_count": Place.objects.order_by().values("country").distinct().count(),
        "by_status": by_status,
        "recent_decisions": recent,
        "today": today,
    }
    return render(request, "links/home.html", context)


SEARCH_PARAMETERS = (
    "q", "country", "partner_country", "subdivision", "kind", "purpose", "status", "as_of",
    "year_from", "year_to", "needs_verification", "health", "page",
)  # fmt: skip


@registry_cached_page(reads=SEARCH_PARAMETERS)
def search(request: HttpRequest) -> HttpResponse:
    """The search page. Every filter is a URL parameter, so a result is a shareable link."""
    form = SearchForm(request.GET)
    today = dt.date.today()
    page, on, status_counts = None, today, []
    if form.is_valid():
        criteria = with_text_matched(form.to_search())  # looked up once for the rows and the counts
        on = criteria.as_of or today
        results = with_list_data(search_links(criteria, today=today))
        status_counts = status_breakdown(replace(criteria, status=[]), today=today)
        paginator = Paginator(results, settings.SEARCH_PAGE_SIZE)
        # The breakdown has already counted the matches: spare the database a second pass.
        paginator.count = sum(n for status, n in status_counts if not criteria.status or status in criteria.status)
        page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    without_status = query.copy()
    without_status.pop("status", None)
    context = {
        "form": form,
        "page": page,
        "on": on,
        "is_today": on == today,
        "query": query.urlencode(),
        "query_without_status": without_status.urlencode(),
        "status_counts": status_counts,
        "status_heading": gettext("Status today")
        if on == today
        else gettext("Status on %(date)s") % {"date": short_date(on)},
    }
    return render(request, "links/search.html", context, status=200 if page is not None else 400)


EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "links.csv"),
    "json": ("application/json; charset=utf-8", "links.json"),
    "geojson": ("application/geo+json; charset=utf-8", "links.geojson"),
}


def search_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The search page's rows, all pages of them, as CSV, JSON or GeoJSON (streamed)."""
    from api.exports import links_csv, links_geojson, links_json

    form = SearchForm(request.GET)
    if not form.is_valid():
        return search(request)  # the page, with the error summary (400)
    criteria = form.to_search()
    today = dt.date.today()
    on = criteria.as_of or today
    links = search_links(criteria, today=today)
    content_type, filename = EXPORTS[fmt]
    if fmt == "csv":
        body = links_csv(links, on)
    elif fmt == "json":
        query = {k: request.GET.getlist(k) if k == "status" else v for k, v in request.GET.items()}
        body = links_json(links, on, query)
    else:
        body = links_geojson(links, on)
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def open_data(request: HttpRequest) -> HttpResponse:
    # The data files carry the licence in English (one text for every reuser); the page reads it
    # in the reader's language.
    licence = gettext(
        "Twinning Hub open data. Facts cite their sources; data imported from Wikipedia lists is CC BY-SA, "
        "and from Wikidata CC0. Reuse the registry under the Open Database Licence (ODbL 1.0), crediting Twinning Hub."
    )
    return render(request, "links/open_data.html", {"licence": licence})


@registry_cached_page(reads=())
def link_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    try:
        link = link_for_page(pk)
    except Link.DoesNotExist as exc:
        removed = Link.all_objects.filter(pk=pk, removed=True).first()
        if removed is not None:  # gone, on purpose: say so, and where its history is
            return render(request, "links/removed.html", {"link": removed}, status=410)
        raise Http404(gettext("No link with this number.")) from exc
    canonical = link.get_absolute_url()
    if request.path != canonical:
        return HttpResponsePermanentRedirect(canonical)
    today = dt.date.today()
    from accounts.policy import Action, can
    from api.jsonld import link_jsonld
    from disputes.policy import can_work_on
    from disputes.selectors import published_summaries_of, timeline_with_summaries
    from health.selectors import HEALTH_MEANING, activities_of, link_health, timeline_with_activities
    from knowledge.selectors import guides_for

    context = {
        "link": link,
        "today": today,
        "status_today": status_on(link, today),
        "timeline": timeline_with_summaries(
            timeline_with_activities(timeline(link), activities_of(link)), published_summaries_of(link)
        ),
        "jsonld": link_jsonld(link, today),
        "health": link_health(link),
        "health_meaning": HEALTH_MEANING,
        "can_record": can(request.user, Action.EDIT, link),
        "can_verify": can(request.user, Action.RECORD_DECISION, link),
        "can_review_disputes": can_work_on(request.user, link),  # an owner's private checklist, not moderators'
        "related_guides": guides_for(link=link),
    }
    return render(request, "links/link_detail.html", context)
