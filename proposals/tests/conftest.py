"""A small registry for the proposal tests: a link between Coventry and Volgograd, cited and dated."""

from __future__ import annotations

import pytest

from accounts.models import Role
from accounts.testing import account_create
from core.partial_dates import PartialDate
from links.services import link_create


@pytest.fixture
def link(db, actor, make_place, cite):
    coventry, volgograd = make_place("Coventry", "GB"), make_place("Volgograd", "RU")
    return link_create(
        actor=actor,
        parties=[coventry, volgograd],
        kind="formal",
        citations=cite(),
        first_contact=PartialDate.parse("1944"),
        description="The first twinning of the Second World War.",
    )


@pytest.fixture
def contributor(db):
    return account_create("contributor@example.org")


@pytest.fixture
def moderator(db):
    return account_create("moderator@example.org", role=Role.MODERATOR)


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


CITING = {"source_url": "https://www.coventry.gov.uk/minutes/2022-03-22", "why": "As minuted."}
