"""Checks that the registry is whole: what the database enforces, and the cross-row rules it cannot.

The database enforces foreign keys, check constraints and unique constraints on every write (SQLite
with `PRAGMA foreign_keys=ON`). What it cannot enforce across rows, the services keep, and
`registry_problems()` checks after the fact: after a crash, a killed import, a restore, or
concurrent writers (docs/RELIABILITY.md). `manage.py check_registry` runs both and exits 1 on any
problem. Each problem is one sentence naming the rows (a few ids, and how many in all).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

SHOWN = 5  # ids named per problem


def _ids(rows: Iterable[int]) -> tuple[int, str]:
    rows = list(rows)
    shown = ", ".join(str(pk) for pk in rows[:SHOWN]) + (" …" if len(rows) > SHOWN else "")
    return len(rows), shown


def _problem(problems: list[str], what: str, rows: Iterable[int]) -> None:
    count, shown = _ids(rows)
    if count:
        problems.append(f"{count} {what} (ids {shown}).")


def database_problems() -> list[str]:
    """The database's own checks: SQLite's integrity and foreign key checks, PostgreSQL's unvalidated constraints."""
    problems: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            result = [row[0] for row in cursor.fetchall()]
            if result != ["ok"]:
                problems.append(f"SQLite integrity_check: {'; '.join(result[:SHOWN])}")
            cursor.execute("PRAGMA foreign_key_check")
            broken = cursor.fetchall()
            if broken:
                rows = "; ".join(f"{table} row {rowid} → {parent}" for table, rowid, parent, _ in broken[:SHOWN])
                problems.append(f"SQLite foreign_key_check: {len(broken)} row(s) point at nothing: {rows}")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conrelid::regclass::text, conname FROM pg_constraint "
                "WHERE NOT convalidated AND connamespace = 'public'::regnamespace"
            )
            for table, name in cursor.fetchall():
                problems.append(f"PostgreSQL constraint {name} on {table} was added NOT VALID and never validated.")
    return problems


def registry_problems() -> list[str]:
    """The cross-row rules the services keep and the database cannot enforce; [] when all hold."""
    from audit.models import ChangeAction, ChangeRecord
    from core.models import ExternalId
    from imports.models import ImportRun
    from links.models import RESULTING_STATUS, UNKNOWN, Link, Party, StatusEvent
    from places.models import Institution, Place
    from sources.models import Citation, Source

    problems: list[str] = []
    links = Link.objects.order_by("pk")
    _problem(
        problems,
        "link(s) with fewer than two parties",
        links.annotate(n=Count("parties")).filter(n__lt=2).values_list("pk", flat=True),
    )
    _problem(
        problems,
        "link(s) citing no source",
        links.filter(~Exists(Citation.objects.filter(link=OuterRef("pk")))).values_list("pk", flat=True),
    )
    _problem(
        problems,
        "status event(s) citing no source",
        StatusEvent.objects.order_by("pk")
        .filter(~Exists(Citation.objects.filter(status_event=OuterRef("pk"))))
        .values_list("pk", flat=True),
    )

    # Derived columns the services keep in the same transaction as the rows they derive from.
    latest = StatusEvent.objects.filter(link=OuterRef("pk")).order_by("-date", "-sequence", "-id").values("status")[:1]
    stale = [
        pk
        for pk, current, last in links.annotate(last=Subquery(latest)).values_list("pk", "current_status", "last")
        if current != (RESULTING_STATUS[last] if last else UNKNOWN)
    ]
    _problem(problems, "link(s) whose current status is not what their latest event left", stale)
    text = models.CharField()
    home_country = Coalesce("place__country", "institution__place__country", output_field=text)
    home_subdivision = Coalesce("place__subdivision", "institution__place__subdivision", output_field=text)
    _problem(
        problems,
        "party row(s) whose country or subdivision is not their place's",
        Party.objects.order_by("pk")
        .annotate(home_country=home_country, home_subdivision=home_subdivision)
        .exclude(country=models.F("home_country"), subdivision=models.F("home_subdivision"))
        .values_list("pk", flat=True),
    )
    early = [
        event.pk
        for event in StatusEvent.objects.select_related("link").order_by("pk")
        if event.link.began_on and event.when.end < event.link.began_on.start
    ]
    _problem(problems, "status event(s) dated before their link began", early)

    # The change log: every registry row's creation is in it, and everything it names exists
    # (or its removal is in it too).
    for model in (Link, StatusEvent, Place, Institution, Source, Citation):
        content_type = ContentType.objects.get_for_model(model)
        created = ChangeRecord.objects.filter(
            target_type=content_type, target_id=OuterRef("pk"), action=ChangeAction.CREATE
        )
        _problem(
            problems,
            f"{model._meta.verbose_name_plural} with no record of their creation in the change log",
            model.objects.order_by("pk").filter(~Exists(created)).values_list("pk", flat=True),
        )
    for label, rows in (("change record(s)", ChangeRecord.objects), ("external id(s)", ExternalId.objects)):
        for type_id in rows.order_by().values_list("target_type", flat=True).distinct():
            content_type = ContentType.objects.get_for_id(type_id)
            model = content_type.model_class()
            if model is None:
                problems.append(f"{label} name a model that no longer exists: {content_type}.")
                continue
            retracted = ChangeRecord.objects.filter(
                target_type=type_id, target_id=OuterRef("target_id"), action=ChangeAction.RETRACT
            )
            orphans = (
                rows.filter(target_type=type_id)
                .exclude(target_id__in=model.objects.values("pk"))
                .filter(~Exists(retracted))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            _problem(problems, f"{label} naming a {model._meta.verbose_name} that does not exist", orphans)

    problems += activity_problems()
    problems += link_health_problems()

    # An import run says "finished" only once every batch and the flagging step are written.
    _problem(
        problems,
        "import run(s) marked finished without a finish time or a full report",
        ImportRun.objects.order_by("pk")
        .filter(status=ImportRun.Status.FINISHED)
        .filter(Q(finished_at__isnull=True) | ~Q(report__has_key="pairs_read"))
        .values_list("pk", flat=True),
    )
    return problems


def activity_problems(today: dt.date | None = None) -> list[str]:
    """Activities (not removed) that the services would have refused: dated after today or before
    their link began, or recorded on a link after it was removed.

    An activity of a removed link is otherwise kept as it was, not removed with it: restoring the
    link brings its timeline back whole (as its status events). So what is checked is an activity
    created after its link's latest removal, which no service writes.
    """
    from audit.models import ChangeAction, ChangeRecord
    from health.models import Activity
    from links.models import Link

    today = today or timezone.localdate()
    problems: list[str] = []
    activities = Activity.objects.order_by("pk")
    _problem(
        problems, "activity record(s) dated after today", activities.filter(date__gt=today).values_list("pk", flat=True)
    )
    # The database narrows it to activities starting before the link's first day (began_sort);
    # the partial dates decide (an activity in "1999" is not before a link begun in March 1999).
    early = [
        activity.pk
        for activity in activities.filter(date__lt=models.F("link__began_sort")).select_related("link")
        if activity.link.began_on and activity.when.end < activity.link.began_on.start
    ]
    _problem(problems, "activity record(s) dated before their link began", early)
    removed_at = (
        ChangeRecord.objects.filter(
            target_type=ContentType.objects.get_for_model(Link),
            target_id=OuterRef("link_id"),
            action=ChangeAction.REMOVE,
        )
        .order_by("-at")
        .values("at")[:1]
    )
    _problem(
        problems,
        "activity record(s) added to a link after it was removed, and not removed themselves",
        activities.filter(link__removed=True)
        .annotate(link_removed_at=Subquery(removed_at))
        .filter(created_at__gt=models.F("link_removed_at"))
        .values_list("pk", flat=True),
    )
    return problems


HEALTH_FIELDS = [
    "state",
    "reasons",
    "last_activity_on",
    "last_verified_at",
    "last_verified_role",
    "last_verified_answer",
    "unverified",
    "activities_recent",
    "activities_before",
]


def link_health_problems() -> list[str]:
    """Links (not removed) whose stored health is not what health.health works out from their
    activities, verifications and requests, for the day it was worked out (`computed_on`: a row the
    daily refresh has not reached yet is not out of step, only a day old). A difference means a write
    that skipped health_refresh. The same grouped queries as the refresh itself, per 2,000 links."""
    from health.health import CHUNK
    from health.health import _rows_for as health_rows_for  # the refresh's own bulk computation
    from health.models import LinkHealth

    stored = LinkHealth.objects.filter(link__removed=False).order_by("computed_on", "link_id")
    by_day: dict[dt.date, list[LinkHealth]] = {}
    for row in stored.iterator(chunk_size=CHUNK):
        by_day.setdefault(row.computed_on, []).append(row)
    stale: list[int] = []
    for day, rows in by_day.items():
        for start in range(0, len(rows), CHUNK):
            chunk = {row.link_id: row for row in rows[start : start + CHUNK]}
            for fresh in health_rows_for(list(chunk), day):
                old = chunk[fresh.link_id]
                if any(getattr(old, name) != getattr(fresh, name) for name in HEALTH_FIELDS):
                    stale.append(fresh.link_id)
    problems: list[str] = []
    _problem(problems, "link(s) whose stored health is not what their activities and verifications give", sorted(stale))
    return problems
