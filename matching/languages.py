"""Languages a profile works in: ISO 639-1 codes (names from places.geography)."""

from __future__ import annotations

from django.utils.translation import gettext

from places.geography import language_names


def language_problem(codes: list[str]) -> str:
    unknown = [code for code in codes if code not in language_names()]
    if unknown:
        return gettext("These are not two-letter language codes: %(codes)s.") % {"codes": ", ".join(unknown)}
    return ""
