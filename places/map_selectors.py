"""Reads for the maps: a place's partners, and the partner places of a country's links.

Each is one grouped query (and one count), whatever the number of links: no query per link or
per place. Words used as in stats.selectors: a link's *partners* are its parties outside the
country (for a country) or other than the place (for a place), an institution counting as its
place; a link between two places of the country (an intra-national link) makes each the other's
partner, so the map's counts agree with the statistics page's.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.text import slugify

from links.models import Link, Party
from places.geography import country_label, country_name
from places.local_names import name_language
from places.models import Place, PlaceName
from places.selectors import _link_ids_of_place


@dataclass(frozen=True)
class Partner:
    """A partner place, with how many of the links asked about join it."""

    pk: int
    name: str  # its own (English) name, as data and exports give it
    country: str
    latitude: float | None
    longitude: float | None
    links: int
    shown_name: str = ""  # its name in the reader's language, where the registry has one

    @property
    def label(self) -> str:
        """Its name for the reader: in the page's language where the registry has one."""
        return self.shown_name or self.name

    @property
    def country_name(self) -> str:
        """The country's English name, as data and exports give it."""
        return country_name(self.country)

    @property
    def country_label(self) -> str:
        """The country's name in the page's language."""
        return country_label(self.country)

    @property
    def slug(self) -> str:
        return slugify(self.name) or "place"  # as Place.get_absolute_url: from the English name

    @property
    def on_map(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def url(self) -> str:
        return reverse("places:detail", kwargs={"pk": self.pk, "slug": self.slug})


def _float(value: object) -> float | None:
    return None if value is None else float(value)


# A party's place: its own, or its institution's.
_HOME = {
    "partner": Coalesce(F("place_id"), F("institution__place_id")),
    "partner_name": Coalesce(F("place__name"), F("institution__place__name")),
    "partner_latitude": Coalesce(F("place__latitude"), F("institution__place__latitude")),
    "partner_longitude": Coalesce(F("place__longitude"), F("institution__place__longitude")),
}


def _with_local_names(partners: list[Partner], place_ids: list[int] | QuerySet) -> list[Partner]:
    """`partners` with their names in the active language where the registry has one (a PlaceName
    in that language; the first by name, as places.local_names does): one query, none in English."""
    language = name_language()
    if not language or not partners:
        return partners
    names: dict[int, str] = {}
    rows = PlaceName.objects.filter(language=language, place_id__in=place_ids).order_by("place_id", "-name")
    for place_id, name in rows.values_list("place_id", "name"):
        names[place_id] = name  # the last written is the first by name
    return [replace(p, shown_name=names[p.pk]) if p.pk in names else p for p in partners]


@dataclass(frozen=True)
class PlacePartners:
    """A place's partner places, and which link joins it to which (link id, partner id, link's own name)."""

    partners: list[Partner]
    links: list[tuple[int, int, str]] = field(default_factory=list)


def place_partners(place: Place) -> PlacePartners:
    """The partners of `place`'s links (directly or through its institutions): one query (two in a
    language other than English: the partners' names in it).

    `place.institutions` should be prefetched (the place page does), as for links_of_place.
    """
    rows = (
        Party.objects.filter(link__in=Link.objects.filter(pk__in=_link_ids_of_place(place)).values("pk"))
        .exclude(Q(place=place) | Q(institution__place=place))
        .order_by()
        .annotate(**_HOME)
        .values_list("link_id", "link__name", "country", *_HOME)
    )
    partners: dict[int, dict] = {}
    links: list[tuple[int, int, str]] = []
    seen: set[tuple[int, int]] = set()
    for link_id, link_name, country, pk, name, latitude, longitude in rows:
        if (link_id, pk) in seen:  # two institutions of one partner place in one link: one line
            continue
        seen.add((link_id, pk))
        links.append((link_id, pk, link_name))
        entry = partners.setdefault(
            pk, {"name": name, "country": country, "latitude": latitude, "longitude": longitude, "links": 0}
        )
        entry["links"] += 1
    listed = [
        Partner(pk, e["name"], e["country"], _float(e["latitude"]), _float(e["longitude"]), e["links"])
        for pk, e in partners.items()
    ]
    listed = _with_local_names(listed, list(partners))
    listed.sort(key=lambda p: (p.label.casefold(), p.country, p.pk))
    links.sort()
    return PlacePartners(partners=listed, links=links)


@dataclass(frozen=True)
class CountryPartners:
    """The partner places of the links with a party in `country`, most links first."""

    country: str
    links: int
    partners: list[Partner]

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def partner_countries(self) -> int:
        return len({p.country for p in self.partners})

    @property
    def on_map(self) -> list[Partner]:
        return [p for p in self.partners if p.on_map]

    @property
    def not_on_map(self) -> list[Partner]:
        return [p for p in self.partners if not p.on_map]


def country_partners_compute(country: str) -> CountryPartners:
    """Two queries: how many links have a party in `country`, and their partner places grouped,
    each with its number of links and what the map and table show of it (and a third in a language
    other than English: the partners' names in it)."""
    country = country.upper()
    home = Link.objects.filter(pk__in=Party.objects.filter(country=country).order_by().values("link_id"))
    home_ids = home.order_by().values("pk")
    intra_national = (
        Party.objects.filter(country=country, link__in=home_ids)
        .order_by()
        .values("link_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .values("link_id")
    )
    partner_parties = (
        Party.objects.filter(link__in=home_ids).filter(~Q(country=country) | Q(link__in=intra_national)).order_by()
    )
    grouped = partner_parties.values(partner=_HOME["partner"]).annotate(
        n=Count("link", distinct=True),
        name=Max(_HOME["partner_name"]),
        partner_country=Max("country"),
        latitude=Max(_HOME["partner_latitude"]),
        longitude=Max(_HOME["partner_longitude"]),
    )
    partners = [
        Partner(
            row["partner"],
            row["name"],
            row["partner_country"],
            _float(row["latitude"]),
            _float(row["longitude"]),
            row["n"],
        )
        for row in grouped
    ]
    partners = _with_local_names(partners, partner_parties.values(home_place=_HOME["partner"]))
    partners.sort(key=lambda p: (-p.links, p.label.casefold(), p.country, p.pk))
    return CountryPartners(country=country, links=home.count(), partners=partners)


def country_partners(country: str) -> CountryPartners:
    """country_partners_compute's answer in the active language, kept until the registry changes
    (api.conditional.versioned_cache)."""
    from api.conditional import versioned_cache  # the API builds on places, not the other way

    return versioned_cache("country-map", (country.upper(), name_language()), lambda: country_partners_compute(country))
