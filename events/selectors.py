"""Reads for the calendar and the feeds: upcoming events, anniversaries of links, registry changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Q, QuerySet

from events.models import Event
from knowledge.models import Guide
from knowledge.selectors import published_guides
from links.models import Link, Party, StatusEvent

# How far ahead the calendar and its feeds look, and how far back the feeds keep past events.
AHEAD_DAYS = 366
FEED_PAST_DAYS = 183
# Anniversaries on the whole calendar are the round ones; a link's or a place's calendar has every year.
MILESTONE_EVERY = 5


@dataclass(frozen=True)
class Anniversary:
    """A link's anniversary, worked out from its agreement date (never stored)."""

    link: Link
    on: dt.date
    years: int

    @property
    def uid(self) -> str:
        return f"link-{self.link.pk}-anniversary-{self.on.year}"


def _in_place(place_id: int) -> Q:
    """Events of the place, or of a link with a party in it."""
    return Q(place_id=place_id) | Q(link__in=Party.objects.filter(place_id=place_id).values("link_id"))


def events_between(
    start: dt.date, end: dt.date, *, place_id: int | None = None, link_id: int | None = None
) -> QuerySet[Event]:
    """Events on any day from `start` to `end`, for a place or a link when given, soonest first."""
    events = Event.objects.filter(start_date__lte=end).filter(
        Q(end_date__gte=start) | Q(end_date__isnull=True, start_date__gte=start)
    )
    if link_id is not None:
        events = events.filter(link_id=link_id)
    if place_id is not None:
        events = events.filter(_in_place(place_id))
    return events.select_related("place", "link").order_by("start_date", "start_time", "pk")


def _on_in_year(agreed: dt.date, year: int) -> dt.date:
    try:
        return agreed.replace(year=year)
    except ValueError:  # 29 February in a common year: kept on 28 February
        return dt.date(year, 2, 28)


def anniversaries_between(
    start: dt.date, end: dt.date, *, place_id: int | None = None, link_id: int | None = None
) -> list[Anniversary]:
    """Anniversaries of links agreed on a known day, from `start` to `end`.

    For the whole calendar only round ones (every MILESTONE_EVERY years), so that it stays readable
    with thousands of links; for one link or one place, every year.
    """
    links = Link.objects.filter(agreement__isnull=False, agreement_precision="day", agreement__lt=start)
    years = range(start.year, end.year + 1)
    if link_id is not None:
        links = links.filter(pk=link_id)
    elif place_id is not None:
        links = links.filter(pk__in=Party.objects.filter(place_id=place_id).values("link_id"))
    else:
        wanted = {year - n for year in years for n in range(MILESTONE_EVERY, year - 1, MILESTONE_EVERY)}
        links = links.filter(agreement__year__in=sorted(wanted))
    found = []
    for link in links.prefetch_related("parties__place", "parties__institution"):
        for year in years:
            on = _on_in_year(link.agreement, year)
            count = year - link.agreement.year
            round_one = link_id is not None or place_id is not None or count % MILESTONE_EVERY == 0
            if start <= on <= end and count > 0 and round_one:
                found.append(Anniversary(link=link, on=on, years=count))
    return sorted(found, key=lambda a: (a.on, a.link.pk))


@dataclass(frozen=True)
class CalendarEntry:
    day: dt.date
    event: Event | None = None
    anniversary: Anniversary | None = None


def calendar_by_month(start: dt.date, end: dt.date) -> list[tuple[dt.date, list[CalendarEntry]]]:
    """Events and round anniversaries from `start` to `end`, grouped by month (its first day)."""
    entries = [CalendarEntry(day=max(e.start_date, start), event=e) for e in events_between(start, end)]
    entries += [CalendarEntry(day=a.on, anniversary=a) for a in anniversaries_between(start, end)]
    entries.sort(key=lambda e: e.day)
    return [(month, list(rows)) for month, rows in groupby(entries, key=lambda e: e.day.replace(day=1))]


# ---------------------------------------------------------------- registry changes, for the Atom feed


@dataclass(frozen=True)
class RegistryChange:
    """One item of the changes feed: a link added to the registry, a status change recorded, or a guide
    published in the knowledge bank."""

    kind: str  # "link", "status" or "guide"
    link: Link | None
    at: dt.datetime
    status_event: StatusEvent | None = None
    guide: Guide | None = None

    @property
    def uid(self) -> str:
        if self.guide is not None:
            return f"guide-{self.guide.pk}"
        return f"status-{self.status_event.pk}" if self.status_event else f"link-{self.link.pk}"


def _guides_of(ids: QuerySet) -> Q:
    """Guides tied to one of these links, or to a place that is a party of one (itself or through an
    institution in it): what "filtered like the search" means for a guide."""
    parties = Party.objects.filter(link__in=ids)
    return (
        Q(links__in=ids)
        | Q(places__in=parties.filter(place__isnull=False).values("place_id"))
        | Q(places__in=parties.filter(institution__isnull=False).values("institution__place_id"))
    )


def registry_changes(links: QuerySet[Link] | None, limit: int = 50) -> list[RegistryChange]:
    """The newest `limit` changes among `links` (a search's links; None for all): new links, recorded
    status changes and newly published guides (with a search, those tied to its links or their places).
    Newest by id, which follows creation, so the links' and status changes' halves read their primary key
    index backwards and stop after `limit` rows; guides are few, and read by their publication date."""
    new = Link.objects.prefetch_related("parties__place", "parties__institution")
    events = (
        StatusEvent.objects.exclude(category="record")
        .filter(link__removed=False)
        .select_related("link")
        .prefetch_related("link__parties__place", "link__parties__institution")
    )
    guides = published_guides().filter(published_at__isnull=False)
    if links is not None:
        ids = links.order_by().values("pk")
        new, events = new.filter(pk__in=ids), events.filter(link__in=ids)
        guides = guides.filter(pk__in=Guide.objects.filter(_guides_of(ids)).values("pk"))
    changes = [RegistryChange("link", link, link.created_at) for link in new.order_by("-pk")[:limit]]
    changes += [
        RegistryChange("status", event.link, event.created_at, event) for event in events.order_by("-pk")[:limit]
    ]
    changes += [
        RegistryChange("guide", None, guide.published_at, guide=guide)
        for guide in guides.order_by("-published_at", "-pk")[:limit]
    ]
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes[:limit]
