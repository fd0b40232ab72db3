"""An association running one link, with a private and a public contact, and the people who look
at its page: built through the services, as the hub builds them."""

from __future__ import annotations

import pytest

from accounts.models import Role
from accounts.testing import account_create
from associations.services import association_create, contact_add
from links.services import link_create

PRIVATE_EMAIL = "jo.private@example.net"
PRIVATE_PHONE = "+44 1632 960123"
PRIVATE_STREET = "1 Hidden Lane"
PUBLIC_EMAIL = "info@twinning.example.org"


@pytest.fixture
def towns(make_place):
    return make_place("Testford", "GB", subdivision="GB-ENG"), make_place("Probestadt", "DE")


@pytest.fixture
def link(actor, towns, cite):
    return link_create(actor=actor, parties=list(towns), kind="formal", citations=cite())


@pytest.fixture
def association(actor, link):
    return association_create(
        actor=actor,
        name="Testford–Probestadt Twinning Association",
        website="https://twinning.example.org",
        meeting_place="Testford Library, first Tuesday of the month",
        links=[link],
    )


@pytest.fixture
def other_association(actor, make_place, cite):
    other_link = link_create(
        actor=actor,
        parties=[make_place("Elsewhere", "GB"), make_place("Anderswo", "AT")],
        kind="formal",
        citations=cite(),
    )
    return association_create(actor=actor, name="Elsewhere Friends of Anderswo", links=[other_link])


@pytest.fixture
def private_contact(actor, association):
    return contact_add(
        actor=actor,
        association=association,
        name="Jo Secretary",
        role="Secretary",
        email=PRIVATE_EMAIL,
        phone=PRIVATE_PHONE,
        postal_address=f"{PRIVATE_STREET}\nTestford TF1 1AA",
    )


@pytest.fixture
def public_contact(actor, association):
    return contact_add(
        actor=actor, association=association, name="Enquiries", email=PUBLIC_EMAIL, public=True, role="General"
    )


@pytest.fixture
def editor(association):
    return account_create("editor@example.org", role=Role.ASSOCIATION_EDITOR, association=association)


@pytest.fixture
def other_editor(other_association):
    return account_create("other.editor@example.org", role=Role.ASSOCIATION_EDITOR, association=other_association)


@pytest.fixture
def moderator(db):
    return account_create("moderator@example.org", role=Role.MODERATOR)


@pytest.fixture
def contributor(db):
    return account_create("contributor@example.org")
