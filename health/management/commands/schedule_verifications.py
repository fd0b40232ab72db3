"""Ask each link's contacts whether it still runs, when it is due; retry and give up as configured.

Run daily from cron, beside the background worker (`manage.py db_worker`), which sends the emails:

    15 6 * * *  cd /srv/hub && .venv/bin/python manage.py schedule_verifications

`--enqueue` hands the scheduling itself to the worker instead of running it here.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from health.tasks import verification_schedule


class Command(BaseCommand):
    help = "Open 'Is this link still active?' requests for links that are due, retry unanswered ones."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Leave the scheduling to the background worker (db_worker)."
        )

    def handle(self, *args: object, enqueue: bool = False, **options: object) -> None:
        if enqueue:
            result = verification_schedule.enqueue()
            self.stdout.write(f"Scheduling enqueued for the worker (task {result.id}).")
            return
        done = verification_schedule.call()
        self.stdout.write(
            f"Asked {done['asked']} contact(s) about their links; sent {done['resent']} reminder(s); "
            f"gave up on {done['unanswered']} request(s); {done['unverified_links']} link(s) now unverified. "
            "The background worker sends the emails."
        )
