"""Open-data exports of links: CSV, JSON and GeoJSON, streamed row by row in constant memory.

The search page's downloads and `manage.py export_registry` both use these writers, so a
download holds exactly the rows the page shows (all pages of them), with the same columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from core.spreadsheets import safe_cell
from links.models import Link, Party

CHUNK = 1000
LICENCE = (
    "Twinning Hub open data. Facts cite their sources; data imported from Wikipedia lists is CC BY-SA, "
    "and from Wikidata CC0. Reuse the registry under the Open Database Licence (ODbL 1.0), crediting Twinning Hub."
)

LINK_COLUMNS = [
    "link_id", "url", "title", "kind", "status", "status_on", "first_contact", "agreement", "purposes",
    "party_1", "party_1_country", "party_1_geonames_id", "party_1_latitude", "party_1_longitude",
    "party_2", "party_2_country", "party_2_geonames_id", "party_2_latitude", "party_2_longitude",
    "other_parties", "parent_link_id", "needs_verification",
]  # fmt: skip


def site_url() -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/")


def links_for_export(links: QuerySet[Link]) -> Iterator[Link]:
    """The links with what each row shows, fetched in chunks: memory stays flat for any number of rows."""
    parties = Party.objects.select_related("place", "institution__place").order_by("position", "id")
    flagged = Link.objects.filter(
        pk=OuterRef("pk"), listings__gaps__isnull=False, listings__gaps__resolved_at__isnull=True
    )
    return (
        links.annotate(flagged_for_verification=Exists(flagged))
        .prefetch_related(Prefetch("parties", queryset=parties), "purposes")
        .iterator(chunk_size=CHUNK)
    )


def _party_fields(party: Party | None) -> list[Any]:
    if party is None:
        return ["", "", "", "", ""]
    place = party.home_place
    return [
        party.name,
        place.country,
        place.geonames_id or "",
        "" if place.latitude is None else float(place.latitude),
        "" if place.longitude is None else float(place.longitude),
    ]


def _iso(date: Any) -> str:
    return date.iso() if date else ""


def link_record(link: Link, on: dt.date) -> dict[str, Any]:
    """One link as plain data: the same fields in every format."""
    parties = list(link.parties.all())
    record = {
        "link_id": link.pk,
        "url": site_url() + link.get_absolute_url(),
        "title": link.title,
        "kind": link.kind,
        "status": getattr(link, "status_on_date", ""),
        "status_on": on.isoformat(),
        "first_contact": _iso(link.first_contact_on),
        "agreement": _iso(link.agreement_on),
        "purposes": [p.slug for p in link.purposes.all()],
        "parties": [
            {
                "name": party.name,
                "institution": party.institution.name if party.institution_id else None,
                "place": party.home_place.name,
                "place_id": party.home_place.pk,
                "country": party.home_place.country,
                "geonames_id": party.home_place.geonames_id,
                "latitude": None if party.home_place.latitude is None else float(party.home_place.latitude),
                "longitude": None if party.home_place.longitude is None else float(party.home_place.longitude),
                "role": party.role,
            }
            for party in parties
        ],
        "parent_link_id": link.parent_id,
        "needs_verification": bool(getattr(link, "flagged_for_verification", False)),
    }
    return record


def csv_row(link: Link, on: dt.date) -> list[Any]:
    record = link_record(link, on)
    parties = list(link.parties.all())
    row = [
        record["link_id"], record["url"], record["title"], record["kind"], record["status"], record["status_on"],
        record["first_contact"], record["agreement"], " ".join(record["purposes"]),
        *_party_fields(parties[0] if parties else None),
        *_party_fields(parties[1] if len(parties) > 1 else None),
        "; ".join(f"{p.name} ({p.home_place.country})" for p in parties[2:]),
        record["parent_link_id"] or "", "yes" if record["needs_verification"] else "no",
    ]  # fmt: skip
    return [safe_cell(value) for value in row]


class _Line:
    """A file-like object whose write() returns what was written: csv.writer into a generator."""

    def write(self, value: str) -> str:
        return value


def stream_csv(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV as Excel and LibreOffice open it cleanly: UTF-8 with a byte-order mark, CRLF line ends."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def links_csv(links: QuerySet[Link], on: dt.date) -> Iterator[str]:
    return stream_csv(LINK_COLUMNS, (csv_row(link, on) for link in links_for_export(links)))


def links_json(links: QuerySet[Link], on: dt.date, query: dict[str, Any]) -> Iterator[str]:
    """{"licence", "status_on", "query", "links": [...]}, streamed one link at a time."""
    head = {"licence": LICENCE, "status_on": on.isoformat(), "query": query}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "links": ['
    for index, link in enumerate(links_for_export(links)):
        yield ("," if index else "") + "\n" + json.dumps(link_record(link, on), ensure_ascii=False)
    yield "\n]}\n"


def _geometry(record: dict[str, Any]) -> dict[str, Any] | None:
    points = [[p["longitude"], p["latitude"]] for p in record["parties"] if p["latitude"] is not None]
    if len(points) >= 2:
        return {"type": "LineString" if len(points) == 2 else "MultiPoint", "coordinates": points}
    if len(points) == 1:
        return {"type": "Point", "coordinates": points[0]}
    return None


def links_geojson(links: QuerySet[Link], on: dt.date) -> Iterator[str]:
    """A FeatureCollection: each link a line between its two places (or their points; null if none known)."""
    yield json.dumps({"type": "FeatureCollection", "licence": LICENCE, "status_on": on.isoformat()})[:-1]
    yield ', "features": ['
    for index, link in enumerate(links_for_export(links)):
        record = link_record(link, on)
        feature = {"type": "Feature", "id": record["link_id"], "geometry": _geometry(record), "properties": record}
        yield ("," if index else "") + "\n" + json.dumps(feature, ensure_ascii=False)
    yield "\n]}\n"
