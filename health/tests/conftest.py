"""A small registry for the health tests, built through the services as the hub builds it: Testford (GB)
twinned with Probestadt (DE) and with Essaiville (FR), a council officer of Testford, an editor of the
association that runs Testford–Probestadt, a moderator and a contributor with no role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.models import Role
from accounts.testing import account_create
from associations.services import association_create, contact_add
from audit.services import Actor
from core.partial_dates import PartialDate
from health.services import activity_create
from links.services import link_create, status_event_record


@dataclass
class Town:
    link: object  # Testford – Probestadt
    other_link: object  # Testford – Essaiville
    foreign_link: object  # Probestadt – Essaiville: no party in Testford
    testford: object
    association: object
    contact: object
    officer: object
    editor: object
    moderator: object
    contributor: object


@pytest.fixture
def town(db, make_place, actor, cite) -> Town:
    testford, probestadt, essaiville = (
        make_place("Testford", "GB"),
        make_place("Probestadt", "DE"),
        make_place("Essaiville", "FR"),
    )
    link = link_create(
        actor=actor,
        parties=[testford, probestadt],
        kind="formal",
        citations=cite(),
        agreement=PartialDate.parse("1960"),
    )
    status_event_record(actor=actor, link=link, when=PartialDate.parse("1960"), status="active", citations=cite())
    other = link_create(actor=actor, parties=[testford, essaiville], kind="formal", citations=cite())
    foreign = link_create(actor=actor, parties=[probestadt, essaiville], kind="formal", citations=cite())
    association = association_create(actor=actor, name="Testford Twinning Association", links=[link])
    contact = contact_add(
        actor=actor, association=association, name="Sam Secretary", role="Secretary", email="sam@example.org"
    )
    return Town(
        link=link,
        other_link=other,
        foreign_link=foreign,
        testford=testford,
        association=association,
        contact=contact,
        officer=account_create("officer@example.org", role=Role.COUNCIL_OFFICER, place=testford),
        editor=account_create("editor@example.org", role=Role.ASSOCIATION_EDITOR, association=association),
        moderator=account_create("moderator@example.org", role=Role.MODERATOR),
        contributor=account_create("someone@example.org"),
    )


@pytest.fixture
def record(actor):
    """Record an activity on a link through the service: record(link, "2024-05", kind="visit", ...)."""

    def make(link, when: str, *, by: Actor | None = None, title: str = "Delegation visit", **extra):
        return activity_create(
            actor=by or actor,
            link=link,
            kind=extra.pop("kind", "visit"),
            title=title,
            when=PartialDate.parse(when),
            **extra,
        )

    return make
