"""Reads of the knowledge bank: what each reader may see."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext

from accounts.policy import Action, can
from core.fields import contains_code
from knowledge import search
from knowledge.models import Answer, EntryKind, Guide, GuideStatus, Question
from links.models import Party


def published_guides(*, tag: str = "", kind: str = "") -> QuerySet[Guide]:
    rows = Guide.objects.filter(status=GuideStatus.PUBLISHED)
    if tag:
        rows = rows.filter(contains_code("tags", tag))
    if kind:
        rows = rows.filter(kind=kind)
    return rows


def guides_for(*, link: Any = None, place: Any = None, limit: int = 5) -> list[Guide]:
    """Published guides and case studies about a link or a place, newest first, for their pages.

    For a link: those tied to it, or to a place of its parties (itself, or an institution's place).
    For a place: those tied to it, or to a link it is a party to that is not removed. One query.
    """
    about = Q()
    if link is not None:
        parties = Party.objects.filter(link=link)
        about |= Q(links=link)
        about |= Q(places__in=parties.filter(place__isnull=False).values("place_id"))
        about |= Q(places__in=parties.filter(institution__isnull=False).values("institution__place_id"))
    if place is not None:
        its_links = Party.objects.filter(Q(place=place) | Q(institution__place=place), link__removed=False)
        about |= Q(places=place) | Q(links__in=its_links.values("link_id"))
    if not about:
        return []
    rows = Guide.objects.filter(about, status=GuideStatus.PUBLISHED).distinct()
    rows = rows.only("kind", "title", "slug", "summary", "published_at").order_by("-published_at", "-id")
    return list(rows[:limit])


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


@dataclass(frozen=True)
class Result:
    hit: search.Hit
    record: Guide | Question | Answer

    @property
    def label(self) -> str:
        if isinstance(self.record, Guide):
            return self.record.get_kind_display()
        return gettext("question") if isinstance(self.record, Question) else gettext("answer")

    @property
    def title(self) -> str:
        return self.record.question.title if isinstance(self.record, Answer) else self.record.title


class Results(list):
    """The page's search results, with how many entries match in all (`count`, up to
    search.RANK_LIMIT) and whether more than that matched (`capped`: the page asks for a word more)."""

    def __init__(self, results: list[Result], *, count: int, capped: bool) -> None:
        super().__init__(results)
        self.count = count
        self.capped = capped
        self.limit = search.RANK_LIMIT


def search_results(query: str, *, limit: int = 20) -> Results:
    """Search hits with the records they stand for: published guides, questions and answers not hidden."""
    page = search.find(query, limit=limit)
    hits = page.hits
    ids: dict[str, list[int]] = {}
    for hit in hits:
        ids.setdefault(hit.kind, []).append(hit.object_id)
    found = {
        EntryKind.GUIDE: Guide.objects.filter(pk__in=ids.get(EntryKind.GUIDE, []), status=GuideStatus.PUBLISHED),
        EntryKind.QUESTION: Question.objects.filter(pk__in=ids.get(EntryKind.QUESTION, []), hidden=False),
        EntryKind.ANSWER: Answer.objects.filter(
            pk__in=ids.get(EntryKind.ANSWER, []), hidden=False, question__hidden=False
        ).select_related("question"),
    }
    records = {(kind, row.pk): row for kind, rows in found.items() for row in rows}
    results = [Result(h, records[(h.kind, h.object_id)]) for h in hits if (h.kind, h.object_id) in records]
    return Results(results, count=page.count, capped=page.capped)


def questions(*, tag: str = "") -> QuerySet[Question]:
    rows = Question.objects.filter(hidden=False).annotate(
        answer_count=Count("answers", filter=Q(answers__hidden=False))
    )
    rows = rows.order_by("-created_at", "-id")  # annotate() with a filtered Count drops the default order
    return rows.filter(contains_code("tags", tag)) if tag else rows


def question_for(user: object, pk: int) -> Question | None:
    """A question as `user` may see it: a hidden one only to moderators."""
    question = Question.objects.select_related("author").filter(pk=pk).first()
    if question is None or (question.hidden and not can(user, Action.MODERATE)):
        return None
    return question


def answers_for(user: object, question: Question) -> QuerySet[Answer]:
    rows = question.answers.select_related("author")
    return rows if can(user, Action.MODERATE) else rows.filter(hidden=False)
