"""Reads of political-dispute reviews: an owner's own, and the published summaries anyone may read."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from core.partial_dates import DatePrecision, PartialDate
from disputes.models import DisputeReview
from disputes.policy import Owners
from links.models import Link
from places.local_names import local_names_prefetch


def reviews_of(link: Link, owners: Owners) -> list[DisputeReview]:
    """The reviews of `link` that belong to `owners` (the reader's own), newest act first."""
    if not owners:
        return []
    mine = Q(association__in=[a.pk for a in owners.associations]) | Q(place__in=[p.pk for p in owners.places])
    return list(
        DisputeReview.objects.filter(mine, link=link)
        .select_related("association", "place")
        .prefetch_related(*local_names_prefetch("place"))
        .order_by("-happened_on", "-id")
    )


def published_summaries_of(link: Link) -> list[DisputeReview]:
    """The link's published summaries, oldest first: public, and only their summary is shown (one query)."""
    return list(
        DisputeReview.objects.filter(link=link, published_at__isnull=False)
        .select_related("association", "place")
        .prefetch_related(*local_names_prefetch("place"))
        .order_by("published_at", "id")
    )


def timeline_with_summaries(
    rows: Iterable[tuple[PartialDate, str, object | None, object | None]], summaries: Iterable[DisputeReview]
) -> list[tuple[PartialDate, str, object | None, object | None, DisputeReview | None]]:
    """The link's timeline (status events and activities) with its published summaries, oldest first:
    (when, label, event, activity, summary), at most one of the last three set. A summary is dated
    the day it was published, and comes after that day's decisions and activities."""
    merged: list[tuple[tuple, tuple]] = []
    for position, (when, label, event, activity) in enumerate(rows):
        merged.append(((when.start, 0, position), (when, label, event, activity, None)))
    for summary in summaries:
        day = timezone.localdate(summary.published_at)
        merged.append(((day, 1, summary.pk), (PartialDate(day, DatePrecision.DAY), "", None, None, summary)))
    return [row for _key, row in sorted(merged, key=lambda pair: pair[0])]
