"""Every list costs the same number of queries whatever its length; so do the detail answers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

LINKS = "/api/v1/links"


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return len(captured)


def add_links(n, make_place, actor, source, start=0, hub=None):
    from core.partial_dates import PartialDate
    from links.services import link_create, status_event_record
    from places.services import institution_create
    from sources.services import CitationSpec

    hub = hub or make_place(f"Hub {start}", "GB", subdivision="GB-ENG")
    cite = [CitationSpec(source=source, quote="Quote")]
    last = None
    for i in range(start, start + n):
        partner = make_place(f"Partnerstadt {i}", "DE", other_names={"de": [f"Partnerstädt {i}"]})
        school = institution_create(actor=actor, name=f"School {i}", kind="school", place=partner)
        last = link_create(
            actor=actor, parties=[hub, partner, school], kind="formal", citations=cite, purposes=["culture", "sport"]
        )
        status_event_record(actor=actor, link=last, when=PartialDate.parse("1990"), status="active", citations=cite)
        status_event_record(actor=actor, link=last, when=PartialDate.parse("2022-03"), status="paused", citations=cite)
    return hub, last


LIST_URLS = [
    "/api/v1/links?limit=200",
    "/api/v1/links?q=partnerstadt&country=GB&partner_country=DE&as_of=2022-12-31&status=paused&limit=200",
    "/api/v1/places?limit=200",
    "/api/v1/sources?limit=200",
]


def test_lists_cost_the_same_number_of_queries_for_5_and_30_links(client, make_place, actor, source):
    from links.models import Link

    assert Link.objects.count() == 0
    add_links(5, make_place, actor, source)
    for url in LIST_URLS:  # the country list is cached per registry version: count with it warm
        client.get(url)
    few = [count_queries(client, url) for url in LIST_URLS]
    add_links(25, make_place, actor, source, start=5)
    for url in LIST_URLS:
        client.get(url)
    assert client.get(LIST_URLS[0]).json()["count"] == 30
    assert [count_queries(client, url) for url in LIST_URLS] == few
    # A text query adds four small lookups per word (names, institutions, parties, links' own text);
    # two read the registry's version, under which the form's country list is cached.
    assert max(few) <= 14, few


def test_detail_pages_cost_the_same_number_of_queries_whatever_their_size(client, make_place, actor, source):
    hub, link = add_links(2, make_place, actor, source)
    few = (count_queries(client, f"{LINKS}/{link.pk}?as_of=2022-12-31"), count_queries(client, hub_url(hub)))
    add_links(10, make_place, actor, source, start=2, hub=hub)
    from core.partial_dates import PartialDate
    from links.services import status_event_record
    from sources.services import CitationSpec

    for year in ("2023", "2024"):
        status_event_record(
            actor=actor, link=link, when=PartialDate.parse(year), status="active", citations=[CitationSpec(source)]
        )
    assert (count_queries(client, f"{LINKS}/{link.pk}?as_of=2022-12-31"), count_queries(client, hub_url(hub))) == few


def hub_url(place) -> str:
    return f"/api/v1/places/{place.pk}"
