"""Generate a synthetic registry at scale (issue 5): real places, realistic links and their histories.

    .venv/bin/python bench/generate.py --links 1000000          # 300,000 places, 3,000,000 events
    .venv/bin/python bench/generate.py --links 100000           # a tenth of everything
    DATABASE_URL=postgres://… .venv/bin/python bench/generate.py --links 1000000

Into a migrated database holding the gazetteer (`manage.py migrate && manage.py load_gazetteer`;
an empty one is best, so that the figures describe the synthetic registry alone). Everything goes
through the bulk services the importer uses (places_from_gazetteer, institutions_create_bulk,
links_create_bulk, status_events_create_bulk): every row is checked, cited and logged in the
change history as real data is, one transaction per batch. Same --seed, same registry.

What it makes, and why it looks like the real registry:
- Places: GeoNames towns from the gazetteer (real names, countries, subdivisions, coordinates and
  populations), the most populous first, up to 78% of --places (all 234,908 at 1M links); the
  rest are institutions (schools, associations, churches, universities, hospitals, clubs ...) in
  those towns, in the proportions of the report's "beyond town twinning" links.
- Links: a party is drawn with weight population^0.5 (big cities hold many links, as Kraków's
  or Kyiv's dozens do), its partner from another country (60% on the same continent, as
  European links dominate), 3% within one country, 14% between institutions of the same kind,
  3% of three towns. Kinds, purposes and founding years follow the Wikipedia import and the
  seed documents (most links formal, founded 1950–2000; a fifth without dates, as imported).
- Events: about three per link on average: the founding, then reaffirmations, pauses,
  reinstatements and ends, dated after the link began and never in the future; links with a
  Russian or Belarusian party mostly paused or ended in March 2022, as the UK's were.
- Sources: one per batch for the links and one for their events, each cited by every row.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import math
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INSTITUTION_KINDS = {  # kind: (share, name pattern)
    "school": (45, "{town} School {n}"),
    "association": (15, "{town} Twinning Association {n}"),
    "faith": (10, "{town} Parish {n}"),
    "university": (8, "University of {town} {n}"),
    "sports_club": (8, "{town} Football Club {n}"),
    "hospital": (7, "{town} Hospital {n}"),
    "council": (3, "{town} Youth Council {n}"),
    "trade_union": (2, "{town} Workers' Union {n}"),
    "other": (2, "{town} Chamber of Commerce {n}"),
}
PLACE_LINK_KINDS = {"formal": 55, "unspecified": 25, "friendship": 12, "community": 4, "solidarity": 4}
PURPOSES = {
    "culture": 30, "education": 20, "sport": 10, "trade-investment": 10, "peace-reconciliation": 8,
    "social-cohesion": 6, "development": 5, "solidarity": 4, "technical-exchange": 3, "health": 2,
    "environment": 1, "faith": 1,
}  # fmt: skip
# After an event with this status, what the next one is (weights), or None: the history ends.
NEXT_STATUS = {
    "active": {"reaffirmed": 60, "paused": 32, "ended": 8},
    "reaffirmed": {"reaffirmed": 50, "paused": 42, "ended": 8},
    "paused": {"active": 75, "ended": 25},
    "ended": None,
    "proposed": {"active": 100},
}
WAR_COUNTRIES = {"RU", "BY"}


def weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


class Picker:
    """Draws items with fixed weights in O(log n) (cumulative weights and bisection)."""

    def __init__(self, items: list, weights: list[float]) -> None:
        self.items = items
        self.cumulative = list(itertools.accumulate(weights))

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def partial(rng: random.Random, year: int, month: int = 0, day: int = 0, year_share: float = 0.6):
    """A PartialDate in `year`: year precision mostly, else month or day, never after today."""
    from core.partial_dates import PartialDate

    today = dt.date.today()
    roll = rng.random()
    month = month or rng.randint(1, 12)
    day = day or rng.randint(1, 28)
    if roll < year_share or (year == today.year and month > today.month):
        text = f"{year}"
    elif roll < year_share + 0.15:
        text = f"{year}-{month:02d}"
    else:
        text = f"{year}-{month:02d}-{day:02d}"
    when = PartialDate.parse(text)
    return when if when.start <= today else PartialDate.parse(f"{min(year, today.year)}")


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: fine for the small means used here."""
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


class Generator:
    def __init__(self, args: argparse.Namespace) -> None:
        from audit.services import Actor

        self.args = args
        self.rng = random.Random(args.seed)
        self.actor = Actor.system("bench/generate.py")
        self.today = dt.date.today()
        self.timings: dict[str, float] = {}

    # ---------------------------------------------------------------- places and institutions

    def places(self) -> None:
        from tqdm import tqdm

        from places.models import GazetteerEntry, Place
        from places.services import institutions_create_bulk, places_from_gazetteer

        started = time.perf_counter()
        towns_wanted = min(GazetteerEntry.objects.count(), round(self.args.places * 0.78))
        if towns_wanted == 0:
            sys.exit("The gazetteer is empty: run `manage.py load_gazetteer` first.")
        ids = list(
            GazetteerEntry.objects.order_by("-population", "geonames_id").values_list("geonames_id", flat=True)[
                :towns_wanted
            ]
        )
        with tqdm(total=len(ids), desc="places", unit="place") as bar:
            for start in range(0, len(ids), 5000):
                places_from_gazetteer(actor=self.actor, geonames_ids=ids[start : start + 5000])
                bar.update(len(ids[start : start + 5000]))
        fields = ("id", "name", "country", "subdivision", "population", "kind")
        self.towns = list(Place.objects.filter(geonames_id__in=ids).only(*fields).order_by("pk"))
        self.towns_by_country: dict[str, list] = {}
        for town in self.towns:
            self.towns_by_country.setdefault(town.country, []).append(town)

        kinds = list(INSTITUTION_KINDS)
        kind_weights = [INSTITUTION_KINDS[k][0] for k in kinds]
        pick_town = Picker(self.towns, [math.sqrt(t.population or 500) for t in self.towns])
        rows, seen = [], set()
        wanted = self.args.places - len(self.towns)
        while len(rows) < wanted:
            town, kind = pick_town(self.rng), self.rng.choices(kinds, weights=kind_weights)[0]
            name = INSTITUTION_KINDS[kind][1].format(town=town.name, n=self.rng.randint(1, 40))
            if (town.pk, name) not in seen:
                seen.add((town.pk, name))
                rows.append((name, kind, town))
        self.institutions = []
        with tqdm(total=len(rows), desc="institutions", unit="inst") as bar:
            for start in range(0, len(rows), 10000):
                self.institutions += institutions_create_bulk(actor=self.actor, rows=rows[start : start + 10000])
                bar.update(len(rows[start : start + 10000]))
        self.institutions_by_kind: dict[str, list] = {}
        for institution in self.institutions:
            self.institutions_by_kind.setdefault(institution.kind, []).append(institution)
        self.pick_town = pick_town
        self.timings["places_s"] = round(time.perf_counter() - started, 1)

    # ---------------------------------------------------------------- links

    def _partner(self, town):
        from stats.geography import continent_of

        for _ in range(20):
            other = self.pick_town(self.rng)
            if other.country == town.country:
                continue
            if self.rng.random() < 0.6 and continent_of(other.country) != continent_of(town.country):
                continue
            return other
        return None

    def link_specs(self, count: int) -> list:
        from core.partial_dates import PartialDate
        from links.services import LinkSpec

        specs = []
        while len(specs) < count:
            roll = self.rng.random()
            town = self.pick_town(self.rng)
            if roll < 0.80:
                partner = self._partner(town)
                if partner is None:
                    continue
                parties, kind = (town, partner), weighted(self.rng, PLACE_LINK_KINDS)
            elif roll < 0.83:
                neighbours = self.towns_by_country[town.country]
                partner = self.rng.choice(neighbours)
                if partner.pk == town.pk:
                    continue
                parties, kind = (town, partner), "intra_national"
            elif roll < 0.97 and self.institutions:
                first = self.rng.choice(self.institutions)
                second = self.rng.choice(self.institutions_by_kind[first.kind])
                if second.place.country == first.place.country:
                    continue
                parties, kind = (first, second), self.rng.choice(["institutional", "institutional", "community"])
            else:
                second, third = self._partner(town), self._partner(town)
                if second is None or third is None or len({town.pk, second.pk, third.pk}) < 3:
                    continue
                parties, kind = (town, second, third), "formal"
            key = tuple(sorted((type(p).__name__, p.pk) for p in parties))
            if key in self.seen_pairs:
                continue
            self.seen_pairs.add(key)
            agreement = first_contact = None
            if kind != "unspecified" or self.rng.random() < 0.3:
                if self.rng.random() < 0.8:
                    year = min(self.today.year - 1, round(self.rng.triangular(1947, 2025, 1975)))
                    agreement = partial(self.rng, year)
                    if self.rng.random() < 0.25:
                        first_contact = PartialDate.parse(str(year - self.rng.randint(1, 5)))
            purposes = ()
            if self.rng.random() < 0.4:
                purposes = tuple({weighted(self.rng, PURPOSES) for _ in range(self.rng.randint(1, 2))})
            specs.append(
                LinkSpec(
                    parties=parties, kind=kind, first_contact=first_contact, agreement=agreement, purposes=purposes
                )
            )
        return specs

    # ---------------------------------------------------------------- events

    def event_specs(self, links: list, specs: list, mean_per_dated_link: float) -> list:
        from core.partial_dates import PartialDate
        from links.services import EventSpec
        from places.models import Institution

        events = []
        for link, spec in zip(links, specs, strict=True):
            began = link.began_on
            if began is None:
                continue
            count = min(12, poisson(self.rng, mean_per_dated_link))
            if count == 0:
                continue
            when, status = link.agreement_on or began, "active" if self.rng.random() < 0.95 else "proposed"
            history = [EventSpec(link, when, status, category="founding")]
            last = when.start
            for _ in range(count - 1):
                choices = NEXT_STATUS[status]
                if choices is None:
                    break
                days_left = (self.today - last).days
                if days_left < 30:
                    break
                day = last + dt.timedelta(days=self.rng.randint(1, min(days_left, 365 * 12)))
                when = partial(self.rng, day.year, day.month, day.day, year_share=0.1)
                if when.start <= last:
                    when = PartialDate.parse(day.isoformat())
                status = weighted(self.rng, choices)
                category = {"paused": "political_dispute", "ended": "inactivity"}.get(status, "")
                history.append(EventSpec(link, when, status, category=category))
                last = when.start
            countries = {p.place.country if isinstance(p, Institution) else p.country for p in spec.parties}
            if countries & WAR_COUNTRIES and last < dt.date(2022, 3, 1) and self.rng.random() < 0.7:
                status = "ended" if self.rng.random() < 0.4 else "paused"
                day = dt.date(2022, 3, self.rng.randint(1, 28))
                history.append(EventSpec(link, PartialDate.parse(day.isoformat()), status, category="war"))
            events += history
        return events

    # ---------------------------------------------------------------- the run

    def run(self) -> dict:
        from django.db import transaction
        from tqdm import tqdm

        from core.partial_dates import PartialDate
        from links.services import links_create_bulk, status_events_create_bulk
        from sources.services import CitationSpec, source_create

        self.places()
        self.seen_pairs: set = set()
        started = time.perf_counter()
        # Links with dates (events need a start): 80% of those of a kind that has dates, and 30% of
        # those 80% of the unspecified (imported) place links. Histories stop early (ended, or
        # today), hence the allowance.
        dated_share = 0.8 * (0.2 + 0.8 * (0.75 + 0.25 * 0.3))
        allowance = 1.3
        mean = self.args.events / self.args.links / dated_share * allowance
        made = {"links": 0, "events": 0}
        with tqdm(total=self.args.links, desc="links", unit="link") as bar:
            while made["links"] < self.args.links:
                count = min(self.args.batch, self.args.links - made["links"])
                batch = made["links"] // self.args.batch + 1
                specs = self.link_specs(count)
                year = str(self.rng.randint(1990, self.today.year - 1))
                with transaction.atomic():
                    link_source = source_create(
                        actor=self.actor,
                        title=f"Synthetic list of links, part {batch}",
                        kind="other",
                        publisher="bench/generate.py",
                        published=PartialDate.parse(year),
                    )
                    event_source = source_create(
                        actor=self.actor,
                        title=f"Synthetic council minutes, volume {batch}",
                        kind="other",
                        publisher="bench/generate.py",
                        published=PartialDate.parse(year),
                    )
                    links = links_create_bulk(actor=self.actor, specs=specs, citation=CitationSpec(link_source))
                    events = self.event_specs(links, specs, mean)
                    status_events_create_bulk(actor=self.actor, specs=events, citation=CitationSpec(event_source))
                made["links"] += len(links)
                made["events"] += len(events)
                bar.update(len(links))
                bar.set_postfix(events=made["events"])
        self.timings["links_and_events_s"] = round(time.perf_counter() - started, 1)
        return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--links", type=int, default=1_000_000)
    parser.add_argument("--places", type=int, help="towns and institutions (default: 0.3 × links)")
    parser.add_argument("--events", type=int, help="status events, about (default: 3 × links)")
    parser.add_argument("--batch", type=int, default=10_000, help="links per transaction")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    args.places = args.places or max(1000, round(args.links * 0.3))
    args.events = args.events if args.events is not None else args.links * 3
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning_hub.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False  # no query log: it would hold every INSERT of the run in memory

    from links.models import Link, Party, StatusEvent
    from places.models import Institution, Place
    from sources.models import Citation

    started = time.perf_counter()
    generator = Generator(args)
    made = generator.run()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
    totals = {
        "database": connection.vendor,
        "seed": args.seed,
        "made": made,
        "registry": {
            "places": Place.objects.count(),
            "institutions": Institution.objects.count(),
            "links": Link.objects.count(),
            "parties": Party.objects.count(),
            "status_events": StatusEvent.objects.count(),
            "citations": Citation.objects.count(),
        },
        "seconds": generator.timings | {"total_s": round(time.perf_counter() - started, 1)},
    }
    print(json.dumps(totals))


if __name__ == "__main__":
    main()
