"""Reads of sources: the list, and every fact that cites one source."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from places.local_names import local_names_prefetch
from sources.models import Citation, Source


def sources_with_counts() -> QuerySet[Source]:
    return Source.objects.annotate(citation_count=Count("citations")).order_by("title")


def citations_of(source: Source) -> QuerySet[Citation]:
    """Every citation of `source`, with what it cites, in a constant number of queries."""
    from links.models import Party

    parties = Prefetch("parties", queryset=Party.objects.select_related("place", "institution"))
    return (
        source.citations.select_related("place", "institution__place", "link", "status_event__link")
        .prefetch_related(
            Prefetch("link__parties", queryset=parties.queryset),
            Prefetch("status_event__link__parties", queryset=parties.queryset),
            # The places' names in the reader's language (none in English).
            *local_names_prefetch(
                "place", "institution__place", "link__parties__place", "status_event__link__parties__place"
            ),
        )
        .order_by("id")
    )
