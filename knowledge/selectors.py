"""Reads of the knowledge bank: what each reader may see."""

from __future__ import annotations

from collections import Counter

from django.db.models import QuerySet

from accounts.policy import Action, can
from core.fields import contains_code
from knowledge import search
from knowledge.models import EntryKind, Guide, GuideStatus


def published_guides(*, tag: str = "", kind: str = "") -> QuerySet[Guide]:
    rows = Guide.objects.filter(status=GuideStatus.PUBLISHED)
    if tag:
        rows = rows.filter(contains_code("tags", tag))
    if kind:
        rows = rows.filter(kind=kind)
    return rows


def tags_in_use() -> list[tuple[str, int]]:
    """Each tag of a published guide with how many guides carry it, most used first."""
    counts: Counter[str] = Counter()
    for tags in Guide.objects.filter(status=GuideStatus.PUBLISHED).values_list("tags", flat=True):
        counts.update(tags)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def may_see(user: object, guide: Guide) -> bool:
    """The public sees published guides; an unpublished one only its author and the moderators."""
    if guide.is_published:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return guide.author_id == user.pk or can(user, Action.MODERATE)


def may_edit(user: object, guide: Guide) -> bool:
    if not can(user, Action.PROPOSE):
        return False
    return guide.author_id == user.pk or can(user, Action.MODERATE)


def moderation_queue() -> QuerySet[Guide]:
    return Guide.objects.filter(status=GuideStatus.PENDING).select_related("author").order_by("updated_at", "id")


def guides_of(user: object) -> QuerySet[Guide]:
    if not getattr(user, "is_authenticated", False):
        return Guide.objects.none()
    return Guide.objects.filter(author=user).exclude(status=GuideStatus.PUBLISHED).order_by("-updated_at")


def search_results(query: str, *, limit: int = 20) -> list[tuple[search.Hit, Guide]]:
    """Search hits with the guides they stand for (published ones only)."""
    hits = search.search(query, limit=limit)
    ids = [h.object_id for h in hits if h.kind == EntryKind.GUIDE]
    guides = Guide.objects.filter(pk__in=ids, status=GuideStatus.PUBLISHED).in_bulk()
    return [(h, guides[h.object_id]) for h in hits if h.object_id in guides]
