"""Reads of places: the place page and the list of countries the registry holds."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from links.models import Link, Party, StatusEvent
from links.selectors import with_list_data, with_status_on
from places.local_names import local_names_prefetch
from places.models import Place


def countries_in_registry() -> list[str]:
    """The countries the registry holds places in (every search form lists them), kept until it changes."""
    from api.conditional import versioned_cache  # the API builds on places, not the other way

    return versioned_cache(
        "countries", (), lambda: list(Place.objects.order_by().values_list("country", flat=True).distinct())
    )


def _link_ids_of_place(place: Place) -> QuerySet[Party]:
    """The ids of the links `place` is a party to, directly or through an institution in it.

    Two index lookups on parties (by place, by the place's few institutions), not a join of
    every party through institutions.
    """
    institutions = [institution.pk for institution in place.institutions.all()]  # prefetched by the page
    return Party.objects.filter(Q(place=place) | Q(institution__in=institutions)).values("link_id")


def links_of_place(place: Place, on: dt.date) -> QuerySet[Link]:
    """Links the place is a party to, directly or through an institution in it, with status on `on`."""
    links = Link.objects.filter(pk__in=_link_ids_of_place(place))
    return with_list_data(with_status_on(links, on)).order_by("pk")


def decisions_of_place(place: Place) -> QuerySet[StatusEvent]:
    """Every status event of the place's links, newest first: its history of decisions."""
    return (
        StatusEvent.objects.filter(link__in=_link_ids_of_place(place))
        .select_related("link")
        .prefetch_related(
            "link__parties__place",
            "link__parties__institution",
            "citations__source",
            *local_names_prefetch("link__parties__place"),  # none in English
        )
        .order_by("-date", "-sequence", "-id")
    )
