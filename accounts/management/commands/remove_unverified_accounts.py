"""Delete accounts whose email address was never confirmed, once they are old enough (UK GDPR:
keep nothing longer than needed). Run daily, from cron or the background worker."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.privacy import unverified_accounts_remove, unverified_accounts_stale


class Command(BaseCommand):
    help = (
        "Delete accounts with no confirmed email address, older than --days (UNVERIFIED_ACCOUNT_DAYS by default), "
        "that never made a change nor held a role. --dry-run lists them instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Keep accounts younger than this many days (default: UNVERIFIED_ACCOUNT_DAYS, "
            f"now {settings.UNVERIFIED_ACCOUNT_DAYS}).",
        )
        parser.add_argument("--dry-run", action="store_true", help="List the accounts; delete nothing.")

    def handle(self, *args: object, **options: object) -> None:
        days = settings.UNVERIFIED_ACCOUNT_DAYS if options["days"] is None else options["days"]
        if days < 1:
            raise CommandError("--days must be 1 or more: a new account needs time to confirm its address.")
        if options["dry_run"]:
            stale = list(unverified_accounts_stale(days=days))
            for account in stale:
                self.stdout.write(
                    f"account {account.pk}: {account.email or '(no address)'}, joined {account.date_joined:%Y-%m-%d}"
                )
            self.stdout.write(f"{len(stale)} unverified account(s) older than {days} days would be removed (dry run).")
            return
        removed, kept = unverified_accounts_remove(days=days)
        self.stdout.write(f"Removed {removed} unverified account(s) older than {days} days.")
        if kept:
            self.stdout.write(f"Kept {kept} that other records still point to; look at them in the admin.")
