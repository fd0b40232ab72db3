"""Remind the owners of political-dispute reviews on the day they chose to look at them again.

Run daily from cron, beside the background worker (`manage.py db_worker`), which sends the emails:

    45 6 * * *  cd /srv/hub && .venv/bin/python manage.py send_dispute_reminders

Each reminder goes once per review, day and recipient: running it again the same day sends nothing more.
`--enqueue` hands the whole run to the worker instead of running it here.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from disputes.tasks import dispute_reminders


class Command(BaseCommand):
    help = "Remind associations' editors and councils' officers of the political-dispute reviews due today."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Leave the whole run to the background worker (db_worker)."
        )

    def handle(self, *args: object, enqueue: bool = False, **options: object) -> None:
        if enqueue:
            result = dispute_reminders.enqueue()
            self.stdout.write(f"Dispute reminders enqueued for the worker (task {result.id}).")
            return
        done = dispute_reminders.call()
        self.stdout.write(
            f"{done['due']} review(s) due to be looked at again today; {done['enqueued']} reminder(s) handed to the "
            "worker to send."
        )
