"""Speed of partner suggestions: top 20 over the full gazetteer plus 10,000 synthetic profiles.

    DATABASE_URL=sqlite:////path/to/db.sqlite3 .venv/bin/python bench/matching_speed.py [--requests 300]

Run it on a registry holding the full gazetteer (`manage.py load_gazetteer`: every GeoNames place
of 500 people or more, about 235,000) and the Wikipedia import. It adds `--profiles` open seeking
profiles on random registry places (random themes, traits, languages, preferences and sizes), all
inside one transaction that is rolled back at the end: the database is left as it was.

It times `matching.ranking.suggestions_for` as the suggestions page calls it (the database reads
for the seeker's own links, blocks and introductions included), for random profiles, a quarter of
them in "surprise me" mode and a quarter with a filter. The first call builds the per-process
arrays (timed apart, as "cold"); the arrays are rebuilt after any write to the registry.
The issue 8 target: p95 ≤ 150 ms.
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning_hub.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from matching import ranking
    from matching.models import ExchangeKind, Mode, Region, Seeker, SeekingProfile, Theme, Trait
    from matching.suggestions import SuggestionFilters
    from places.models import GazetteerEntry, Place

    rng = random.Random(args.seed)
    print(
        f"database: {connection.vendor}; gazetteer: {GazetteerEntry.objects.count():,} places; "
        f"registry places: {Place.objects.count():,}"
    )
    try:
        with transaction.atomic():
            user_model = get_user_model()
            owners = user_model.objects.bulk_create(
                [user_model(username=f"bench-owner-{i}", email=f"bench-owner-{i}@example.org") for i in range(200)]
            )
            place_ids = list(Place.objects.filter(latitude__isnull=False).values_list("id", flat=True))
            countries = ["FR", "DE", "GB", "PL", "IT", "US", "JP", "KE", "BR", "IN", "UA", "ES", "GH", "NZ"]
            themes, traits = [t.value for t in Theme], [t.value for t in Trait]
            seekers = [s.value for s in Seeker]
            profiles = []
            for i in range(args.profiles):
                seeker = rng.choice(seekers[:3]) if rng.random() < 0.7 else rng.choice(seekers)
                profiles.append(
                    SeekingProfile(
                        owner=rng.choice(owners),
                        seeker=seeker,
                        name=f"Bench profile {i}",
                        place_id=rng.choice(place_ids),
                        offers=rng.sample(themes, rng.randint(1, 4)),
                        wants=rng.sample(themes, rng.randint(1, 4)),
                        exchanges=rng.sample([e.value for e in ExchangeKind], 2),
                        mode=rng.choice([m.value for m in Mode]),
                        traits=rng.sample(traits, rng.randint(0, 3)),
                        size=rng.choice([None, rng.randint(50, 2000), rng.randint(1000, 500_000)]),
                        languages=rng.sample(["en", "fr", "de", "es", "pl", "it", "sw", "ja", "pt"], rng.randint(1, 3)),
                        preferred_countries=rng.sample(countries, rng.randint(0, 2)),
                        preferred_regions=rng.sample([r.value for r in Region], rng.randint(0, 1)),
                        ruled_out_countries=rng.sample(countries, 1) if rng.random() < 0.1 else [],
                        about="Synthetic profile for the benchmark.",
                        contact_name="Bench",
                        contact_email=f"bench-{i}@example.org",
                    )
                )
            SeekingProfile.objects.bulk_create(profiles, batch_size=2000)
            chosen = list(
                SeekingProfile.objects.filter(name__startswith="Bench profile ").order_by("?")[: args.requests]
            )

            ranking.forget()
            begin = time.perf_counter()
            ranking.suggestions_for(chosen[0])
            cold = time.perf_counter() - begin
            timings = []
            counts = []
            for i, profile in enumerate(chosen):
                if i % 4 == 1:
                    filters = SuggestionFilters(surprise=True)
                elif i % 4 == 2:
                    filters = SuggestionFilters(regions=(rng.choice([r.value for r in Region]),))
                else:
                    filters = SuggestionFilters()
                begin = time.perf_counter()
                found = ranking.suggestions_for(profile, filters)
                timings.append((time.perf_counter() - begin) * 1000)
                counts.append(len(found))
            universe, _network, index = ranking.current()
            print(f"candidates: {universe.size:,} places and {index.size:,} open profiles")
            print(f"cold (arrays built): {cold * 1000:.0f} ms")
            print(
                f"warm, {len(timings)} requests: p50 {statistics.median(timings):.1f} ms, "
                f"p95 {percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms; "
                f"suggestions per request: {min(counts)}–{max(counts)}"
            )
            slowest = sorted(range(len(timings)), key=lambda i: -timings[i])[:3]
            print("slowest requests (number: ms):", ", ".join(f"{i}: {timings[i]:.0f}" for i in slowest))
            raise Rollback
    except Rollback:
        pass
    ranking.forget()


if __name__ == "__main__":
    main()
