"""Two communities that might meet, their owners, a stranger and a moderator: built through the
services, as the hub builds them. Suggestions come from a stand-in ranking (the open profiles,
in id order), so that these tests are about consent, not about ranking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache

from accounts.models import Role
from accounts.testing import account_create
from audit.services import Actor
from matching import selectors, services
from matching.models import ProfileStatus, SeekingProfile
from matching.suggestions import Suggestion

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


def fake_suggestions(profile: SeekingProfile, filters: Any, limit: int = 20) -> list[Suggestion]:
    rows = SeekingProfile.objects.filter(status=ProfileStatus.OPEN).exclude(pk=profile.pk).select_related("place")
    return [
        Suggestion(
            score=1.0 / (n + 1),
            name=p.name,
            country=p.place.country,
            latitude=0.0,
            longitude=0.0,
            population=p.size or 0,
            distance_km=4321.0,
            reasons=("Shared themes: youth exchange.", "Both coastal."),
            profile_id=p.pk,
            place_id=p.place_id,
        )
        for n, p in enumerate(rows[:limit])
    ]


@pytest.fixture(autouse=True)
def _stand_in_ranking(monkeypatch, settings):
    monkeypatch.setattr(selectors, "suggestions_of", fake_suggestions)
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
    hebden_place = make_place("Hebden Bridge", "GB", subdivision="GB-ENG", population=4500)
    dakar_place = make_place("Dakar", "SN", population=1_000_000)
    hebden_owner = account_create("hebden@example.org")
    dakar_owner = account_create("dakar@example.org")
    hebden = services.profile_create(actor=Actor(user=hebden_owner), **profile_fields(hebden_place, HEBDEN))
    dakar = services.profile_create(
        actor=Actor(user=dakar_owner),
        **profile_fields(dakar_place, DAKAR, name="Dakar Youth Football", language="fr", seeker="community"),
    )
    return World(
        hebden_owner=hebden_owner,
        dakar_owner=dakar_owner,
        stranger=account_create("stranger@example.org"),
        moderator=account_create("moderator@example.org", role=Role.MODERATOR),
        hebden=hebden,
        dakar=dakar,
    )
