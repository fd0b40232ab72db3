"""Background tasks of link verification (Django's tasks framework: immediate in development and
tests, the database backend and `manage.py db_worker` in production).

`verification_schedule` runs daily (`manage.py schedule_verifications` from cron, which runs it and
leaves the emails to the worker); `verification_send` sends one email of one request, once.
"""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from health import verification


@task()
def verification_schedule() -> dict[str, int]:
    """Ask about the links that are due, retry unanswered requests, give up on exhausted ones."""
    return asdict(verification.schedule_run())


@task()
def verification_send(request_id: int, attempt: int) -> bool:
    """Send attempt `attempt` of a request's email; a task run or enqueued twice sends it once."""
    return verification.request_send(request_id=request_id, attempt=attempt)
