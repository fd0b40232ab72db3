"""Reads of places: the place page and the list of countries the registry holds."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from links.models import Link, StatusEvent
from links.selectors import with_list_data, with_status_on
from places.models import Place


def countries_in_registry() -> list[str]:
    return list(Place.objects.order_by().values_list("country", flat=True).distinct())


def links_of_place(place: Place, on: dt.date) -> QuerySet[Link]:
    """Links the place is a party to, directly or through an institution in it, with status on `on`."""
    links = Link.objects.filter(Q(parties__place=place) | Q(parties__institution__place=place)).distinct()
    return with_list_data(with_status_on(links, on)).order_by("pk")


def decisions_of_place(place: Place) -> QuerySet[StatusEvent]:
    """Every status event of the place's links, newest first: its history of decisions."""
    return (
        StatusEvent.objects.filter(Q(link__parties__place=place) | Q(link__parties__institution__place=place))
        .distinct()
        .select_related("link")
        .prefetch_related("link__parties__place", "link__parties__institution", "citations__source")
        .order_by("-date", "-sequence", "-id")
    )
