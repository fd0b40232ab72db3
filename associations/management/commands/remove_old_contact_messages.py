"""Delete the messages visitors sent to associations once the hub no longer needs them, as the
privacy notice promises: after CONTACT_REPORT_DAYS (the time a recipient has to report one as
abuse), and a reported one that many days after a moderator marked it reviewed in the admin. A
reported message nobody has reviewed yet stays. Run daily, from cron or the background worker.

A hard delete, on purpose: data minimisation (UK GDPR article 5(1)(c) and (e)). The rows are
gone, not marked; nothing in the registry points to them and nothing can bring them back (but a
backup, until it is replaced).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from associations.models import ContactMessage
from associations.selectors import contact_messages_expired


class Command(BaseCommand):
    help = (
        "Delete contact messages older than --days (CONTACT_REPORT_DAYS by default) that were not reported, and "
        "reported ones reviewed more than --days ago. --dry-run counts them instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Keep messages younger than this many days (default: CONTACT_REPORT_DAYS, "
            f"now {settings.CONTACT_REPORT_DAYS}).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count the messages; delete nothing.")

    def handle(self, *args: object, **options: object) -> None:
        days = settings.CONTACT_REPORT_DAYS if options["days"] is None else options["days"]
        if days < 1:
            raise CommandError("--days must be 1 or more: a recipient needs time to report a message as abuse.")
        expired = contact_messages_expired(days=days)
        if options["dry_run"]:
            count = expired.count()
            self.stdout.write(f"{count} contact message(s) older than {days} days would be deleted (dry run).")
            return
        # One DELETE statement: a message reported meanwhile no longer matches and stays.
        deleted = expired.delete()[1].get(ContactMessage._meta.label, 0)
        self.stdout.write(f"Deleted {deleted} contact message(s) older than {days} days.")
        waiting = ContactMessage.objects.filter(reported_at__isnull=False, reviewed_at__isnull=True).count()
        if waiting:
            self.stdout.write(f"{waiting} reported message(s) are kept until a moderator marks them reviewed.")
