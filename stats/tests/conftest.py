"""Small registries for the statistics tests, built through the same services as every other write."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from core.partial_dates import PartialDate
from links.models import Link
from links.services import link_create, status_event_record
from places.services import institution_create


@pytest.fixture
def places(make_place):
    """Places by name, made once each on first use: `places("Testford", "GB")`."""
    made: dict[str, object] = {}

    def get(name: str, country: str = "", **extra: object):
        if name not in made:
            made[name] = make_place(name, country, **extra)
        return made[name]

    return get


@pytest.fixture
def add_link(actor, cite):
    """Create a link; `events` are (date, status) pairs such as ("2022-03", "paused")."""

    def add(
        parties: Sequence[object],
        *,
        kind: str = "formal",
        purposes: Sequence[str] = (),
        first_contact: str | None = None,
        agreement: str | None = None,
        events: Sequence[tuple[str, str]] = (),
    ) -> Link:
        link = link_create(
            actor=actor,
            parties=list(parties),
            kind=kind,
            citations=cite(),
            purposes=purposes,
            first_contact=PartialDate.parse(first_contact) if first_contact else None,
            agreement=PartialDate.parse(agreement) if agreement else None,
        )
        for when, status in events:
            status_event_record(actor=actor, link=link, when=PartialDate.parse(when), status=status, citations=cite())
        return link

    return add


@pytest.fixture
def add_school(actor):
    def add(name: str, place: object):
        return institution_create(actor=actor, name=name, kind="school", place=place)

    return add


@pytest.fixture
def uk_registry(places, add_link):
    """Three UK links (two with French partners, one with a German one) and one French–German link.

    Testford–Essaiville: formal, culture + education, agreed 1956, active 1956, paused March 2022.
    Oldbury–Essaiville:  friendship, culture, first contact 1947 (agreement 1950), ended 2022.
    Testford–Probestadt: formal, no purpose, no date, no events.
    Essaiville–Probestadt: not a UK link.
    """
    testford = places("Testford", "GB", subdivision="GB-ENG")
    oldbury = places("Oldbury", "GB", subdivision="GB-WLS")
    essaiville = places("Essaiville", "FR")
    probestadt = places("Probestadt", "DE")
    return {
        "testford_essaiville": add_link(
            [testford, essaiville],
            purposes=["culture", "education"],
            agreement="1956",
            events=[("1956", "active"), ("2022-03-22", "paused")],
        ),
        "oldbury_essaiville": add_link(
            [oldbury, essaiville],
            kind="friendship",
            purposes=["culture"],
            first_contact="1947",
            agreement="1950",
            events=[("2022-04", "ended")],
        ),
        "testford_probestadt": add_link([testford, probestadt]),
        "essaiville_probestadt": add_link([essaiville, probestadt], agreement="1962"),
    }
