"""The daily background task that keeps link health current as time passes (django-tasks).

Enqueue it once a day (cron: `manage.py shell -c "from health.tasks_daily import refresh_link_health;
refresh_link_health.enqueue()"`, or run `manage.py refresh_link_health` directly); the database
backend's `manage.py db_worker` runs it. It is idempotent: running it twice in a day writes the same rows.
"""

from __future__ import annotations

from django_tasks import task

from health.health import health_refresh_all


@task()
def refresh_link_health() -> dict[str, int]:
    """Every link's health worked out afresh; returns how many links are in each state."""
    return health_refresh_all()
