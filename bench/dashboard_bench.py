"""Speed of the council dashboard (issue 9): a council with 200 links and 10,000 activities.

    .venv/bin/python bench/dashboard_bench.py [--links 200] [--activities 10000] [--requests 300]
    DATABASE_URL=postgres://… .venv/bin/python bench/dashboard_bench.py

It adds a council's place, `--links` links from it to as many partner places (through the same bulk
services as the importer), `--activities` activities spread over them across fifteen years (some links
busy, some silent for years), a verification on every third link and a council officer of the place,
works out every link's health (health.health.health_refresh, as the services and the daily task do),
then times whole requests for `/health/council/` and its CSV through Django's test client, signed
in as the officer: routing, middleware, roles, the queries and the template. All of it inside one
transaction rolled back at the end: the database is left as it was. The issue 9 target: p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Rollback(Exception):
    """Raised to undo everything the benchmark wrote."""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--links", type=int, default=200)
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning_hub.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from accounts.models import Role
    from accounts.testing import account_create
    from audit.services import Actor
    from core.partial_dates import PartialDate
    from health.health import health_refresh
    from health.models import Activity, ActivityKind, HealthState, LinkHealth, Verification
    from links.models import Link
    from links.services import LinkSpec, links_create_bulk
    from places.models import Place
    from sources.services import CitationSpec, source_create

    rng = random.Random(args.seed)
    process = Actor.system("dashboard benchmark")
    print(f"database: {connection.vendor}; links in the registry: {Link.objects.count():,}")
    try:
        with transaction.atomic():
            council = Place.objects.create(name="Benchford", country="GB", subdivision="GB-ENG")
            partners = Place.objects.bulk_create(
                Place(name=f"Bench partner {i}", country=rng.choice(["FR", "DE", "PL", "IT", "US", "JP", "KE"]))
                for i in range(args.links)
            )
            source = source_create(actor=process, title="Benchmark", kind="dataset", publisher="bench")
            links = links_create_bulk(
                actor=process,
                specs=[LinkSpec(parties=(council, p), agreement=PartialDate.parse("1975")) for p in partners],
                citation=CitationSpec(source=source, quote="Synthetic."),
            )
            today = timezone.localdate()
            kinds = ActivityKind.values
            # Busy links and silent ones: a link's share of the activities, and how long ago its last one was.
            weights = [rng.random() ** 3 for _ in links]
            silent_for = [rng.choice([0, 0, 0, 1, 3, 6, 10]) for _ in links]
            activities = []
            for number, link_index in enumerate(rng.choices(range(len(links)), weights=weights, k=args.activities)):
                age_days = rng.randint(silent_for[link_index] * 365, (silent_for[link_index] + 5) * 365)
                activities.append(
                    Activity(
                        link=links[link_index],
                        kind=rng.choice(kinds),
                        title=f"Bench activity {number}",
                        date=max(today - dt.timedelta(days=age_days), dt.date(1976, 1, 1)),
                        participants=rng.randint(2, 60),
                    )
                )
            Activity.objects.bulk_create(activities, batch_size=2000)
            officer = account_create("bench-officer@example.org", role=Role.COUNCIL_OFFICER, place=council)
            Verification.objects.bulk_create(
                Verification(
                    link=link,
                    answer=rng.choice(["active", "active", "paused"]),
                    verified_at=timezone.now() - dt.timedelta(days=rng.randint(0, 2000)),
                    by_role="council_officer",
                    by_user=officer,
                )
                for link in links[::3]
            )
            begin = time.perf_counter()
            health_refresh([link.pk for link in links])
            refresh_ms = (time.perf_counter() - begin) * 1000
            states = {state: LinkHealth.objects.filter(link__in=links, state=state).count() for state in HealthState}
            print(
                f"council: {len(links)} links, {Activity.objects.filter(link__in=links).count():,} activities; "
                f"health worked out for all of them in {refresh_ms:.0f} ms: "
                + ", ".join(f"{state} {n}" for state, n in states.items())
            )

            client = Client(HTTP_HOST="localhost")
            client.force_login(officer)
            for url in ("/health/council/", "/health/council/links.csv"):
                first = client.get(url)
                assert first.status_code == 200, (url, first.status_code)
                timings = []
                for _ in range(args.requests):
                    begin = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - begin) * 1000)
                    assert response.status_code == 200
                print(
                    f"{url}: {len(timings)} requests, p50 {statistics.median(timings):.1f} ms, "
                    f"p95 {percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms "
                    f"({len(response.content) / 1024:.0f} KB)"
                )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
