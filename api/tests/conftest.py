"""A small registry with one link for each filter of the search page, and staff API tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import transaction

from api.tokens import api_token_create
from audit.services import Actor
from core.partial_dates import PartialDate
from imports.models import Listing, ListingGap
from links.models import Link
from links.services import link_create, status_event_record
from places.services import institution_create, place_create
from sources.services import CitationSpec, source_create


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The rate limit counts in the cache: every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class Registry:
    links: dict[str, Link] = field(default_factory=dict)
    places: dict = field(default_factory=dict)
    source: object = None
    dataset_source: object = None

    def ids(self, *names: str) -> set[int]:
        return {self.links[name].pk for name in names}


def build_registry() -> Registry:
    """Five links that the filters tell apart (see each link's comment)."""
    actor = Actor.system("test suite")
    source = source_create(
        actor=actor,
        title="Council minutes",
        kind="official",
        publisher="Testford Council",
        published=PartialDate.parse("2022-03-22"),
    )

    def make_place(name: str, country: str, **extra: object):
        return place_create(actor=actor, name=name, country=country, **extra)

    cite = [CitationSpec(source=source, quote="Resolved by full council.", claim="decision")]
    reg = Registry(source=source)
    p = reg.places
    p["testford"] = make_place("Testford", "GB", subdivision="GB-ENG", kind="city", geonames_id=9000001)
    p["glenbrae"] = make_place("Glenbrae", "GB", subdivision="GB-SCT")
    p["partnerstadt"] = make_place("Partnerstadt", "DE", subdivision="DE-BY", other_names={"de": ["Partnerstädt"]})
    p["volgograd"] = make_place("Volgograd", "RU", other_names={"ru": ["Волгоград"]}, geonames_id=472757)
    p["lyon"] = make_place("Lyon", "FR", latitude=45.75, longitude=4.85)
    # GB–DE, formal, culture, 1960, active then paused in March 2022.
    germany = link_create(
        actor=actor,
        parties=[p["testford"], p["partnerstadt"]],
        kind="formal",
        citations=cite,
        purposes=["culture"],
        agreement=PartialDate.parse("1960"),
    )
    status_event_record(actor=actor, link=germany, when=PartialDate.parse("1960"), status="active", citations=cite)
    status_event_record(
        actor=actor,
        link=germany,
        when=PartialDate.parse("2022-03"),
        status="paused",
        citations=cite,
        reason="Paused while the partner council is suspended.",
        category="political_dispute",
        deciding_body="Full council",
    )
    # GB–RU, formal, peace, first contact 1944, agreement May 1956, ended 22 March 2022 (war).
    russia = link_create(
        actor=actor,
        parties=[p["testford"], p["volgograd"]],
        kind="formal",
        citations=cite,
        purposes=["peace-reconciliation"],
        first_contact=PartialDate.parse("1944"),
        agreement=PartialDate.parse("1956-05"),
        description="Founded in the spirit of wartime solidarity.",
    )
    status_event_record(actor=actor, link=russia, when=PartialDate.parse("1956-05"), status="active", citations=cite)
    status_event_record(
        actor=actor,
        link=russia,
        when=PartialDate.parse("2022-03-22"),
        status="ended",
        citations=[CitationSpec(source=source, quote="Council voted unanimously to end the link.", claim="end")],
        reason="The invasion of Ukraine.",
        category="war",
        deciding_body="Full council",
        decision_note="Unanimous",
    )
    # GB (Scotland)–FR, friendship, education, first contact 1990, no events; an imported list dropped it.
    france = link_create(
        actor=actor,
        parties=[p["glenbrae"], p["lyon"]],
        kind="friendship",
        citations=cite,
        purposes=["education"],
        first_contact=PartialDate.parse("1990"),
    )
    # GB–GB, intra-national, 2005.
    domestic = link_create(
        actor=actor,
        parties=[p["testford"], p["glenbrae"]],
        kind="intra_national",
        citations=cite,
        agreement=PartialDate.parse("2005-06-01"),
    )
    # A school in Testford with a school in Lyon: institutional, part of nothing, proposed in 2023.
    school = institution_create(actor=actor, name="Testford Academy", kind="school", place=p["testford"])
    lycee = institution_create(actor=actor, name="Lycée du Parc", kind="school", place=p["lyon"])
    schools = link_create(actor=actor, parties=[school, lycee], kind="institutional", citations=cite)
    status_event_record(actor=actor, link=schools, when=PartialDate.parse("2023"), status="proposed", citations=cite)
    reg.dataset_source = source_create(actor=actor, title="Wikipedia lists, March 2026", kind="dataset")
    listing = Listing.objects.create(
        dataset="wikipedia",
        link=france,
        first_listed=dt.date(2025, 2, 1),
        first_source=source,
        last_listed=dt.date(2025, 2, 1),
        last_source=source,
    )
    ListingGap.objects.create(listing=listing, source=reg.dataset_source, snapshot_date=dt.date(2026, 3, 1))
    reg.links.update(germany=germany, russia=russia, france=france, domestic=domestic, schools=schools)
    return reg


@pytest.fixture(scope="module")
def module_registry(django_db_setup, django_db_blocker) -> Registry:
    """The registry, built once per test module and rolled back after it (each test rolls back its own writes)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_registry()
        transaction.set_rollback(True)


@pytest.fixture
def registry(module_registry, db) -> Registry:
    return module_registry


@pytest.fixture
def staff_user(db):
    # A moderator (who may write anywhere), without a password: tokens are what the API checks.
    from accounts.models import Role
    from accounts.testing import account_create

    return account_create("editor@example.org", role=Role.MODERATOR, password=None)


@pytest.fixture
def staff_key(staff_user) -> str:
    _token, key = api_token_create(user=staff_user, name="tests")
    return key


@pytest.fixture
def staff_headers(staff_key) -> dict[str, str]:
    return {"Authorization": f"Bearer {staff_key}"}
