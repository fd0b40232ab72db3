"""The knowledge bank's emails: to a guide's author when a moderator decides, to the moderators
when a guide waits for them, and to a question's author when someone else answers it.

Each is sent by a task (knowledge/tasks.py) after the change is committed, and each sends once:
`core.emails.send_once` records a key naming the event and its recipient (SentEmail) in the transaction that
hands the email to the mail server, last. A task run or enqueued twice finds the key and sends
nothing; a mail server that refuses the email rolls the key back, and the task's failure is in the
task's result. A task reads the record afresh when it runs (the worker may run it minutes later):
a guide changed again since, or an answer hidden since, is not written about.

An account records no language: the author hears in the language of the page they wrote the guide
(or asked the question) on, as a proposer does; moderators in the site's language. No email holds
anyone's address or name: people are named as the hub's pages name them, by member number.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core.emails import moderators, plain_message, send_once
from knowledge.models import Answer, Guide, GuideStatus

EXCERPT_LINES = 4
EXCERPT_CHARS = 400


def _language(code: str) -> str:
    languages = {code for code, _name in settings.LANGUAGES}
    return code if code in languages else settings.LANGUAGE_CODE


def _reachable(user: object) -> bool:
    return user is not None and user.is_active and bool(user.email)


def excerpt(text: str) -> str:
    """An answer's first lines, as an email quotes them: at most EXCERPT_LINES lines of text and
    EXCERPT_CHARS characters, with "…" where it was cut."""
    lines = [line.rstrip() for line in text.strip().splitlines() if line.strip()]
    kept = "\n".join(lines[:EXCERPT_LINES])
    cut = len(lines) > EXCERPT_LINES
    if len(kept) > EXCERPT_CHARS:
        kept, cut = kept[: EXCERPT_CHARS - 1].rstrip(), True
    return kept + ("…" if cut else "")


# ---------------------------------------------------------------- a moderator's decision


def guide_decision_send(*, guide_id: int, version: int) -> bool:
    """Tell a guide's author that a moderator published it or sent it back (with the note), if the
    guide is still as that decision left it (`version`). Whether an email was sent."""
    guide = Guide.objects.select_related("author").filter(pk=guide_id).first()
    if guide is None or guide.version != version or guide.status == GuideStatus.PENDING:
        return False
    author = guide.author
    if not _reachable(author):
        return False
    with translation.override(_language(guide.language)):
        names = {
            "title": guide.title,
            "kind": guide.get_kind_display(),
            "page": settings.SITE_URL + guide.get_absolute_url(),  # /fr/… in French
        }
        if guide.is_published:
            subject = gettext("Your guide is published: %(title)s") % names
            lines = [
                gettext(
                    "A moderator has published your %(kind)s “%(title)s”. Thank you: it is now in the hub's "
                    "knowledge bank for everyone to read."
                )
                % names
            ]
            if guide.moderation_note:
                lines += ["", gettext("The moderator's note:"), "", guide.moderation_note]
            lines += ["", gettext("Read it on the hub: %(page)s") % names]
        else:
            subject = gettext("Your guide was sent back to you: %(title)s") % names
            lines = [
                gettext("A moderator has read your %(kind)s “%(title)s” and sent it back to you with this note:")
                % names,
                "",
                guide.moderation_note,
                "",
                gettext(
                    "Only you and the moderators can see it. Edit it on the hub, and it goes to the "
                    "moderators again: %(page)s"
                )
                % names,
            ]
    return send_once(f"guide-decision:{guide.pk}:v{version}", plain_message(subject, lines, author.email))


# ---------------------------------------------------------------- a guide waiting for review


def guide_review_send(*, guide_id: int, version: int) -> int:
    """Tell each moderator (but the author) that a guide waits for review, if it still waits as it
    did at `version`: one short email each, naming the author by member number only. How many were
    sent."""
    guide = Guide.objects.filter(pk=guide_id).first()
    if guide is None or guide.version != version or guide.status != GuideStatus.PENDING:
        return 0
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):  # a moderator's language is not recorded
        names = {
            "title": guide.title,
            "kind": guide.get_kind_display(),
            "member": guide.author_id or "—",
            "page": settings.SITE_URL + guide.get_absolute_url(),
            "queue": settings.SITE_URL + reverse("knowledge:queue"),
        }
        subject = gettext("A guide is waiting for review: %(title)s") % names
        lines = [
            gettext("Member %(member)s has sent the %(kind)s “%(title)s” to the moderators.") % names,
            "",
            gettext("Read it, then publish it or send it back with a note: %(page)s") % names,
            gettext("Every guide waiting for review: %(queue)s") % names,
        ]
    for moderator in moderators():
        if moderator.pk == guide.author_id:
            continue
        key = f"guide-review:{guide.pk}:v{version}:u{moderator.pk}"
        sent += send_once(key, plain_message(subject, lines, moderator.email))
    return sent


# ---------------------------------------------------------------- an answer


def answer_send(*, answer_id: int) -> bool:
    """Tell a question's author that someone else answered it, quoting the answer's first lines, if
    neither the answer nor the question is hidden. Whether an email was sent."""
    answer = Answer.objects.select_related("question__author").filter(pk=answer_id).first()
    if answer is None or answer.hidden or answer.question.hidden:
        return False
    question = answer.question
    if question.author_id is None or question.author_id == answer.author_id or not _reachable(question.author):
        return False
    with translation.override(_language(question.language)):
        names = {
            "title": question.title,
            "member": answer.author_id or "—",
            "page": settings.SITE_URL + answer.get_absolute_url(),
        }
        subject = gettext("A new answer to your question: %(title)s") % names
        lines = [
            gettext("Member %(member)s has answered your question “%(title)s”:") % names,
            "",
            *(f"> {line}" for line in excerpt(answer.body).splitlines()),
            "",
            gettext("Read the whole answer on the hub: %(page)s") % names,
            "",
            gettext("You receive this email because you asked this question on Twinning Hub."),
        ]
    return send_once(f"answer:{answer.pk}", plain_message(subject, lines, question.author.email))
