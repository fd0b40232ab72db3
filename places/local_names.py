"""Place names in the reader's language, read from names fetched with the page (never a query per place).

A place's own `name` is the one English readers know it by. A French reader sees its French name
(a PlaceName with language "fr": Londres, Dresde) where the registry has one, and the English
name otherwise. Lists fetch those names for all their places at once: `local_names_prefetch`
gives the prefetches (none in English), and `local_name` reads what they fetched.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation

from places.models import Place, PlaceName

# Where the prefetch puts a place's names in the active language.
LOCAL_NAMES = "local_names"


def name_language() -> str:
    """The PlaceName language of the active interface language: "fr"; "" for English (a place's own name)."""
    code = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return "" if code == "en" else code


def local_names_prefetch(*paths: str) -> list[Prefetch]:
    """Prefetches of the names in the active language of the places at `paths` ("parties__place";
    "" for the queryset's own places). None in English, where a place's own name is the one shown."""
    language = name_language()
    if not language:
        return []
    names = PlaceName.objects.filter(language=language).order_by("name")
    return [Prefetch(f"{path}__names" if path else "names", queryset=names, to_attr=LOCAL_NAMES) for path in paths]


def local_name(place: Place | None) -> str:
    """`place`'s name in the active language where the names fetched with it hold one, else its own name.

    Reads the prefetch of `local_names_prefetch`, or a prefetch of all the place's names (the place
    page's); never queries.
    """
    if place is None:
        return ""
    language = name_language()
    if language:
        found = getattr(place, LOCAL_NAMES, None)
        if found is None:
            every = getattr(place, "_prefetched_objects_cache", {}).get("names")
            found = [] if every is None else sorted((n for n in every if n.language == language), key=lambda n: n.name)
        if found:
            return found[0].name
    return place.name
