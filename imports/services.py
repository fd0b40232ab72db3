"""Importing lists of twinned places: match names to places, merge with the registry, never lose history.

The import reads and checks the whole file first (a bad file changes nothing), then writes
in batches, each in its own transaction: killed midway, the database stays consistent,
and running it again finishes the job without duplicates. Every registry write goes
through the places, links and sources services, and is logged.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from audit.services import Actor
from core.models import ExternalId
from core.partial_dates import PartialDate
from core.text import fold
from imports.countries import CountryRef, country_from_wikipedia
from imports.models import ImportFormat, ImportRun, Listing, ListingGap, NameResolution, Outcome, PendingPair
from imports.readers import ImportFileError, NameRef, PairRow, ReadResult, read_pairs_csv, read_wikidata_json
from links.models import Link, LinkStatus, Party
from links.services import links_create_imported, status_event_record
from places.geography import country_name, subdivision_problem
from places.models import GazetteerEntry, Place, PlaceKind
from places.services import place_create, places_from_gazetteer
from sources.models import Source, SourceKind
from sources.services import CitationSpec, citations_add_bulk, source_create

BATCH = 2000
REPORT_KEYS = [
    "pairs_read",
    "links_created",
    "links_merged",
    "links_unchanged",
    "places_matched",
    "places_created",
    "places_ambiguous",
    "places_unmatched",
    "flagged_missing",
    "errors",
    # and what explains the difference between pairs read and links:
    "pairs_listed_twice",
    "pairs_pending",
    "pairs_naming_one_place_twice",
    "places_far_from_given_coordinates",
]


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        result = {key: self.counts.get(key, 0) for key in REPORT_KEYS}
        result |= {k: v for k, v in sorted(self.counts.items()) if k not in result}
        return result


# ------------------------------------------------------------------------------ names to places


def _let_others_write() -> None:
    """Pause briefly after each of the import's write transactions on SQLite, so that other writers get their turn.

    SQLite has one write lock. A writer waiting for it tries again every 100 ms at most (the busy
    handler's longest sleep), so a loop that commits and at once begins its next transaction can
    keep a staff member's save waiting until the 20 s busy timeout fails it ("database is
    locked"). A pause a little longer than that lets every waiting writer try once; it costs a
    few seconds over a whole import. PostgreSQL locks rows, and queues whoever waits: no pause.
    """
    if connection.vendor == "sqlite":
        time.sleep(0.11)


def resolution_key(ref: NameRef, country: CountryRef | None) -> str:
    if ref.geonames_id:
        return f"geonames:{ref.geonames_id}"
    code = country.code if country else "??"
    return f"{code}|{country.subdivision if country else ''}|{country.qualifier if country else ''}|{fold(ref.name)}"


def _country_of(ref: NameRef) -> CountryRef | None:
    text = ref.country.strip()
    if len(text) == 2 and text.isalpha() and text.isupper():
        return CountryRef(text)
    return country_from_wikipedia(text)


def gazetteer_for(countries: Iterable[str]):
    """The in-memory matcher for these countries, read from the gazetteer table once per import."""
    from imports.matching import Gazetteer, GazetteerRecord

    rows = GazetteerEntry.objects.filter(country__in=set(countries)).values_list(
        "geonames_id", "name", "country", "admin1", "latitude", "longitude", "population", "alternate_names"
    )
    return Gazetteer(
        GazetteerRecord(gid, name, country, admin1, lat, lng, population, tuple(filter(None, alt.split("|"))))
        for gid, name, country, admin1, lat, lng, population, alt in rows
    )


def _candidate_rows(match: Any) -> list[dict[str, Any]]:
    return [
        {
            "geonames_id": c.record.geonames_id,
            "name": c.record.name,
            "country": c.record.country,
            "admin1": c.record.admin1,
            "population": c.record.population,
            "latitude": c.record.latitude,
            "longitude": c.record.longitude,
            "distance_km": None if c.distance_km is None else round(c.distance_km, 1),
        }
        for c in match.candidates
    ]


def _place_for_area(
    actor: Actor, outcome: str, name: str, country: str, region_code: str = "", seat: Any = None
) -> Place:
    """The Place for a partner that is a whole country, a region, or a district (created once, then reused).

    A district ("Yavoriv Raion", "Yeysky District") is its own place, not its seat town: the seat
    only lends its coordinates, and the note says so.
    """
    if outcome == Outcome.COUNTRY:
        scheme, value = "country", country
    else:
        scheme, value = "region", region_code or f"{country}:{fold(name)}"
    existing = ExternalId.lookup(scheme, value)
    if existing is not None:
        return existing
    subdivision = region_code if region_code and region_code.count("-") == 1 else ""
    if subdivision and subdivision_problem(subdivision, country):
        subdivision = ""
    if outcome == Outcome.COUNTRY:
        place = place_create(actor=actor, name=country_name(country), country=country, kind=PlaceKind.COUNTRY)
    elif seat is not None:
        place = place_create(
            actor=actor,
            name=name,
            country=country,
            kind=PlaceKind.DISTRICT,
            latitude=seat.latitude,
            longitude=seat.longitude,
            note=f"An administrative district; its seat is {seat.name} "
            f"(GeoNames {seat.geonames_id}), whose coordinates are shown.",
        )
    else:
        place = place_create(
            actor=actor,
            name=name,
            country=country,
            kind=PlaceKind.REGION,
            subdivision=subdivision,
            note=f"ISO 3166-2 {region_code}." if region_code else "",
        )
    ExternalId.remember(scheme, value, place)
    return place


def _seat_of_borough(gazetteer: Any, ref: NameRef, country: CountryRef) -> Any:
    """The city a borough-like name belongs to: 'City – Borough', 'Borough (City)', 'Budapest XI – Újbuda'."""
    import re

    name = ref.name.strip()
    parents: list[str] = []
    if " – " in name or " - " in name:
        head = re.split(r" [–-] ", name, maxsplit=1)[0].strip()
        parents += [head, head.split()[0]]
    qualifier = re.search(r"\(([^)]+)\)\s*$", name)
    if qualifier:
        parents.append(qualifier.group(1).strip())
    for parent in parents:
        if not parent or fold(parent) == fold(name):
            continue
        match = gazetteer.match(parent, country, ref.latitude, ref.longitude)
        if match.outcome == Outcome.MATCHED and match.record is not None:
            return match.record
    return None


Area = tuple[str, str, str, str, Any]  # _place_for_area's (outcome, name, country, region_code, seat)


def _match_into(
    resolution: NameResolution,
    ref: NameRef,
    country: CountryRef | None,
    gazetteer: Any,
    entries: set[int],
) -> Area | None:
    """Fill `resolution` with how `ref` matches: outcome, method, explanation, candidates.

    It only reads. A name that is an area (a country, a region, a district, a borough) returns
    the area, whose place the caller makes when it writes (_place_for_area).
    """
    if ref.geonames_id and ref.geonames_id in entries:
        resolution.outcome, resolution.method = Outcome.MATCHED, "geonames id"
        resolution.explanation = f"The source gives GeoNames id {ref.geonames_id}."
        resolution.candidates = [{"geonames_id": ref.geonames_id, "name": ref.name, "country": resolution.country}]
        return None
    if country is None:
        resolution.outcome, resolution.method = Outcome.UNMATCHED, "country"
        resolution.explanation = f"'{ref.country}' is not a country we can recognise."
        return None
    if gazetteer is None:
        resolution.outcome = Outcome.UNMATCHED
        resolution.explanation = f"GeoNames id {ref.geonames_id} is not in the gazetteer (run load_gazetteer)."
        return None
    match = gazetteer.match(ref.name, country, ref.latitude, ref.longitude)
    seat = _seat_of_borough(gazetteer, ref, country) if match.outcome == Outcome.UNMATCHED else None
    if seat is not None:
        # "Berlin – Steglitz-Zehlendorf", "Stari Grad (Sarajevo)": a borough of a city we know.
        resolution.outcome, resolution.method = Outcome.REGION, "borough of a matched city"
        resolution.explanation = f"{ref.name!r} is a part of {seat.name} (GeoNames {seat.geonames_id})."
        return (Outcome.REGION, ref.name, country.code, "", seat)
    resolution.outcome = match.outcome
    resolution.method = match.method[:100]
    resolution.explanation = match.explanation[:500]
    resolution.distance_km = match.distance_km
    resolution.far = match.far
    resolution.candidates = _candidate_rows(match)
    if match.outcome == Outcome.MATCHED and "suffix-dropped" in match.method:
        # Named as a district ("... Raion"): the partner is the district, not its seat town.
        resolution.outcome = Outcome.REGION
        resolution.explanation = f"{ref.name!r} names a district; its seat is {match.record.name}."[:500]
        return (Outcome.REGION, ref.name, country.code, "", match.record)
    if match.outcome == Outcome.MATCHED:
        chosen = {"geonames_id": match.record.geonames_id, "name": match.record.name, "country": match.record.country}
        resolution.candidates = [chosen, *resolution.candidates]
    elif match.outcome in (Outcome.REGION, Outcome.COUNTRY):
        return (match.outcome, match.name, country.code, match.region_code, None)
    return None


def _distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    from math import asin, cos, radians, sin, sqrt

    dlat, dlng = radians(lat2 - lat1), radians(lng2 - lng1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlng / 2) ** 2
    return 2 * 6371.0 * asin(sqrt(a))


def resolve_names(
    *,
    actor: Actor,
    refs: dict[str, tuple[NameRef, CountryRef | None]],
    report: ImportReport,
    occurrences: Counter | None = None,
) -> dict[str, NameResolution]:
    """A NameResolution for every key, matching only names never seen before.

    A name seen before without coordinates, now given them (the geocoded file after the raw
    one), is checked against them: an open one is matched again with their help, a matched
    one gets its distance and its "more than 50 km" flag.

    The matching (reading the gazetteer, comparing names: half of a whole import's time) comes
    first and only reads; the writes come after it, in short transactions. SQLite has one write
    lock for all writers, and while an import held it through the matching (25 s for the Wikipedia
    list), a status change saved in the admin or the API waited past the 20 s busy timeout and
    failed with "database is locked" (docs/RELIABILITY.md, "Concurrent writers").
    """
    known = {r.key: r for r in NameResolution.objects.filter(key__in=list(refs)).select_related("place")}
    new_keys = [k for k in refs if k not in known]
    with_new_coordinates = [
        k
        for k in known
        if refs[k][0].latitude is not None and known[k].latitude is None and known[k].resolved_at is None
    ]
    reopen = [k for k in with_new_coordinates if known[k].place_id is None and refs[k][1] is not None]
    to_match = [k for k in new_keys if not refs[k][0].geonames_id and refs[k][1] is not None] + reopen
    gazetteer = gazetteer_for({refs[k][1].code for k in to_match}) if to_match else None
    by_geonames = [refs[k][0].geonames_id for k in new_keys if refs[k][0].geonames_id]
    entries = set(GazetteerEntry.objects.filter(geonames_id__in=by_geonames).values_list("geonames_id", flat=True))
    fresh: list[NameResolution] = []
    areas: dict[str, Area] = {}  # the places to make for names that are areas
    for key in new_keys:
        ref, country = refs[key]
        resolution = NameResolution(
            key=key,
            name=ref.name[:300],
            country=country.code if country else "",
            subdivision=country.subdivision[:6] if country else "",
            country_as_written=ref.country[:200],
            latitude=ref.latitude,
            longitude=ref.longitude,
            occurrences=(occurrences or {}).get(key, 0),
        )
        if area := _match_into(resolution, ref, country, gazetteer, entries):
            areas[key] = area
        fresh.append(resolution)
    updated: list[NameResolution] = []  # matched again
    measured: list[tuple] = []  # (latitude, longitude, distance_km, far, pk): only measured against
    for key in with_new_coordinates:
        resolution, (ref, country) = known[key], refs[key]
        resolution.latitude, resolution.longitude = ref.latitude, ref.longitude
        if key in reopen:
            if area := _match_into(resolution, ref, country, gazetteer, entries):
                areas[key] = area
            updated.append(resolution)
            continue
        if resolution.place is not None and resolution.place.latitude is not None:
            resolution.distance_km = _distance_km(
                ref.latitude, ref.longitude, float(resolution.place.latitude), float(resolution.place.longitude)
            )
            resolution.far = resolution.distance_km > 50
        measured.append((ref.latitude, ref.longitude, resolution.distance_km, resolution.far, resolution.pk))
    places = _places_for(actor, report, fresh + updated, areas)
    with transaction.atomic():
        fresh, updated = _still_to_write(known, fresh, updated)
        _write_resolutions(fresh, updated, measured, places)
    _let_others_write()
    known.update({r.key: r for r in fresh})
    report.counts["names_rechecked_with_coordinates"] += len(updated) + len(measured)
    return known


def _still_to_write(
    known: dict[str, NameResolution], fresh: list[NameResolution], updated: list[NameResolution]
) -> tuple[list[NameResolution], list[NameResolution]]:
    """What is still to write once the write transaction has begun: the names matched before it began
    may since have been written by another import, or tied to a place by a moderator. Theirs is kept."""
    taken = NameResolution.objects.filter(key__in=[r.key for r in fresh]).select_related("place")
    known.update({r.key: r for r in taken})
    reopened = NameResolution.objects.select_for_update().filter(pk__in=[r.pk for r in updated])
    tied = [pk for pk, place_id in reopened.values_list("pk", "place_id") if place_id is not None]
    chosen = {r.key: r for r in NameResolution.objects.filter(pk__in=tied).select_related("place")}
    known.update(chosen)
    return [r for r in fresh if r.key not in known], [r for r in updated if r.key not in chosen]


def _places_for(
    actor: Actor, report: ImportReport, resolutions: list[NameResolution], areas: dict[str, Area]
) -> dict[str, Place]:
    """The place for each name matched or found to be an area, by key: made where missing, in short transactions.

    Each transaction is whole and may be repeated (an area's place is found again by its
    external id, a GeoNames place by its id), so a crash between them leaves nothing to repair,
    and none holds SQLite's write lock for long (100 areas, or BATCH GeoNames places, at a time).
    """
    found: dict[str, Place] = {}
    area_keys = [r.key for r in resolutions if r.key in areas]
    for start in range(0, len(area_keys), 100):
        with transaction.atomic():
            for key in area_keys[start : start + 100]:
                found[key] = _place_for_area(actor, *areas[key])
        _let_others_write()
    wanted = {
        r.key: r.candidates[0]["geonames_id"] for r in resolutions if r.outcome == Outcome.MATCHED and not r.place_id
    }
    ids = sorted(set(wanted.values()))
    places: dict[int, Place] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic():
            before = Place.objects.filter(geonames_id__in=chunk).count()
            made = places_from_gazetteer(actor=actor, geonames_ids=chunk)
        report.counts["places_created"] += len(made) - before
        places |= made
        _let_others_write()
    return found | {key: places[geonames_id] for key, geonames_id in wanted.items()}


def _write_resolutions(
    fresh: list[NameResolution], updated: list[NameResolution], measured: list[tuple], places: dict[str, Place]
) -> None:
    """resolve_names' last writes, in one transaction: new and re-matched resolutions with their places, distances."""
    for resolution in fresh + updated:
        if resolution.key in places:
            resolution.place = places[resolution.key]
    NameResolution.objects.bulk_create(fresh)
    for resolution in updated:
        resolution.save(
            update_fields=[
                "latitude",
                "longitude",
                "outcome",
                "method",
                "explanation",
                "distance_km",
                "far",
                "candidates",
                "place",
            ]
        )
    if measured:
        # One prepared statement for thousands of rows: bulk_update's CASE expressions take minutes here.
        from django.db import connection

        table = connection.ops.quote_name(NameResolution._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET latitude = %s, longitude = %s, distance_km = %s, far = %s WHERE id = %s",
                measured,
            )


# ------------------------------------------------------------------------------ the import


def snapshot_source(title: str, file_format: str, snapshot_date: dt.date, actor: Actor) -> Source:
    existing = Source.objects.filter(title=title, kind=SourceKind.DATASET).first()
    if existing:
        return existing
    publisher = "Wikidata" if file_format == ImportFormat.WIKIDATA else "Wikipedia (scraped lists)"
    return source_create(
        actor=actor,
        title=title,
        kind=SourceKind.DATASET,
        publisher=publisher,
        published=PartialDate(snapshot_date.replace(day=1), "month"),
        note="Imported list of twinned places: it gives no dates or statuses unless stated.",
    )


def read_file(path: Path, file_format: str, encoding: str) -> ReadResult:
    if file_format == ImportFormat.WIKIDATA:
        return read_wikidata_json(path, encoding if encoding != "utf-8-sig" else "utf-8")
    return read_pairs_csv(path, file_format, encoding)


DEFAULT_DATASETS = {
    ImportFormat.RAW: "wikipedia-twin-cities",
    # The geocoded file is the raw one less the pairs that could not be geocoded: a snapshot of
    # its own, so that those pairs are not flagged as "no longer listed".
    ImportFormat.GEOCODED: "wikipedia-twin-cities-geocoded",
    ImportFormat.WIKIDATA: "wikidata-p190",
}


def import_pairs(
    *,
    path: Path,
    source_title: str,
    actor: Actor,
    dataset: str = "",
    file_format: str = "",
    snapshot_date: dt.date | None = None,
    encoding: str = "utf-8-sig",
    skip_bad_rows: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a list of twinned pairs as one snapshot of `dataset`. See the module docstring."""
    from imports.readers import detect_format

    file_format = file_format or detect_format(path, encoding)
    result = read_file(path, file_format, encoding)
    if result.problems and not skip_bad_rows:
        raise ImportFileError(
            f"{path.name} has {len(result.problems)} row(s) that cannot be imported, so nothing was imported. "
            "Correct them, or pass --skip-bad-rows to import the others:",
            result.problems,
        )
    report = ImportReport(problems=result.problems)
    report.counts["errors"] = len(result.problems)
    report.counts["pairs_read"] = len(result.rows) + len(result.problems)
    dataset = dataset or DEFAULT_DATASETS[file_format]
    snapshot_date = snapshot_date or timezone.localdate()
    source = snapshot_source(source_title, file_format, snapshot_date, actor)
    runs_interrupted_mark()
    run = ImportRun.objects.create(
        dataset=dataset,
        source=source,
        snapshot_date=snapshot_date,
        file_name=str(path)[:500],
        file_format=file_format,
        actor=actor.user,
        actor_label=actor.label,
        host=socket.gethostname()[:255],
        pid=os.getpid(),
        progressed_at=timezone.now(),
    )
    try:
        _run_import(run, result.rows, actor, report, progress)
    except BaseException:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED, finished_at=timezone.now(), report=report.as_dict()
        )
        raise
    run.status, run.finished_at, run.report = ImportRun.Status.FINISHED, timezone.now(), report.as_dict()
    run.save(update_fields=["status", "finished_at", "report"])
    return report


# A run on another machine that has committed nothing for this long is taken to have died.
SILENT_RUN_IS_INTERRUPTED_AFTER = dt.timedelta(hours=1)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def runs_interrupted_mark() -> int:
    """Mark as interrupted the runs still 'running' whose process has died; returns how many.

    A run killed with kill -9 (or by a lost machine) cannot record its own end, so the next run,
    and check_registry, look for it: on this machine, a run whose process no longer exists; from
    elsewhere, one that has committed nothing for SILENT_RUN_IS_INTERRUPTED_AFTER. What it had
    committed stays, consistent, and the next run of the same file completes it.
    """
    here = socket.gethostname()[:255]
    silent_since = timezone.now() - SILENT_RUN_IS_INTERRUPTED_AFTER
    dead = [
        run.pk
        for run in ImportRun.objects.filter(status=ImportRun.Status.RUNNING)
        if (run.host == here and run.pid is not None and run.pid != os.getpid() and not _process_alive(run.pid))
        or (run.progressed_at or run.started_at) < silent_since
    ]
    return ImportRun.objects.filter(pk__in=dead, status=ImportRun.Status.RUNNING).update(
        status=ImportRun.Status.INTERRUPTED, finished_at=timezone.now()
    )


def _existing_pairs(place_ids: Iterable[int] | None = None) -> dict[frozenset[int], int]:
    """Top-level links with exactly two place parties, by their pair of place ids.

    A whole import reads them all once; a moderator's choice only needs the links of the
    places it touches (`place_ids`), not a scan of the registry.
    """
    two_party = Link.objects.filter(parent__isnull=True)
    if place_ids is not None:
        two_party = two_party.filter(parties__place__in=list(place_ids))
    two_party = two_party.annotate(n=Count("parties", distinct=True)).filter(n=2).values("pk")
    by_link: dict[int, list[int]] = {}
    for link_id, place_id in Party.objects.filter(link__in=two_party, place__isnull=False).values_list("link", "place"):
        by_link.setdefault(link_id, []).append(place_id)
    return {frozenset(places): link for link, places in by_link.items() if len(places) == 2}


def _run_import(
    run: ImportRun, rows: list[PairRow], actor: Actor, report: ImportReport, progress: Callable[[int], None] | None
) -> None:
    citation = CitationSpec(
        source=run.source, claim="listed as twinned", quote="" if run.file_format == ImportFormat.WIKIDATA else ""
    )
    refs: dict[str, tuple[NameRef, CountryRef | None]] = {}
    row_keys: list[tuple[PairRow, str, str]] = []
    for row in rows:
        keys = []
        for ref in (row.first, row.second):
            country = _country_of(ref)
            key = resolution_key(ref, country)
            refs.setdefault(key, (ref, country))
            keys.append(key)
        row_keys.append((row, keys[0], keys[1]))

    occurrences = Counter(k for _, a, b in row_keys for k in (a, b))
    resolutions = resolve_names(actor=actor, refs=refs, report=report, occurrences=occurrences)
    outcomes = Counter(r.outcome for r in resolutions.values() if r.key in refs)
    report.counts["places_matched"] = sum(
        outcomes[o] for o in (Outcome.MATCHED, Outcome.REGION, Outcome.COUNTRY, Outcome.CHOSEN)
    )
    report.counts["places_ambiguous"] = outcomes[Outcome.AMBIGUOUS]
    report.counts["places_unmatched"] = outcomes[Outcome.UNMATCHED]
    report.counts["places_far_from_given_coordinates"] = sum(1 for r in resolutions.values() if r.key in refs and r.far)

    _remember_wikidata_items(actor, refs, resolutions)
    pairs = _existing_pairs()
    listings = {listing.link_id: listing for listing in Listing.objects.filter(dataset=run.dataset)}
    seen_links: set[int] = set()
    seen_pairs: set[frozenset[int]] = set()
    for start in range(0, len(row_keys), BATCH):
        batch = row_keys[start : start + BATCH]
        with transaction.atomic():
            _import_batch(run, batch, resolutions, pairs, listings, seen_links, seen_pairs, actor, citation, report)
            ImportRun.objects.filter(pk=run.pk).update(progressed_at=timezone.now())
        _let_others_write()
        if progress:
            progress(len(batch))
    with transaction.atomic():
        _flag_missing(run, listings, seen_links, report)


def _new_listing(run: ImportRun, link_id: int) -> Listing:
    return Listing(
        dataset=run.dataset,
        link_id=link_id,
        first_listed=run.snapshot_date,
        first_source=run.source,
        last_listed=run.snapshot_date,
        last_source=run.source,
    )


def _import_batch(run, batch, resolutions, pairs, listings, seen_links, seen_pairs, actor, citation, report) -> None:
    """One batch of rows, written in bulk: new links, links merged from elsewhere, held pairs."""
    to_create: list[tuple[Place, Place, PairRow]] = []
    merged: list[tuple[int, PairRow]] = []
    held: list[PendingPair] = []
    for row, first_key, second_key in batch:
        first, second = resolutions[first_key], resolutions[second_key]
        if first.place_id is None or second.place_id is None:
            ordered = sorted((first, second), key=lambda r: r.pk)
            held.append(PendingPair(dataset=run.dataset, run=run, first=ordered[0], second=ordered[1], line=row.line))
            report.counts["pairs_pending"] += 1
            continue
        if first.place_id == second.place_id:
            report.counts["pairs_naming_one_place_twice"] += 1
            report.problems.append(f"line {row.line}: both names lead to {first.place} ({first.name} / {second.name})")
            continue
        key = frozenset((first.place_id, second.place_id))
        if key in seen_pairs:
            report.counts["pairs_listed_twice"] += 1  # A–B and B–A, or a repeated row: one link
            continue
        seen_pairs.add(key)
        link_id = pairs.get(key)
        if link_id is None:
            to_create.append((first.place, second.place, row))
        elif link_id in listings:
            seen_links.add(link_id)
            report.counts["links_unchanged"] += 1
            _seen_again(listings[link_id], run)
            _wikidata_events(actor, link_id, row, run)
        else:
            seen_links.add(link_id)
            merged.append((link_id, row))
    PendingPair.objects.bulk_create(held, ignore_conflicts=True)
    if merged:
        # A link the registry already had (from the seed documents, another list ...): it now cites this list too.
        report.counts["links_merged"] += len(merged)
        links = Link.objects.in_bulk([link_id for link_id, _ in merged])
        citations_add_bulk(actor=actor, targets=list(links.values()), spec=citation)
        for listing in Listing.objects.bulk_create(_new_listing(run, link_id) for link_id, _ in merged):
            listings[listing.link_id] = listing
        for link_id, row in merged:
            _wikidata_events(actor, link_id, row, run)
    if to_create:
        links = links_create_imported(actor=actor, pairs=[(a, b) for a, b, _ in to_create], citation=citation)
        report.counts["links_created"] += len(links)
        new_listings = Listing.objects.bulk_create(_new_listing(run, link.pk) for link in links)
        for link, listing, (a, b, row) in zip(links, new_listings, to_create, strict=True):
            pairs[frozenset((a.pk, b.pk))] = link.pk
            listings[link.pk] = listing
            seen_links.add(link.pk)
            _wikidata_events(actor, link.pk, row, run)


def _remember_wikidata_items(actor: Actor, refs: dict, resolutions: dict[str, NameResolution]) -> None:
    """Places matched from Wikidata rows learn their Wikidata item id (used by export_quickstatements)."""
    from places.services import place_update

    wanted = {
        resolutions[key].place_id: ref.wikidata_id
        for key, (ref, _country) in refs.items()
        if ref.wikidata_id and resolutions[key].place_id
    }
    if not wanted:
        return
    taken = set(Place.objects.filter(wikidata_id__in=wanted.values()).values_list("wikidata_id", flat=True))
    for place in Place.objects.filter(pk__in=wanted, wikidata_id__isnull=True):
        qid = wanted[place.pk]
        if qid not in taken:
            place_update(actor=actor, place=place, wikidata_id=qid)
            taken.add(qid)


def _seen_again(listing: Listing, run: ImportRun) -> None:
    changed = []
    if run.snapshot_date > listing.last_listed:
        listing.last_listed, listing.last_source = run.snapshot_date, run.source
        changed += ["last_listed", "last_source"]
        # Listed again after a snapshot that left it out: those gaps are answered.
        listing.gaps.filter(resolved_at__isnull=True, snapshot_date__lt=run.snapshot_date).update(
            resolved_at=timezone.now()
        )
    if run.snapshot_date < listing.first_listed:
        listing.first_listed, listing.first_source = run.snapshot_date, run.source
        changed += ["first_listed", "first_source"]
    if changed:
        listing.save(update_fields=changed)


def _wikidata_events(actor: Actor, link_id: int, row: PairRow, run: ImportRun) -> None:
    """Wikidata's start (P580) and end (P582) qualifiers become dated status events, once each."""
    if row.start is None and row.end is None:
        return
    for when, status in ((row.start, LinkStatus.ACTIVE), (row.end, LinkStatus.ENDED)):
        if when is None:
            continue
        key = f"{link_id}:{status}:{when.iso()}"
        if ExternalId.objects.filter(scheme="wikidata-event", value=key).exists():
            continue
        link = Link.objects.get(pk=link_id)
        event = status_event_record(
            actor=actor,
            link=link,
            when=when,
            status=status,
            reason="Start time (P580) of the Wikidata statement."
            if status == LinkStatus.ACTIVE
            else "End time (P582) of the Wikidata statement.",
            category="record",
            citations=[CitationSpec(source=run.source, claim="start or end time", locator=row.reference)],
        )
        ExternalId.remember("wikidata-event", key, event)


def _flag_missing(run: ImportRun, listings: dict[int, Listing], seen_links: set[int], report: ImportReport) -> None:
    """Links this dataset listed before but not in this snapshot: flag them, never delete or end them."""
    missing = [listing for link_id, listing in listings.items() if link_id not in seen_links]
    existing = set(ListingGap.objects.filter(listing__in=missing, source=run.source).values_list("listing", flat=True))
    gaps = [
        ListingGap(listing=listing, source=run.source, snapshot_date=run.snapshot_date)
        for listing in missing
        if listing.pk not in existing
    ]
    ListingGap.objects.bulk_create(gaps)
    report.counts["flagged_missing"] = len(gaps)


def snapshot_date_from_title(title: str) -> dt.date | None:
    """'Wikipedia lists, February 2026' → 2026-02-01; None if the title names no month and year."""
    import calendar
    import re

    months = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
    found = re.search(r"(" + "|".join(months) + r")\s+(\d{4})", title, re.IGNORECASE)
    if found:
        return dt.date(int(found.group(2)), months[found.group(1).lower()], 1)
    year = re.search(r"\b(1[89]\d\d|2\d\d\d)\b", title)
    return dt.date(int(year.group(1)), 1, 1) if year else None


# ------------------------------------------------------------------------------ moderation


@transaction.atomic
def resolution_choose(*, actor: Actor, resolution: NameResolution, geonames_id: int) -> int:
    """A moderator ties an ambiguous or unmatched name to a GeoNames place; held links follow.

    Returns how many held pairs became links.
    """
    from django.core.exceptions import ValidationError

    if not GazetteerEntry.objects.filter(geonames_id=geonames_id).exists():
        raise ValidationError(f"GeoNames {geonames_id} is not in the gazetteer. Choose one of the places listed.")
    offered = {c.get("geonames_id") for c in resolution.candidates}
    if resolution.outcome == Outcome.AMBIGUOUS and geonames_id not in offered:
        raise ValidationError(f"GeoNames {geonames_id} was not one of the places offered for “{resolution.name}”.")
    place = places_from_gazetteer(actor=actor, geonames_ids=[geonames_id])[geonames_id]
    locked = NameResolution.objects.select_for_update().get(pk=resolution.pk)
    if locked.place_id is not None:
        raise ValidationError(
            f"“{resolution.name}” was already tied to {locked.place} by someone else. Reload the page."
        )
    before = locked.outcome
    locked.place, locked.outcome, locked.method = place, Outcome.CHOSEN, f"chosen by a moderator (was {before})"
    locked.resolved_by, locked.resolved_at = actor.user, timezone.now()
    locked.save(update_fields=["place", "outcome", "method", "resolved_by", "resolved_at"])
    from audit.models import ChangeAction
    from audit.services import change_record

    change_record(
        actor=actor,
        action=ChangeAction.UPDATE,
        target=locked,
        summary=f"Tied “{locked.name}” ({locked.country}) to {place}",
        changes={"outcome": [before, "chosen"]},
    )
    resolution.refresh_from_db()
    return release_pending_pairs(actor=actor, resolution=locked)


def release_pending_pairs(*, actor: Actor, resolution: NameResolution) -> int:
    """Create the links held back by `resolution` whose other name is now tied to a place too."""
    from django.db.models import Q

    held = PendingPair.objects.filter(Q(first=resolution) | Q(second=resolution)).select_related(
        "first__place", "second__place", "run__source"
    )
    held = [p for p in held if p.first.place_id is not None and p.second.place_id is not None]
    pairs = _existing_pairs({p.first.place_id for p in held} | {p.second.place_id for p in held})
    listed = Listing.objects.filter(link__in=list(pairs.values()))
    listings = {(listing.dataset, listing.link_id): listing for listing in listed}
    created = 0
    for pending in held:
        run = pending.run
        report = ImportReport()
        row = PairRow(
            pending.line,
            NameRef(pending.first.name, pending.first.country),
            NameRef(pending.second.name, pending.second.country),
        )
        _import_batch(
            run,
            [(row, pending.first.key, pending.second.key)],
            {pending.first.key: pending.first, pending.second.key: pending.second},
            pairs,
            {link: listing for (dataset, link), listing in listings.items() if dataset == pending.dataset},
            set(),
            set(),
            actor,
            CitationSpec(source=run.source, claim="listed as twinned"),
            report,
        )
        created += report.counts["links_created"]
        pending.delete()
    return created
