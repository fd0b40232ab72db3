"""Public pages: what a visitor without an account sees, and that lists cost a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.partial_dates import PartialDate
from links.services import link_create, status_event_record
from places.services import institution_create
from sources.services import CitationSpec

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub(make_place):
    return make_place("Testford", "GB", subdivision="GB-ENG", kind="city")


@pytest.fixture
def add_links(hub, make_place, actor, source):
    """Add `n` links from Testford, each with a school sub-link, two events and citations."""

    def add(n: int, start: int = 0) -> None:
        for i in range(start, start + n):
            partner = make_place(
                f"Partnerstadt {i}", "DE", subdivision="DE-BY", other_names={"de": [f"Partnerstädt {i}"]}
            )
            cite = [CitationSpec(source=source, quote=f"Quote {i}")]
            link = link_create(
                actor=actor,
                parties=[hub, partner],
                kind="formal",
                citations=cite,
                purposes=["culture", "education"],
                agreement=PartialDate.parse("1960"),
            )
            status_event_record(actor=actor, link=link, when=PartialDate.parse("1960"), status="active", citations=cite)
            status_event_record(
                actor=actor,
                link=link,
                when=PartialDate.parse("2022-03"),
                status="paused",
                citations=cite,
                deciding_body="Full council",
            )
            school = institution_create(actor=actor, name=f"Partner School {i}", kind="school", place=partner)
            link_create(actor=actor, parties=[hub, school], kind="institutional", citations=cite, parent=link)

    return add


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, follow=True)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize(
    "url_for",
    [
        lambda hub, source: reverse("links:home"),
        lambda hub, source: reverse("links:search"),
        lambda hub, source: reverse("links:search") + "?country=GB&partner_country=DE&as_of=2022-12-31&status=paused",
        lambda hub, source: reverse("links:search") + "?q=partnerstadt",
        lambda hub, source: hub.get_absolute_url(),
        lambda hub, source: source.get_absolute_url(),
        lambda hub, source: reverse("sources:list"),
    ],
)
def test_list_pages_run_a_constant_number_of_queries(client, add_links, hub, source, url_for):
    add_links(3)
    url = url_for(hub, source)
    few = queries(client, url)
    add_links(8, start=3)
    assert queries(client, url) == few


def test_link_page_runs_a_constant_number_of_queries(client, add_links, hub):
    add_links(1)
    from links.models import Link

    link = Link.objects.filter(parent__isnull=True).get()
    few = queries(client, link.get_absolute_url())
    add_links(5, start=1)
    assert queries(client, link.get_absolute_url()) == few


def test_search_filters_by_status_on_a_date(client, add_links):
    add_links(2)
    before = client.get(reverse("links:search"), {"partner_country": "DE", "as_of": "2021-12-31", "status": "paused"})
    after = client.get(reverse("links:search"), {"partner_country": "DE", "as_of": "2022-12-31", "status": "paused"})
    assert before.context["page"].paginator.count == 0
    assert after.context["page"].paginator.count == 2
    assert "Status shown as on <strong>31 December 2022</strong>" in after.content.decode()


def test_search_matches_names_without_accents_and_in_other_languages(client, add_links):
    add_links(1)
    response = client.get(reverse("links:search"), {"q": "PARTNERSTADT"})
    assert response.context["page"].paginator.count == 2  # the town link and its school link
    assert client.get(reverse("links:search"), {"q": "partnerstädt"}).context["page"].paginator.count == 2


def test_bad_search_input_is_explained_and_nothing_is_listed(client):
    response = client.get(
        reverse("links:search"), {"as_of": "31/12/2022", "country": "Narnia", "year_from": "2000", "year_to": "1990"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem with the search" in text
    assert "Enter the date as year-month-day, for example 2022-12-31." in text
    assert "is not a country code" in text
    assert "Swap them" in text


def test_search_is_paginated_with_working_links(client, add_links, settings):
    settings.SEARCH_PAGE_SIZE = 4
    add_links(3)
    first = client.get(reverse("links:search"), {"country": "GB"})
    assert first.context["page"].paginator.num_pages == 2
    assert 'href="?country=GB&amp;page=2"' in first.content.decode()
    second = client.get(reverse("links:search"), {"country": "GB", "page": 2})
    assert len(second.context["page"].object_list) == 2


def test_place_page_lists_links_with_status_today_and_its_decisions(client, add_links, hub):
    add_links(2)
    text = client.get(hub.get_absolute_url()).content.decode()
    assert text.count("Partnerstadt 0") >= 2  # in the links table and in the decisions table
    assert "History of decisions" in text and "Full council" in text
    assert '<span class="tag status-paused">paused</span>' in text


def test_link_urls_are_stable_and_redirect_to_the_canonical_form(client, add_links):
    add_links(1)
    from links.models import Link

    link = Link.objects.filter(parent__isnull=True).get()
    response = client.get(f"/links/{link.pk}/")
    assert response.status_code == 301 and response["Location"] == link.get_absolute_url()
    assert client.get(f"/links/{link.pk}/an-old-name").status_code == 301
    assert client.get("/links/999999/").status_code == 404


def test_source_page_lists_every_fact_that_cites_it(client, add_links, source):
    add_links(2)
    text = client.get(source.get_absolute_url()).content.decode()
    assert "Facts that cite this source (8)" in text  # per link: the link, two events; plus the school link
    assert "Quote 1" in text


def test_pages_escape_what_editors_typed(client, make_place, actor, source):
    evil = make_place("<script>alert(1)</script>", "GB")
    other = make_place("Otherton", "FR")
    link_create(actor=actor, parties=[evil, other], kind="formal", citations=[CitationSpec(source=source)])
    text = client.get(reverse("links:search")).content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_search_counts_links_by_status_on_the_date_and_links_to_each(client, add_links):
    add_links(3)
    response = client.get(reverse("links:search"), {"partner_country": "DE", "as_of": "2022-12-31"})
    assert response.context["status_counts"] == [("paused", 3), ("unknown", 3)]  # 3 town links, 3 school links
    assert "?partner_country=DE&amp;as_of=2022-12-31&amp;status=paused" in response.content.decode()
    assert "Status on 31 Dec 2022" in response.content.decode()


def test_public_pages_come_from_the_cache_until_the_registry_changes(client, admin_client, add_links, actor, source):
    """A cached page is never stale: any write makes the next view render afresh; staff are never served it."""
    from links.models import Link

    add_links(1)
    link = Link.objects.filter(parent__isnull=True).get()
    url = link.get_absolute_url()
    first = client.get(url)
    assert first["X-Registry-Cache"] == "miss"
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url)
    assert again["X-Registry-Cache"] == "hit" and again.content == first.content
    assert len(captured) <= 2  # the registry's version; the page itself comes from the cache
    status_event_record(
        actor=actor, link=link, when=PartialDate.parse("2024-05-01"), status="ended",
        citations=[CitationSpec(source=source)], deciding_body="Extraordinary council meeting",
    )  # fmt: skip
    after = client.get(url)
    assert after["X-Registry-Cache"] == "miss" and b"Extraordinary council meeting" in after.content
    staff = admin_client.get(url)
    assert "X-Registry-Cache" not in staff and b"Edit the registry" in staff.content
    assert b"Edit the registry" not in client.get(url).content
    made_up = client.get(url + "?utm=1")  # answered, but not kept: made-up URLs cannot churn the cache
    assert made_up.status_code == 200 and "X-Registry-Cache" not in made_up


def test_the_page_cache_can_be_turned_off(client, add_links, settings):
    from links.models import Link

    settings.PAGE_CACHE = False
    add_links(1)
    url = Link.objects.filter(parent__isnull=True).get().get_absolute_url()
    assert "X-Registry-Cache" not in client.get(url) and "X-Registry-Cache" not in client.get(url)


def test_a_place_with_many_links_shows_them_and_its_decisions_in_pages(client, add_links, hub, monkeypatch):
    import re

    monkeypatch.setattr("places.views.PLACE_PAGE_SIZE", 4)
    add_links(3)  # 6 links (3 town links, 3 school sub-links) and 6 decisions
    first = client.get(hub.get_absolute_url()).content.decode()
    assert "6 links, 4 a page." in first, first[first.find('id="links"') :][:300]
    assert first.count('data-label="Link"><a href="/links/') == 4 + 4  # 4 links, 4 of the 6 decisions
    next_links = re.search(
        r'<nav class="pagination" aria-label="Pages of links">.*?href="([^"]+)" rel="next"', first, re.S
    )
    second = client.get(hub.get_absolute_url() + next_links.group(1).replace("&amp;", "&")).content.decode()
    assert "Page 2 of 2" in second and 'rel="prev"' in second
    assert second.count('data-label="Link"><a href="/links/') == 2 + 4  # the last 2 links; decisions still on page 1
    assert client.get(hub.get_absolute_url() + "?page=2&decisions=2").status_code == 200
    assert client.get(hub.get_absolute_url() + "?page=abc&decisions=-5").status_code == 200  # bad numbers: page 1


def test_the_search_page_is_cached_until_the_registry_changes(client, add_links, make_place, actor, source):
    url = reverse("links:search") + "?country=GB&kind=formal"
    add_links(1)
    assert client.get(url)["X-Registry-Cache"] == "miss"
    assert client.get(url)["X-Registry-Cache"] == "hit"
    link_create(
        actor=actor, parties=[make_place("Newtown", "GB"), make_place("Neustadt", "DE")], kind="formal",
        citations=[CitationSpec(source=source)],
    )  # fmt: skip
    fresh = client.get(url)
    assert fresh["X-Registry-Cache"] == "miss" and b"Newtown" in fresh.content
    assert "X-Registry-Cache" not in client.get(url + "&status=active&status=paused")  # repeated: not kept
