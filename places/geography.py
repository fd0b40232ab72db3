"""Countries and first-level subdivisions, from pycountry (ISO 3166-1 and 3166-2).

`country_name` and `subdivision_name` are the English names the registry's data and exports use;
`country_label` and `subdivision_label` name them for the reader, in the active language (from
pycountry's own translations of ISO 3166, and the hub's for what those lack).
"""

from __future__ import annotations

import gettext as gettext_module
from functools import cache

import pycountry
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from core.text import fold

UK_NATIONS = ["GB-ENG", "GB-NIR", "GB-SCT", "GB-WLS"]
# pycountry calls Wales "Wales [Cymru GB-CYM]" and has no French for the nations.
UK_NATION_NAMES = {
    "GB-ENG": gettext_lazy("England"),
    "GB-NIR": gettext_lazy("Northern Ireland"),
    "GB-SCT": gettext_lazy("Scotland"),
    "GB-WLS": gettext_lazy("Wales"),
}

# Codes in use that ISO 3166-1 has not assigned: Kosovo's user-assigned code, as the EU and CLDR use it.
EXTRA_COUNTRIES = {"XK": "Kosovo"}

# ISO's French names that read as index entries ("Russie, Fédération de") or that French writes otherwise.
FRENCH_COUNTRY_NAMES = {
    "AX": "Îles Åland",
    "CC": "Îles Cocos",
    "CX": "Île Christmas",
    "FK": "Îles Malouines",
    "FM": "Micronésie",
    "GB": "Royaume-Uni",
    "PS": "Palestine",
    "RE": "La Réunion",
    "RU": "Russie",
    "SB": "Îles Salomon",
    "VE": "Venezuela",
    "VI": "Îles Vierges des États-Unis",
    "XK": "Kosovo",
}


@cache
def country_name(code: str) -> str:
    if not code:
        return ""
    if code.upper() in EXTRA_COUNTRIES:
        return EXTRA_COUNTRIES[code.upper()]
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@cache
def is_country_code(code: str) -> bool:
    if not code or len(code) != 2:
        return False
    return code.upper() in EXTRA_COUNTRIES or pycountry.countries.get(alpha_2=code.upper()) is not None


@cache
def subdivision_name(code: str) -> str:
    if not code:
        return ""
    sub = pycountry.subdivisions.get(code=code.upper())
    return sub.name if sub else code


def subdivision_problem(code: str, country: str) -> str:
    """Plain-words reason why `code` is not a first-level subdivision of `country`, or ''."""
    sub = pycountry.subdivisions.get(code=code.upper())
    if sub is None:
        return gettext("'%(code)s' is not an ISO 3166-2 subdivision code (for example GB-ENG for England).") % {
            "code": code
        }
    if sub.country_code != country.upper():
        return gettext("%(code)s (%(name)s) is in %(country)s, not %(other)s.") % {
            "code": code,
            "name": subdivision_label(code),
            "country": country_label(sub.country_code),
            "other": country_label(country),
        }
    return ""


def _language() -> str:
    return (translation.get_language() or "en").split("-")[0]


@cache
def _iso_translations(domain: str, language: str) -> gettext_module.NullTranslations:
    return gettext_module.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


@cache
def _country_label(code: str, language: str) -> str:
    english = country_name(code)
    if language == "en" or not code:
        return english
    if language == "fr" and code.upper() in FRENCH_COUNTRY_NAMES:
        return FRENCH_COUNTRY_NAMES[code.upper()]
    return _iso_translations("iso3166-1", language).gettext(english)


def country_label(code: str) -> str:
    """The country's name in the active language: "Russia", "Russie"."""
    return _country_label(code.upper() if code else "", _language())


@cache
def _subdivision_label(code: str, language: str) -> str:
    english = subdivision_name(code)
    if language == "en":
        return english
    return _iso_translations("iso3166-2", language).gettext(english)


def subdivision_label(code: str) -> str:
    """The subdivision's name in the active language: "Bavaria" is "Bavière" in French."""
    code = code.upper() if code else ""
    if code in UK_NATION_NAMES:
        return str(UK_NATION_NAMES[code])
    return _subdivision_label(code, _language())


@cache
def _country_choices(language: str) -> list[tuple[str, str]]:
    with translation.override(language):
        pairs = [(c.alpha_2, country_label(c.alpha_2)) for c in pycountry.countries]
        pairs += [(code, country_label(code)) for code in EXTRA_COUNTRIES]
    return sorted(pairs, key=lambda pair: fold(pair[1]))


def country_choices() -> list[tuple[str, str]]:
    """(ISO code, name) of every country, named and sorted in the active language."""
    return _country_choices(translation.get_language() or "en")


@cache
def language_names() -> dict[str, str]:
    """{"fr": "French", ...}: every language with an ISO 639-1 code, in English (pycountry)."""
    return {lang.alpha_2: lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")}


def language_label(code: str) -> str:
    """A language's name in the active language: "German", "allemand"."""
    english = language_names().get(code, code)
    language = _language()
    return english if language == "en" else _iso_translations("iso639-3", language).gettext(english)
