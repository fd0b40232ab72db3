"""Background tasks of political-dispute reviews (Django's tasks framework: immediate in development
and tests, the database backend and `manage.py db_worker` in production).

`dispute_reminders` runs daily (`manage.py send_dispute_reminders` from cron runs it, and leaves the
emails to the worker); `dispute_reminder_send` sends one review's reminders for one day, once.
"""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from disputes import reminders


@task()
def dispute_reminders() -> dict[str, int]:
    """Remind the owners of the reviews due to be looked at again today."""
    return asdict(reminders.reminders_schedule())


@task()
def dispute_reminder_send(review_id: int, due_on: str) -> int:
    """Send one review's reminders for the day `due_on` (ISO); a task run or enqueued twice sends them once."""
    return reminders.reminder_send(review_id=review_id, due_on=due_on)
