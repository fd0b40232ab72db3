"""Two communities that might meet, their owners, a stranger and a moderator: built through the
services, as the hub builds them. Suggestions come from the real ranking (matching.ranking) over
these places, with their coordinates and populations: Dakar's profile is Hebden Bridge's only
suggestion (Dakar's place has a community seeking there, so it is not offered on its own), with
the reasons a person would read. The ranking's arrays, kept per process, are dropped before and
after each test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache

from accounts.models import Role
from accounts.testing import account_create
from audit.services import Actor
from matching import ranking, services
from matching.models import SeekingProfile

# What must never reach the other side (or anyone else) before both accept.
HEBDEN = {
    "contact_name": "Alice Hebdenperson",
    "contact_email": "alice.private@hebden.example",
    "contact_phone": "+44 1422 555 0101",
}
DAKAR = {
    "contact_name": "Moussa Dakarois",
    "contact_email": "moussa.private@dakar.example",
    "contact_phone": "+221 33 555 0202",
}


def secrets(contacts: dict[str, str]) -> list[str]:
    return [contacts["contact_name"], contacts["contact_email"], contacts["contact_phone"]]


@pytest.fixture(autouse=True)
def _fresh_ranking():
    """The ranking keeps its arrays per process: each test starts, and leaves, without them."""
    ranking.forget()
    yield
    ranking.forget()


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.FORM_MIN_SECONDS = 0
    settings.API_ANON_RATE = "100000/min"
    cache.clear()


@dataclass
class World:
    hebden_owner: Any
    dakar_owner: Any
    stranger: Any
    moderator: Any
    hebden: SeekingProfile
    dakar: SeekingProfile


def profile_fields(place, contacts: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "seeker": "association",
        "name": extra.pop("name", f"{place.name} Twinning Association"),
        "place": place,
        "offers": ["youth", "culture"],
        "wants": ["sport"],
        "languages": ["en", "fr"],
        "size": 4500,
        "about": "We are a small town with a big festival.",
        **contacts,
        **extra,
    }


@pytest.fixture
def world(db, make_place) -> World:
    hebden_place = make_place(
        "Hebden Bridge", "GB", subdivision="GB-ENG", latitude=53.742, longitude=-2.014, population=4500
    )
    dakar_place = make_place("Dakar", "SN", latitude=14.693, longitude=-17.447, population=1_000_000)
    hebden_owner = account_create("hebden@example.org")
    dakar_owner = account_create("dakar@example.org")
    hebden = services.profile_create(actor=Actor(user=hebden_owner), **profile_fields(hebden_place, HEBDEN))
    dakar = services.profile_create(
        actor=Actor(user=dakar_owner),
        **profile_fields(
            dakar_place,
            DAKAR,
            name="Dakar Youth Football",
            language="fr",
            seeker="community",
            offers=["sport", "youth"],
            wants=["culture"],
        ),
    )
    return World(
        hebden_owner=hebden_owner,
        dakar_owner=dakar_owner,
        stranger=account_create("stranger@example.org"),
        moderator=account_create("moderator@example.org", role=Role.MODERATOR),
        hebden=hebden,
        dakar=dakar,
    )
