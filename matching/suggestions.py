"""The interface of partner suggestions: what a page or the API asks for and gets back.

The ranking itself is matching.ranking; this module is what views, the API and tests import.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SuggestionFilters:
    """What narrows a profile's suggestions. Empty means no narrowing."""

    regions: tuple[str, ...] = ()  # Region codes: only partners on these continents
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2
    theme: str = ""  # only profiles offering or wanting this Theme
    min_size: int | None = None
    max_size: int | None = None
    seeking_only: bool = False  # only communities with a profile of their own (who can answer)
    language: str = ""  # only partners who work in (or whose country speaks) this language
    surprise: bool = False  # favour parts of the world the profile has no partners in


@dataclass(frozen=True)
class Suggestion:
    """One suggested partner: a seeking profile, or a place that has none (yet).

    `reasons` are whole sentences in the reader's language, strongest first.
    """

    score: float
    name: str
    country: str
    latitude: float
    longitude: float
    population: int
    distance_km: float
    reasons: tuple[str, ...] = ()
    profile_id: int | None = None  # set when the partner has an open seeking profile
    place_id: int | None = None  # set when the place is in the registry
    geonames_id: int | None = None  # set when the place is in the gazetteer
    extra: dict[str, object] = field(default_factory=dict, compare=False)
