"""Background tasks of the knowledge bank: its emails (Django's tasks framework: immediate in
development and tests, the database backend and `manage.py db_worker` in production), so that a
slow mail server never holds up a page. The services enqueue them once a change is committed; each
sends its email once however often it runs (knowledge/emails.py)."""

from __future__ import annotations

from django_tasks import task

from knowledge import emails


@task()
def guide_decision_email(guide_id: int, version: int) -> bool:
    """Tell a guide's author that a moderator published it or sent it back."""
    return emails.guide_decision_send(guide_id=guide_id, version=version)


@task()
def guide_review_email(guide_id: int, version: int) -> int:
    """Tell the moderators that a guide waits for review."""
    return emails.guide_review_send(guide_id=guide_id, version=version)


@task()
def answer_email(answer_id: int) -> bool:
    """Tell a question's author that someone else answered it."""
    return emails.answer_send(answer_id=answer_id)
