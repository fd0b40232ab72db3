"""Countries and first-level subdivisions, from pycountry (ISO 3166-1 and 3166-2)."""

from __future__ import annotations

from functools import cache

import pycountry

UK_NATIONS = ["GB-ENG", "GB-NIR", "GB-SCT", "GB-WLS"]

# Codes in use that ISO 3166-1 has not assigned: Kosovo's user-assigned code, as the EU and CLDR use it.
EXTRA_COUNTRIES = {"XK": "Kosovo"}


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


@cache
def subdivision_problem(code: str, country: str) -> str:
    """Plain-words reason why `code` is not a first-level subdivision of `country`, or ''."""
    sub = pycountry.subdivisions.get(code=code.upper())
    if sub is None:
        return f"'{code}' is not an ISO 3166-2 subdivision code (for example GB-ENG for England)."
    if sub.country_code != country.upper():
        return f"{code} ({sub.name}) is in {country_name(sub.country_code)}, not {country_name(country)}."
    return ""


@cache
def country_choices() -> list[tuple[str, str]]:
    pairs = [(c.alpha_2, getattr(c, "common_name", None) or c.name) for c in pycountry.countries]
    return sorted(pairs + list(EXTRA_COUNTRIES.items()), key=lambda pair: pair[1])
