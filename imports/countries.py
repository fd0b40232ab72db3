"""Turn the country names Wikipedia's twin-town lists write into ISO 3166 codes.

The lists write countries the way readers say them ("England", "Ivory Coast", "Georgia (country)"), with the odd
misspelling and the odd place name leaked into the column ("Rauma, Norway"). The registry stores ISO codes, so every
name must land on an alpha-2 code, and on a first-level subdivision where the name implies one (England is GB-ENG).

The written-out cases live in WIKIPEDIA_COUNTRIES; plain names fall back to pycountry. Every distinct value in
../shared/data/wikipedia-twin-cities (both CSV files, 238 non-empty names) maps; only the empty string returns None.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

import pycountry

from core.text import fold

KOSOVO = "XK"  # User-assigned code used by the EU and most software; not in ISO 3166-1, so not in pycountry.


@dataclass(frozen=True)
class CountryRef:
    """Where a Wikipedia country name points: an ISO country, maybe a subdivision, maybe a leaked place name."""

    code: str  # ISO 3166-1 alpha-2, e.g. "GB"
    subdivision: str = ""  # first-level ISO 3166-2 code where the name implies one, e.g. "GB-ENG" for England
    qualifier: str = ""  # a place hint that leaked into the country column, e.g. "Rauma" from "Rauma, Norway"


ENGLAND = CountryRef("GB", "GB-ENG")
SCOTLAND = CountryRef("GB", "GB-SCT")
WALES = CountryRef("GB", "GB-WLS")
NORTHERN_IRELAND = CountryRef("GB", "GB-NIR")

# Keyed by the exact spelling the lists use; matching is case-, accent- and whitespace-insensitive.
# Names pycountry already reads the same way (e.g. "Laos", "Syria") are written out here anyway when they are
# politically loaded or ambiguous, so a pycountry upgrade cannot quietly change them.
WIKIPEDIA_COUNTRIES: dict[str, CountryRef] = {
    # The UK's nations: the lists file English, Scottish, Welsh and Northern Irish towns under the nation.
    "United Kingdom": CountryRef("GB"),
    "England": ENGLAND,
    "Scotland": SCOTLAND,
    "Wales": WALES,
    "Northern Ireland": NORTHERN_IRELAND,
    "England, United Kingdom": ENGLAND,
    "Scotland, United Kingdom": SCOTLAND,
    "Wales, United Kingdom": WALES,
    "Northern Ireland, United Kingdom": NORTHERN_IRELAND,
    # Georgia: the host column (country1) writes "Georgia (country)", the partner column (country2) plain "Georgia";
    # all 174 plain "Georgia" rows are Georgian towns (Tbilisi, Batumi, Kutaisi...). A town in the US state of
    # Georgia is filed under "United States" (Atlanta, Savannah), so the state never reaches this column; if it
    # shows up at all it is as a qualifier in a city name ("Athens, Georgia"), which this table never sees.
    "Georgia (country)": CountryRef("GE"),
    "Georgia": CountryRef("GE"),
    # Ireland: every "Ireland" row is a town in the Republic (Cork, Galway, Bundoran); the North is written out.
    "Republic of Ireland": CountryRef("IE"),
    "Ireland": CountryRef("IE"),
    # Disputed or partly recognised.
    "Kosovo": CountryRef(KOSOVO),
    "Palestine": CountryRef("PS"),
    "West Bank": CountryRef("PS"),
    # Northern Cyprus (the de facto TRNC, recognised only by Turkey) has no ISO code; its towns (Kyrenia, Morphou,
    # Famagusta) are on the island ISO files as Cyprus, so we record them under CY.
    "Northern Cyprus": CountryRef("CY"),
    "Taiwan": CountryRef("TW"),
    "Western Sahara": CountryRef("EH"),
    # Everyday English names pycountry does not know, or that we pin.
    "Russia": CountryRef("RU"),
    "Turkey": CountryRef("TR"),  # pycountry now says "Türkiye"
    "Brunei": CountryRef("BN"),
    "Cape Verde": CountryRef("CV"),
    "Ivory Coast": CountryRef("CI"),
    "East Timor": CountryRef("TL"),
    "Timor-Leste": CountryRef("TL"),
    "Falkland Islands": CountryRef("FK"),
    "Faroe Islands": CountryRef("FO"),
    "Micronesia": CountryRef("FM"),
    "Federated States of Micronesia": CountryRef("FM"),
    "Congo": CountryRef("CG"),  # the lists' Congo is Brazzaville and Pointe-Noire: the Republic of the Congo
    "Democratic Republic of the Congo": CountryRef("CD"),
    "North Korea": CountryRef("KP"),
    "South Korea": CountryRef("KR"),
    "Czech Republic": CountryRef("CZ"),
    "Eswatini": CountryRef("SZ"),
    "Laos": CountryRef("LA"),
    "Syria": CountryRef("SY"),
    "Vietnam": CountryRef("VN"),
    "Iran": CountryRef("IR"),
    "Bolivia": CountryRef("BO"),
    "Venezuela": CountryRef("VE"),
    "Tanzania": CountryRef("TZ"),
    "Moldova": CountryRef("MD"),
    "Moldavia": CountryRef("MD"),  # the older name, used for Comrat, Soroca, Orhei
    "Bosnia and Hercegovina": CountryRef("BA"),  # variant spelling of Herzegovina
    "Surinam": CountryRef("SR"),  # the older spelling, used for Paramaribo
    # Misspellings in the source.
    "Grece": CountryRef("GR"),
    "Japa": CountryRef("JP"),
    "Kazakhstah": CountryRef("KZ"),
    "Madagaskar": CountryRef("MG"),
    # "Island" is Iceland in the Scandinavian languages and German: its one pair is Fredrikstad (Norway) with
    # Norðurþing, a municipality in north-east Iceland, geocoded there (66.05, -17.35).
    "Island": CountryRef("IS"),
    "in Italy": CountryRef("IT"),  # "Margreid an der Weinstraße, in Italy": a South Tyrol partner of Ottobrunn
    # Territories with their own ISO 3166-1 code, even when written as part of the mainland country.
    "Åland Islands, Finland": CountryRef("AX"),
    "Guadeloupe, France": CountryRef("GP"),
    "Martinique, France": CountryRef("MQ"),
    "Réunion, France": CountryRef("RE"),
    "French Guiana, France": CountryRef("GF"),
    "Mayotte": CountryRef("YT"),
    "Bermuda": CountryRef("BM"),
    "Gibraltar": CountryRef("GI"),
    "Guam": CountryRef("GU"),
    "Greenland": CountryRef("GL"),
    "Isle of Man": CountryRef("IM"),
    "Jersey": CountryRef("JE"),
    "Puerto Rico": CountryRef("PR"),
    "New Caledonia": CountryRef("NC"),
    "French Polynesia": CountryRef("PF"),
    "Cook Islands": CountryRef("CK"),
    "Northern Mariana Islands": CountryRef("MP"),
    # A region or state written before the country: a subdivision where ISO 3166-2 has one, else a qualifier.
    # These disambiguate same-named towns (three Friedlands in Germany, two Lagoas in Portugal).
    "Azores, Portugal": CountryRef("PT", "PT-20"),
    "Algarve, Portugal": CountryRef("PT", qualifier="Algarve"),  # ISO 3166-2 only has it as Faro district, PT-08
    "Brandenburg, Germany": CountryRef("DE", "DE-BB"),
    "Lower Saxony, Germany": CountryRef("DE", "DE-NI"),
    "Mecklenburg-Vorpommern, Germany": CountryRef("DE", "DE-MV"),
    "New York, United States": CountryRef("US", "US-NY"),
    "Ohio, United States": CountryRef("US", "US-OH"),
    # A town that leaked into the column ("Åndalsnes" is in Rauma, "Rjukan" in Tinn).
    "Rauma, Norway": CountryRef("NO", qualifier="Rauma"),
    "Tinn, Norway": CountryRef("NO", qualifier="Tinn"),
}


def _key(text: str) -> str:
    """Fold case, accents, spacing and curly apostrophes so "Côte d’Ivoire" finds "Cote d'Ivoire"."""
    return fold(text.replace("\u2019", "'"))


@cache
def _explicit() -> dict[str, CountryRef]:
    return {_key(name): ref for name, ref in WIKIPEDIA_COUNTRIES.items()}


@cache
def _pycountry_names() -> dict[str, str]:
    """Folded name, common name and official name of every ISO country, to its alpha-2 code."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                names.setdefault(_key(value), country.alpha_2)
    return names


def _plain(text: str) -> CountryRef | None:
    """A whole name, from the table or pycountry, without splitting off a place."""
    ref = _explicit().get(_key(text))
    if ref is not None:
        return ref
    try:
        return CountryRef(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        pass
    code = _pycountry_names().get(_key(text))
    return CountryRef(code) if code else None


def country_from_wikipedia(name: str) -> CountryRef | None:
    """None when the name cannot be read as a country (empty, or unknown)."""
    text = " ".join((name or "").split())
    if not text:
        return None
    ref = _plain(text)
    if ref is not None:
        return ref
    # "Place, Country" not written out above: keep the country and remember the place, so a new
    # "Bavaria, Germany" still imports (as DE, qualifier "Bavaria") instead of being dropped.
    place, _, country = text.rpartition(",")
    place, country = place.strip(), country.strip()
    if place and country:
        ref = _plain(country)
        if ref is not None and not ref.qualifier:
            return replace(ref, qualifier=place)
    return None
