"""The whole registry as files: one CSV per table and one JSON document, with stable ids.

Each table is declared once (its columns and how to read a row); the CSV and JSON writers
share the declarations, and docs/DATA.md documents the same columns. Rows are streamed from
the database in chunks, so memory stays flat whatever the size.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from api.exports import LICENCE, site_url
from core.spreadsheets import safe_cell
from links.models import Link, Party, StatusEvent
from places.models import Institution, Place
from sources.models import Citation, Source

CHUNK = 2000


def _date(value: Any, precision: str) -> str:
    if value is None:
        return ""
    text = value.isoformat()
    return {"year": text[:4], "month": text[:7]}.get(precision, text)


@dataclass(frozen=True)
class Table:
    name: str
    columns: list[str]
    rows: Callable[[], QuerySet]
    read: Callable[[Any], list[Any]]


TABLES = [
    Table(
        "places",
        ["place_id", "name", "kind", "country", "subdivision", "geonames_id", "latitude", "longitude", "population",
         "url"],
        lambda: Place.objects.order_by("pk"),
        lambda p: [p.pk, p.name, p.kind, p.country, p.subdivision, p.geonames_id, p.latitude, p.longitude,
                   p.population, site_url() + p.get_absolute_url()],
    ),
    Table(
        "institutions",
        ["institution_id", "name", "kind", "place_id"],
        lambda: Institution.objects.order_by("pk"),
        lambda i: [i.pk, i.name, i.kind, i.place_id],
    ),
    Table(
        "links",
        ["link_id", "name", "kind", "parent_link_id", "first_contact", "agreement", "endorsing_body", "purposes",
         "description", "version", "url"],
        lambda: Link.objects.prefetch_related("purposes").order_by("pk"),
        lambda k: [k.pk, k.name, k.kind, k.parent_id, _date(k.first_contact, k.first_contact_precision),
                   _date(k.agreement, k.agreement_precision), k.endorsing_body,
                   " ".join(p.slug for p in k.purposes.all()), k.description, k.version,
                   site_url() + f"/links/{k.pk}/"],
    ),
    Table(
        "parties",
        ["party_id", "link_id", "place_id", "institution_id", "role", "position"],
        lambda: Party.objects.order_by("pk"),
        lambda p: [p.pk, p.link_id, p.place_id, p.institution_id, p.role, p.position],
    ),
    Table(
        "status_events",
        ["event_id", "link_id", "date", "date_precision", "sequence", "status", "category", "reason",
         "deciding_body", "decision_note"],
        lambda: StatusEvent.objects.order_by("pk"),
        lambda e: [e.pk, e.link_id, _date(e.date, e.date_precision), e.date_precision, e.sequence, e.status,
                   e.category, e.reason, e.deciding_body, e.decision_note],
    ),
    Table(
        "sources",
        ["source_id", "title", "kind", "publisher", "author", "url", "document", "published", "note"],
        lambda: Source.objects.order_by("pk"),
        lambda s: [s.pk, s.title, s.kind, s.publisher, s.author, s.url, s.document,
                   _date(s.published, s.published_precision), s.note],
    ),
    Table(
        "citations",
        ["citation_id", "source_id", "place_id", "institution_id", "link_id", "event_id", "claim", "quote", "locator"],
        lambda: Citation.objects.order_by("pk"),
        lambda c: [c.pk, c.source_id, c.place_id, c.institution_id, c.link_id, c.status_event_id, c.claim, c.quote,
                   c.locator],
    ),
]  # fmt: skip


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (int, str, float, bool)):
        return value
    return float(value) if hasattr(value, "as_tuple") else str(value)


def table_rows(table: Table) -> Iterator[list[Any]]:
    for row in table.rows().iterator(chunk_size=CHUNK):
        yield [_plain(value) for value in table.read(row)]


def export_registry(directory: Path, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Write <table>.csv for every table, registry.json with all of them, and LICENCE.txt. Returns row counts."""
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table in TABLES:
        with (directory / f"{table.name}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(table.columns)
            count = 0
            for row in table_rows(table):
                writer.writerow(["" if v is None else safe_cell(v) for v in row])
                count += 1
        counts[table.name] = count
        if progress:
            progress(table.name, count)
    with (directory / "registry.json").open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"licence": LICENCE, "site": site_url()})[:-1])
        for table in TABLES:
            handle.write(f', "{table.name}": [')
            for index, row in enumerate(table_rows(table)):
                handle.write(
                    ("," if index else "")
                    + "\n"
                    + json.dumps(dict(zip(table.columns, row, strict=True)), ensure_ascii=False)
                )
            handle.write("\n]")
        handle.write("}\n")
    (directory / "LICENCE.txt").write_text(LICENCE + "\nFields: docs/DATA.md in the Twinning Hub repository.\n")
    return counts
