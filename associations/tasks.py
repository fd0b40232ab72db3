"""Background tasks of association governance (Django's tasks framework: immediate in development
and tests, the database backend and `manage.py db_worker` in production).

`governance_reminders` runs daily (`manage.py send_governance_reminders` from cron runs it, and leaves
the emails to the worker); `governance_reminder_send` sends one reminder's emails, once.
"""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from associations import governance


@task()
def governance_reminders() -> dict[str, int]:
    """Remind associations, once a year per term, of chairs, secretaries and treasurers long in office."""
    return asdict(governance.reminders_schedule())


@task()
def governance_reminder_send(reminder_id: int) -> int:
    """Send one reminder's emails; a task run or enqueued twice sends them once."""
    return governance.reminder_send(reminder_id=reminder_id)
