"""Remind associations of committee roles held for long, with the report's advice on rotation.

Run daily from cron, beside the background worker (`manage.py db_worker`), which sends the emails:

    30 6 * * *  cd /srv/hub && .venv/bin/python manage.py send_governance_reminders

A term is reminded about once a year: running it again the same year sends nothing more.
`--enqueue` hands the whole run to the worker instead of running it here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from associations.tasks import governance_reminders


class Command(BaseCommand):
    help = (
        "Remind associations, once a year, when someone has been chair, secretary or treasurer for more than "
        "GOVERNANCE_ROLE_YEARS years."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Leave the whole run to the background worker (db_worker)."
        )

    def handle(self, *args: object, enqueue: bool = False, **options: object) -> None:
        if enqueue:
            result = governance_reminders.enqueue()
            self.stdout.write(f"Governance reminders enqueued for the worker (task {result.id}).")
            return
        done = governance_reminders.call()
        self.stdout.write(
            f"{done['due']} term(s) held for more than {settings.GOVERNANCE_ROLE_YEARS} years; "
            f"{done['claimed']} new reminder(s) this year; {done['enqueued']} reminder(s) handed to the worker "
            "to send."
        )
