"""Writes to places and institutions. Each validates, saves and logs in one transaction."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from audit.models import ChangeAction
from audit.services import Actor, change_record, snapshot, versioned_update
from core.text import fold
from places.models import Institution, Place, PlaceKind, PlaceName

PLACE_FIELDS = ["name", "kind", "country", "subdivision", "geonames_id", "latitude", "longitude", "population", "note"]


@transaction.atomic
def place_create(
    *,
    actor: Actor,
    name: str,
    country: str,
    kind: str = PlaceKind.TOWN,
    subdivision: str = "",
    geonames_id: int | None = None,
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    population: int | None = None,
    note: str = "",
    other_names: dict[str, list[str]] | None = None,
) -> Place:
    """Create a place with its English name and any names in other languages ({'ru': ['Волгоград']})."""
    place = Place(
        name=name.strip(),
        kind=kind,
        country=country,
        subdivision=subdivision,
        geonames_id=geonames_id,
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
    versioned_update(
        actor=actor,
        instance=place,
        changes=changes,
        fields=PLACE_FIELDS,
        expected_version=expected_version,
        summary=f"Edited place {place.name}",
    )
    place_name_add(place=place, name=place.name, language="en")
    return place


@transaction.atomic
def institution_create(*, actor: Actor, name: str, kind: str, place: Place, note: str = "") -> Institution:
    institution = Institution(name=name.strip(), kind=kind, place=place, note=note)
    institution.full_clean()
    institution.save()
    change_record(
        actor=actor,
        action=ChangeAction.CREATE,
        target=institution,
        summary=f"Added institution {institution}",
        changes=snapshot(institution, ["name", "kind", "place_id", "note"]),
    )
    return institution


@transaction.atomic
def institution_update(
    *, actor: Actor, institution: Institution, expected_version: int | None = None, **changes: object
) -> Institution:
    if "name" in changes:
        changes["folded"] = fold(str(changes["name"]))
    return versioned_update(
        actor=actor,
        instance=institution,
        changes=changes,
        fields=["name", "kind", "place_id", "note", "folded"],
        expected_version=expected_version,
        summary=f"Edited institution {institution.name}",
    )
