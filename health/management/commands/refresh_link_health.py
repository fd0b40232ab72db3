"""Work out every link's health afresh: run it daily (health changes with time alone)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from health.health import health_refresh_all


class Command(BaseCommand):
    help = (
        "Work out every link's health afresh (active, quiet, dormant, unknown) from its activities and "
        "verifications. Run it daily; health.tasks_daily.refresh_link_health does the same as a background task."
    )

    def handle(self, *args: object, **options: object) -> None:
        counts = health_refresh_all()
        total = sum(counts.values())
        summary = ", ".join(f"{state} {n:,}" for state, n in counts.items())
        self.stdout.write(f"Worked out the health of {total:,} links: {summary}.")
