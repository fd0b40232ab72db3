"""A small registry for the dispute tests, built through the services: Testford (GB) twinned with Ivanograd (RU),
run by the Testford Twinning Association; its editor, a council officer of Testford, an editor of another
association, a moderator, an admin and a contributor with no role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.models import Role
from accounts.testing import account_create
from associations.services import association_create
from audit.services import Actor
from core.partial_dates import PartialDate
from disputes.services import review_create
from links.services import link_create, status_event_record


@dataclass
class Town:
    link: object  # Testford – Ivanograd
    other_link: object  # Elsewhere – Ivanograd: nothing to do with Testford
    testford: object
    ivanograd: object
    association: object
    other_association: object
    editor: object
    officer: object
    other_editor: object
    moderator: object
    admin: object
    contributor: object


@pytest.fixture
def town(db, make_place, actor, cite) -> Town:
    testford, ivanograd, elsewhere = (
        make_place("Testford", "GB"),
        make_place("Ivanograd", "RU"),
        make_place("Elsewhere", "GB"),
    )
    link = link_create(
        actor=actor, parties=[testford, ivanograd], kind="formal", citations=cite(), agreement=PartialDate.parse("1999")
    )
    status_event_record(actor=actor, link=link, when=PartialDate.parse("1999"), status="active", citations=cite())
    other_link = link_create(actor=actor, parties=[elsewhere, ivanograd], kind="formal", citations=cite())
    association = association_create(actor=actor, name="Testford Twinning Association", links=[link])
    other_association = association_create(actor=actor, name="Elsewhere Friends of Ivanograd", links=[other_link])
    return Town(
        link=link,
        other_link=other_link,
        testford=testford,
        ivanograd=ivanograd,
        association=association,
        other_association=other_association,
        editor=account_create("editor@example.org", role=Role.ASSOCIATION_EDITOR, association=association),
        officer=account_create("officer@example.org", role=Role.COUNCIL_OFFICER, place=testford),
        other_editor=account_create("other@example.org", role=Role.ASSOCIATION_EDITOR, association=other_association),
        moderator=account_create("moderator@example.org", role=Role.MODERATOR),
        admin=account_create("admin@example.org", role=Role.ADMIN, second_factor=True),
        contributor=account_create("someone@example.org"),
    )


SECRET = "Our friend Olga fears the FSB reads her mail"


@pytest.fixture
def review(town):
    """The association's review, with a private answer that must never leak."""
    return review_create(
        actor=Actor(user=town.editor),
        link=town.link,
        association=town.association,
        what_happened="The regional government closed the independent newspaper",
        when=PartialDate.parse("2024-03"),
        assistance_asked="They asked for books and for letters of support",
        criticism_risk=SECRET,
        decision="people_only",
    )
