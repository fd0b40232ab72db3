"""Reads of the change log: a record's history, newest first, with each change's version."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from audit.models import ChangeRecord


def history_of(record: models.Model) -> QuerySet[ChangeRecord]:
    """Every change to `record`, and for a link also to its status events and citations.

    A link's history is what a reader means by "what happened to this link": its own edits, the
    status changes recorded on it and the sources cited for it, in one list.
    """
    from links.models import Link, StatusEvent
    from sources.models import Citation

    which = Q(target_type=ContentType.objects.get_for_model(type(record)), target_id=record.pk)
    if isinstance(record, Link):
        event_ids = StatusEvent.all_objects.filter(link=record).values("pk")
        citation_ids = Citation.objects.filter(Q(link=record) | Q(status_event__link=record)).values("pk")
        which |= Q(target_type=ContentType.objects.get_for_model(StatusEvent), target_id__in=event_ids)
        which |= Q(target_type=ContentType.objects.get_for_model(Citation), target_id__in=citation_ids)
    return (
        ChangeRecord.objects.filter(which)
        .select_related("actor", "version", "version__source", "version__proposal", "target_type")
        .prefetch_related("reverted_by")
        .order_by("-at", "-id")
    )
