"""Benchmark: p50/p95 of the search page, the link list API, a link page, its API detail and the statistics page.

    .venv/bin/python bench/pages_bench.py [--requests 200]            # SQLite (var/db.sqlite3 unless DATABASE_URL)
    DATABASE_URL=postgres://… .venv/bin/python bench/pages_bench.py

Run it on a registry holding the full Wikipedia import: make run, then
`manage.py import_pairs ../shared/data/wikipedia-twin-cities/twin_cities_raw.csv --source "Wikipedia lists, Feb 2026"`.
Single client, in-process (Django's test client: no network, no server), warm caches after one
untimed pass; each URL is requested `--requests` times in rotation over a few realistic variants.
The issue 4 targets (full Wikipedia import): list endpoint and search page p95 ≤ 50 ms, link
detail p95 ≤ 30 ms, statistics page p95 ≤ 200 ms. Issue 5's (a million links from
bench/generate.py, PostgreSQL): search, link, place and API pages p95 ≤ 100 ms, statistics
page p95 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning_hub.settings")
    os.environ.setdefault("API_ANON_RATE", "1000000/min")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from links.models import Link
    from places.models import Place

    settings.API_ANON_RATE = os.environ["API_ANON_RATE"]
    links = list(Link.objects.order_by("?").values_list("pk", flat=True)[:50])
    busiest = list(Place.objects.annotate(n=Count("parties")).order_by("-n").values_list("pk", flat=True)[:10])
    if len(links) < 50:
        sys.exit("Load a registry first (see the docstring): fewer than 50 links found.")
    targets = {
        "search page": ["/search", "/search?country=GB", "/search?country=GB&partner_country=RU&as_of=2022-12-31",
                        "/search?q=berlin", "/search?country=DE&status=unknown&page=3"],
        "link list API": ["/api/v1/links", "/api/v1/links?country=GB", "/api/v1/links?country=GB&partner_country=RU"
                          "&as_of=2022-12-31", "/api/v1/links?q=berlin", "/api/v1/links?country=DE&limit=50"],
        "link page": [f"/links/{pk}/" for pk in links],
        "place page (most links)": [f"/places/{pk}/" for pk in busiest],
        "link detail API": [f"/api/v1/links/{pk}" for pk in links],
        "statistics page": ["/statistics/", "/statistics/?country=DE", "/statistics/?as_of=2022-12-31"],
    }  # fmt: skip
    client = Client(HTTP_HOST="localhost")
    figures = {"database": connection.vendor, "links": Link.objects.count(), "requests_per_target": args.requests}
    for name, urls in targets.items():
        for url in urls:  # warm-up pass, untimed
            client.get(url, follow=True)
        timings = []
        for i in range(args.requests):
            url = urls[i % len(urls)]
            started = time.perf_counter()
            response = client.get(url, follow=True)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}")
        figures[name] = {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 0.95), 1),
            "max_ms": round(max(timings), 1),
        }
        print(f"{name:16} p50 {figures[name]['p50_ms']:6.1f} ms   p95 {figures[name]['p95_ms']:6.1f} ms", flush=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
