"""Wikidata QuickStatements for the registry's links, so corrections can flow back to Wikidata.

A twinning is Wikidata's property P190 ("twinned administrative body") on both places' items,
with start time (P580) and end time (P582) qualifiers and a reference URL (S854) to the hub's
page for the link. Only links between two GeoNames-matched places whose Wikidata items are known
are written: items come from places imported from Wikidata, or from a GeoNames→Wikidata mapping
file (see docs/DATA.md for the query that makes one).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Count, Prefetch

from api.exports import site_url
from core.partial_dates import PartialDate
from links.models import Link, LinkStatus, Party, StatusEvent

PRECISION = {"year": 9, "month": 10, "day": 11}


@dataclass
class QuickStatementsReport:
    written: int = 0
    skipped: Counter = field(default_factory=Counter)


def wikidata_time(date: PartialDate) -> str:
    """'+1956-00-00T00:00:00Z/9' for a year, '/10' for a month, '/11' for a day."""
    year, month, day = date.start.year, date.start.month, date.start.day
    if date.precision == "year":
        month = day = 0
    elif date.precision == "month":
        day = 0
    return f"+{year:04d}-{month:02d}-{day:02d}T00:00:00Z/{PRECISION[date.precision]}"


def read_mapping(path: Path | None) -> dict[int, str]:
    """GeoNames id → Wikidata item from a CSV with columns geonames_id,qid (or the SPARQL CSV: item,geonames)."""
    if path is None:
        return {}
    mapping: dict[int, str] = {}
    with path.open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            geonames = (row.get("geonames_id") or row.get("geonames") or "").strip()
            qid = (row.get("qid") or row.get("item") or "").strip().rsplit("/", 1)[-1]
            if geonames.isdigit() and qid[:1] == "Q" and qid[1:].isdigit():
                mapping[int(geonames)] = qid
    return mapping


def _end(link: Link, today: dt.date) -> PartialDate | None:
    events = sorted(link.events.all(), key=lambda e: (e.date, e.sequence, e.id))
    current = [e for e in events if e.date <= today]
    if current and current[-1].status == LinkStatus.ENDED:
        return current[-1].when
    return None


def quickstatements(
    mapping: dict[int, str], report: QuickStatementsReport, today: dt.date | None = None
) -> Iterator[str]:
    today = today or dt.date.today()
    links = (
        Link.objects.filter(parent__isnull=True)
        .annotate(n=Count("parties"))
        .filter(n=2)
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.select_related("place", "institution").order_by("position")),
            Prefetch("events", queryset=StatusEvent.objects.order_by("date", "sequence", "id")),
        )
        .order_by("pk")
    )
    retrieved = wikidata_time(PartialDate(today, "day"))
    for link in links.iterator(chunk_size=1000):
        parties = list(link.parties.all())
        if any(p.institution_id for p in parties):
            report.skipped["a party is an institution"] += 1
            continue
        places = [p.place for p in parties]
        if not all(place.geonames_id for place in places):
            report.skipped["a place is not matched to GeoNames"] += 1
            continue
        items = [place.wikidata_id or mapping.get(place.geonames_id) for place in places]
        if not all(items):
            report.skipped["no Wikidata item known for a place"] += 1
            continue
        qualifiers = []
        start = link.agreement_on or link.first_contact_on
        if start:
            qualifiers += ["P580", wikidata_time(start)]
        end = _end(link, today)
        if end:
            qualifiers += ["P582", wikidata_time(end)]
        reference = ["S854", f'"{site_url()}{link.get_absolute_url()}"', "S813", retrieved]
        for item, other in ((items[0], items[1]), (items[1], items[0])):
            yield "\t".join([item, "P190", other, *qualifiers, *reference])
        report.written += 1
