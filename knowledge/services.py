"""Every write to the knowledge bank: check who may, validate in plain words, save, log, reindex.

Emails (knowledge/emails.py, sent by the tasks in knowledge/tasks.py once the change is committed):
the author hears when a moderator publishes their guide or sends it back; the moderators hear when
a guide starts waiting for them; a question's author hears of each answer but their own.

Who may: any contributor (an account with a verified address) writes a guide; it waits for a
moderator, who publishes it or sends it back with a note. A moderator's own guide is published
at once. An author edits their own guide (a published one then waits for a moderator again); a
moderator edits any. Every change is in the change log with its version (audit.services).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from accounts.policy import Action, authorize, can
from audit.services import Actor, created_record, versioned_update
from core.ratelimit import consume, wait_in_words
from knowledge import search, tasks
from knowledge.models import Answer, EntryKind, Guide, GuideSource, GuideStatus, Question

GUIDE_FIELDS = ["kind", "title", "summary", "body", "tags", "status", "moderation_note", "published_at"]
QUESTION_FIELDS = ["title", "body", "tags", "hidden", "hidden_reason"]
ANSWER_FIELDS = ["body", "hidden", "hidden_reason"]
_TAG_LIMIT = 12
_RESERVED_SLUGS = {"new", "review", "questions"}


@dataclass(frozen=True)
class SourceSpec:
    """One source a guide cites: a registry source or a web address, and the passage it relies on."""

    passage: str
    source: Any = None
    url: str = ""


def tags_clean(tags: list[str] | str) -> list[str]:
    """Tags as short lowercase words joined by hyphens ("young members" -> "young-members")."""
    if isinstance(tags, str):
        tags = tags.split(",")
    cleaned = sorted({slugify(t)[:40] for t in tags if slugify(t)})
    if len(cleaned) > _TAG_LIMIT:
        raise ValidationError({"tags": gettext("Give at most %(n)d tags.") % {"n": _TAG_LIMIT}})
    return cleaned


def _moderates(actor: Actor) -> bool:
    return actor.user is None or can(actor.user, Action.MODERATE)


def _unique_slug(title: str, exclude: int | None = None) -> str:
    base = slugify(title)[:70] or "guide"
    if base in _RESERVED_SLUGS:  # the addresses of the knowledge bank's own pages
        base = f"{base}-guide"
    slug, n = base, 2
    while Guide.objects.filter(slug=slug).exclude(pk=exclude).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _sources_set(guide: Guide, sources: list[SourceSpec]) -> None:
    if not sources:
        raise ValidationError({"sources": gettext("Cite at least one source: where do these facts come from?")})
    rows = []
    for position, spec in enumerate(sources):
        row = GuideSource(
            guide=guide, source=spec.source, url=spec.url.strip(), passage=spec.passage.strip(), position=position
        )
        try:
            row.full_clean(exclude=["guide"])
        except ValidationError as exc:
            raise ValidationError({"sources": exc.messages}) from exc
        rows.append(row)
    guide.sources.all().delete()
    GuideSource.objects.bulk_create(rows)


def _relations_set(guide: Guide, places: list | None, links: list | None) -> None:
    if places is not None:
        guide.places.set(places)
    if links is not None:
        guide.links.set(links)


def _page_language() -> str:
    """The language of the page the author writes on ("fr" on /fr/…): their emails are in it."""
    return translation.get_language() or ""


def _tell_moderators_if_newly_pending(guide: Guide, was: str | None) -> None:
    """Once committed, email the moderators that a guide waits for them, when it has just started
    to wait (written, edited after publication, or sent again), not at each edit while it waits."""
    if guide.status == GuideStatus.PENDING and was != GuideStatus.PENDING:
        transaction.on_commit(partial(tasks.guide_review_email.enqueue, guide.pk, guide.version))


def _reindex(guide: Guide) -> None:
    if guide.is_published:
        search.index(
            kind=EntryKind.GUIDE,
            object_id=guide.pk,
            title=guide.title,
            body_markdown=f"{guide.summary}\n\n{guide.body}\n\n{' '.join(t.replace('-', ' ') for t in guide.tags)}",
            tags=guide.tags,
        )
    else:
        search.unindex(kind=EntryKind.GUIDE, object_id=guide.pk)


@transaction.atomic
def guide_create(
    *,
    actor: Actor,
    title: str,
    summary: str,
    body: str,
    sources: list[SourceSpec],
    kind: str = "guide",
    tags: list[str] | str = (),
    places: list | None = None,
    links: list | None = None,
) -> Guide:
    """A new guide or case study: published at once if a moderator (or a process) wrote it, else
    waiting for one."""
    authorize(actor, Action.PROPOSE)
    published = _moderates(actor)
    guide = Guide(
        kind=kind,
        title=title.strip(),
        slug=_unique_slug(title),
        summary=summary.strip(),
        body=body.strip(),
        tags=tags_clean(tags),
        status=GuideStatus.PUBLISHED if published else GuideStatus.PENDING,
        published_at=timezone.now() if published else None,
        author=actor.user if actor.user is not None and actor.user.is_authenticated else None,
        language=_page_language(),
    )
    created_record(
        actor=actor, instance=guide, fields=GUIDE_FIELDS, summary=f"Added the {guide.get_kind_display()} {guide.title}"
    )
    _sources_set(guide, sources)
    _relations_set(guide, places, links)
    _reindex(guide)
    _tell_moderators_if_newly_pending(guide, None)
    return guide


@transaction.atomic
def guide_update(
    *,
    actor: Actor,
    guide: Guide,
    expected_version: int | None = None,
    sources: list[SourceSpec] | None = None,
    places: list | None = None,
    links: list | None = None,
    **changes: Any,
) -> Guide:
    """Edit a guide: its author or a moderator. An author's edit waits for a moderator again.
    EditConflict if someone saved it since `expected_version`."""
    authorize(actor, Action.PROPOSE)
    moderator = _moderates(actor)
    if not moderator and guide.author_id != actor.user.pk:
        raise PermissionDenied(gettext("Only its author or a moderator can change this guide."))
    unknown = set(changes) - {"kind", "title", "summary", "body", "tags"}
    if unknown:
        raise TypeError(f"Unknown guide fields: {sorted(unknown)}")
    changes = {k: v.strip() if isinstance(v, str) and k != "tags" else v for k, v in changes.items()}
    if "tags" in changes:
        changes["tags"] = tags_clean(changes["tags"])
    if not moderator:
        changes["status"] = GuideStatus.PENDING
    was = guide.status
    versioned_update(
        actor=actor,
        instance=guide,
        changes=changes,
        fields=GUIDE_FIELDS,
        expected_version=expected_version,
        summary=f"Edited the {guide.get_kind_display()} {guide.title}",
    )
    if sources is not None:
        _sources_set(guide, sources)
    _relations_set(guide, places, links)
    _reindex(guide)
    _tell_moderators_if_newly_pending(guide, was)
    return guide


@transaction.atomic
def guide_moderate(
    *, actor: Actor, guide: Guide, publish: bool, note: str = "", expected_version: int | None = None
) -> Guide:
    """A moderator publishes a guide, or sends it back to its author as a draft with a note saying why."""
    authorize(actor, Action.MODERATE)
    note = note.strip()
    if not publish and not note:
        raise ValidationError({"note": gettext("Say why the guide is sent back, so that its author can improve it.")})
    changes: dict[str, Any] = {
        "status": GuideStatus.PUBLISHED if publish else GuideStatus.DRAFT,
        "moderation_note": note,
    }
    if publish and guide.published_at is None:
        changes["published_at"] = timezone.now()
    versioned_update(
        actor=actor,
        instance=guide,
        changes=changes,
        fields=GUIDE_FIELDS,
        expected_version=expected_version,
        summary=f"{'Published' if publish else 'Sent back'} the {guide.get_kind_display()} {guide.title}",
    )
    _reindex(guide)
    if guide.author_id is not None and (actor.user is None or guide.author_id != actor.user.pk):
        transaction.on_commit(partial(tasks.guide_decision_email.enqueue, guide.pk, guide.version))
    return guide


@transaction.atomic
def guide_submit(*, actor: Actor, guide: Guide, expected_version: int | None = None) -> Guide:
    """Its author sends a draft (sent back by a moderator) to the moderators again."""
    authorize(actor, Action.PROPOSE)
    if actor.user is not None and guide.author_id != actor.user.pk and not _moderates(actor):
        raise PermissionDenied(gettext("Only its author or a moderator can change this guide."))
    was = guide.status
    versioned_update(
        actor=actor,
        instance=guide,
        changes={"status": GuideStatus.PENDING},
        fields=GUIDE_FIELDS,
        expected_version=expected_version,
        summary=f"Submitted the {guide.get_kind_display()} {guide.title} for review",
    )
    _reindex(guide)
    _tell_moderators_if_newly_pending(guide, was)
    return guide


# ---------------------------------------------------------------- ask the network


class RateLimited(ValidationError):
    """Too many questions or answers too fast: nothing was saved. `wait` is in seconds."""

    def __init__(self, message: str, wait: int) -> None:
        super().__init__(message, code="rate_limited")
        self.wait = wait


def _throttle(actor: Actor) -> None:
    if actor.user is None:
        return
    wait = consume("knowledge-post", str(actor.user.pk), getattr(settings, "KNOWLEDGE_POST_RATE", "10/h"))
    if wait is not None:
        raise RateLimited(
            gettext("You have posted a lot in a short time. Wait %(wait)s and send it again; nothing was saved.")
            % {"wait": wait_in_words(wait)},
            wait,
        )


def _author(actor: Actor) -> Any:
    return actor.user if actor.user is not None and actor.user.is_authenticated else None


def _reindex_post(post: Question | Answer) -> None:
    if isinstance(post, Question):
        kind, title, body = EntryKind.QUESTION, post.title, post.body
        visible = not post.hidden
    else:
        kind, title, body = EntryKind.ANSWER, post.question.title, post.body
        visible = not post.hidden and not post.question.hidden
    if visible:
        search.index(kind=kind, object_id=post.pk, title=title, body_markdown=body)
    else:
        search.unindex(kind=kind, object_id=post.pk)


@transaction.atomic
def question_ask(*, actor: Actor, title: str, body: str = "", tags: list[str] | str = ()) -> Question:
    """A contributor's question to the network, on the board at once (moderators can hide it)."""
    authorize(actor, Action.PROPOSE)
    _throttle(actor)
    question = Question(
        author=_author(actor),
        title=title.strip(),
        body=body.strip(),
        tags=tags_clean(tags),
        language=_page_language(),
    )
    created_record(
        actor=actor, instance=question, fields=QUESTION_FIELDS, summary=f"Asked the network: {question.title}"
    )
    _reindex_post(question)
    return question


@transaction.atomic
def answer_post(*, actor: Actor, question: Question, body: str) -> Answer:
    """A contributor's answer to a question that is not hidden."""
    authorize(actor, Action.PROPOSE)
    if question.hidden:
        raise ValidationError(gettext("This question was hidden by a moderator: it takes no more answers."))
    _throttle(actor)
    answer = Answer(question=question, author=_author(actor), body=body.strip())
    created_record(actor=actor, instance=answer, fields=ANSWER_FIELDS, summary=f"Answered: {question.title}")
    _reindex_post(answer)
    if question.author_id is not None and question.author_id != answer.author_id:
        transaction.on_commit(partial(tasks.answer_email.enqueue, answer.pk))
    return answer


@transaction.atomic
def post_hide(
    *, actor: Actor, post: Question | Answer, hidden: bool, reason: str = "", expected_version: int | None = None
) -> Question | Answer:
    """A moderator hides a question or an answer (kept, with the reason, for history), or shows it again."""
    authorize(actor, Action.REMOVE)
    reason = reason.strip()
    if hidden and not reason:
        raise ValidationError({"reason": gettext("Say why it is hidden; its author and the history will show it.")})
    what = "question" if isinstance(post, Question) else "answer"
    versioned_update(
        actor=actor,
        instance=post,
        changes={"hidden": hidden, "hidden_reason": reason if hidden else ""},
        fields=QUESTION_FIELDS if isinstance(post, Question) else ANSWER_FIELDS,
        expected_version=expected_version,
        summary=f"{'Hid' if hidden else 'Showed again'} the {what} {str(post)[:200]}",
    )
    _reindex_post(post)
    if isinstance(post, Question):
        for answer in post.answers.all():
            _reindex_post(answer)
    return post
