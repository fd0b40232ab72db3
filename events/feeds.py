"""The hub's feeds: an Atom feed of registry changes (filtered like the search page) and iCalendar feeds of
events (everything, a place's, a link's).

The Atom feed is Django's syndication framework; the iCalendar files are written by the `icalendar`
package, which escapes text and folds long lines as RFC 5545 asks.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext, override

from events.models import Event
from events.selectors import (
    AHEAD_DAYS,
    FEED_PAST_DAYS,
    Anniversary,
    RegistryChange,
    anniversaries_between,
    events_between,
    registry_changes,
)
from links.forms import SearchForm
from links.models import Link
from links.selectors import LinkSearch, search_links
from places.models import Place

FEED_SIZE = 50


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


class RegistryChangesFeed(Feed):
    """New links, status changes and new guides, newest first, among the links a search would find.

    Filtered, the feed keeps the guides tied to a link the search finds or to a place that is a party of
    one; unfiltered, every published guide.
    """

    feed_type = Atom1Feed
    title = "Twinning Hub: changes to the registry"
    subtitle = (
        "New links, recorded changes of status (paused, ended, reinstated …), each with its source, and new "
        "guides in the knowledge bank. With filters, only the links the search page would find, and only the "
        "guides about one of those links or about a place that is a party of one."
    )

    def get_object(self, request: HttpRequest) -> SearchForm:
        form = SearchForm(request.GET)
        if not form.is_valid():
            raise ValueError("invalid filters")  # changes_feed answers 400 before this runs
        self._query = request.GET.urlencode()
        return form

    def link(self, form: SearchForm) -> str:
        with override("en"):
            from django.urls import reverse

            search = reverse("links:search")
        return search + (f"?{self._query}" if self._query else "")

    def items(self, form: SearchForm) -> list[RegistryChange]:
        criteria = form.to_search()
        # Unfiltered, the feed reads the newest rows directly rather than through a search of every link.
        links = None if criteria == LinkSearch() else search_links(criteria)
        return registry_changes(links, limit=FEED_SIZE)

    def item_title(self, change: RegistryChange) -> str:
        if change.guide is not None:
            label = "New case study" if change.guide.kind == "case_study" else "New guide"
            return f"{label}: {change.guide.title}"
        if change.status_event is None:
            return f"New link: {change.link.title}"
        event = change.status_event
        return f"{change.link.title}: {event.get_status_display()} ({event.when.iso()})"

    def item_description(self, change: RegistryChange) -> str:
        # Atom's summary is HTML to a feed reader: text people wrote is escaped to show as text.
        return escape(self._description(change))

    def _description(self, change: RegistryChange) -> str:
        if change.guide is not None:
            return change.guide.summary
        if change.status_event is None:
            return change.link.description or f"{change.link.get_kind_display()} added to the registry."
        event = change.status_event
        parts = [f"Status: {event.get_status_display()}, {event.when.iso()}."]
        if event.deciding_body:
            parts.append(f"Decided by: {event.deciding_body}.")
        if event.reason:
            parts.append(event.reason)
        return " ".join(parts)

    def item_link(self, change: RegistryChange) -> str:
        if change.guide is not None:
            return change.guide.get_absolute_url()
        url = change.link.get_absolute_url()
        return url + (f"#event-{change.status_event.pk}" if change.status_event else "")

    def item_guid(self, change: RegistryChange) -> str:
        return _absolute(f"/feeds/changes/{change.uid}")

    item_guid_is_permalink = False

    def item_pubdate(self, change: RegistryChange) -> dt.datetime:
        return change.at

    def item_updateddate(self, change: RegistryChange) -> dt.datetime:
        return change.at


_changes_feed = RegistryChangesFeed()


def changes_feed(request: HttpRequest) -> HttpResponse:
    """/feeds/changes.atom?country=GB&partner_country=RU …: the search page's filters, as a feed."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        return HttpResponseBadRequest(f"These filters cannot be used: {problems}", content_type="text/plain")
    with override("en"):  # one feed for every reader, in the registry's language
        return _changes_feed(request)


# ---------------------------------------------------------------- iCalendar

ICAL_TYPE = "text/calendar; charset=utf-8"


def _ical_event(event: Event) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", f"event-{event.pk}@{_host()}")
    item.add("dtstamp", event.updated_at)
    item.add("last-modified", event.updated_at)
    item.add("summary", event.title)
    item.add("categories", [str(event.get_kind_display())])
    if event.starts is not None:
        item.add("dtstart", event.starts)
        item.add("dtend", event.ends or event.starts + dt.timedelta(hours=1))
    else:  # all day: DTEND is the day after the last (RFC 5545, 3.6.1)
        item.add("dtstart", event.start_date)
        item.add("dtend", event.last_day + dt.timedelta(days=1))
    description = event.description
    where = []
    if event.link_id:
        where.append(event.link.title)
    if event.place_id:
        where.append(event.place.name)
        item.add("location", event.place.name)
    if where:
        description = " — ".join(where) + ("\n\n" + description if description else "")
    if description:
        item.add("description", description)
    item.add("url", event.url or _absolute(event.get_absolute_url()))
    return item


def _ical_anniversary(anniversary: Anniversary) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", f"{anniversary.uid}@{_host()}")
    item.add("dtstamp", timezone.now())
    item.add("summary", f"{anniversary.years} years: {anniversary.link.title}")
    item.add("categories", ["anniversary"])
    item.add("dtstart", anniversary.on)
    item.add("dtend", anniversary.on + dt.timedelta(days=1))
    item.add("description", f"Agreed on {anniversary.link.agreement.isoformat()}.")
    item.add("url", _absolute(anniversary.link.get_absolute_url()))
    return item


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]


def _calendar(name: str, *, place_id: int | None = None, link_id: int | None = None) -> HttpResponse:
    today = dt.date.today()
    start, end = today - dt.timedelta(days=FEED_PAST_DAYS), today + dt.timedelta(days=AHEAD_DAYS)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Twinning Hub//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for event in events_between(start, end, place_id=place_id, link_id=link_id):
        calendar.add_component(_ical_event(event))
    for anniversary in anniversaries_between(start, end, place_id=place_id, link_id=link_id):
        calendar.add_component(_ical_anniversary(anniversary))
    calendar.add_missing_timezones()  # a VTIMEZONE for each zone an event's times are in
    response = HttpResponse(calendar.to_ical(), content_type=ICAL_TYPE)
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


def events_ical(request: HttpRequest) -> HttpResponse:
    return _calendar("Twinning Hub: events")


def place_events_ical(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_404(Place, pk=pk)
    return _calendar(f"Twinning Hub: events in {place.name}", place_id=place.pk)


def link_events_ical(request: HttpRequest, pk: int) -> HttpResponse:
    link = Link.objects.filter(pk=pk).prefetch_related("parties__place", "parties__institution").first()
    if link is None:
        raise Http404(gettext("No link with this number."))
    return _calendar(f"Twinning Hub: events of {link.title}", link_id=link.pk)
