"""Background tasks of proposals (Django's tasks framework: immediate in development and tests, the
database backend and `manage.py db_worker` in production), so that a slow mail server never holds up
the page that sent a proposal. change_submit enqueues them once the proposal is committed; each
sends its emails once however often it runs (proposals/emails.py)."""

from __future__ import annotations

from django_tasks import task

from proposals import emails


@task()
def proposal_waiting_email(proposal_id: int) -> int:
    """Tell the moderators that a proposal waits for review."""
    return emails.proposal_waiting_send(proposal_id=proposal_id)
