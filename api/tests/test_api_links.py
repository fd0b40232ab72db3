"""GET /links and /links/{id}: the search page's filters, detail shapes, pagination and query counts."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.http import QueryDict

from links.forms import SearchForm
from links.selectors import search_links

pytestmark = pytest.mark.django_db

LINKS = "/api/v1/links"


def api_ids(client, params) -> set[int]:
    response = client.get(LINKS, params | {"limit": 200})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next"] is None
    assert body["count"] == len(body["results"])
    return {row["id"] for row in body["results"]}


def page_ids(params) -> set[int]:
    """What the search page lists for the same parameters (its form and its query)."""
    form = SearchForm(QueryDict(urlencode(params, doseq=True)))
    assert form.is_valid(), form.errors
    return set(search_links(form.to_search()).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "volgograd"}, ["russia"]),
        ({"q": "ВОЛГОГРАД"}, ["russia"]),  # another language, another case
        ({"q": "partnerstadt"}, ["germany"]),
        ({"q": "lycee"}, ["schools"]),  # accents ignored, institutions found
        ({"country": "FR"}, ["france", "schools"]),
        ({"country": "gb", "partner_country": "RU"}, ["russia"]),
        ({"country": "GB", "partner_country": "GB"}, ["domestic"]),
        ({"subdivision": "GB-SCT"}, ["france", "domestic"]),
        ({"kind": "friendship"}, ["france"]),
        ({"purpose": "peace-reconciliation"}, ["russia"]),
        ({"status": "paused"}, ["germany"]),
        ({"status": ["ended", "proposed"]}, ["russia", "schools"]),
        ({"status": "unknown"}, ["france", "domestic"]),
        ({"as_of": "2021-12-31", "status": "active"}, ["germany", "russia"]),
        ({"as_of": "2022-03-21", "status": "active"}, ["russia"]),  # a pause in "March 2022" counts from the 1st
        ({"as_of": "2022-12-31", "status": "active"}, []),
        ({"year_from": "1950"}, ["germany", "france", "domestic"]),  # Testford–Volgograd began in 1944
        ({"year_from": "1950", "year_to": "1989"}, ["germany"]),
        ({"year_to": "1944"}, ["russia"]),  # began with its first contact
        ({"needs_verification": "true"}, ["france"]),
        ({"needs_verification": "false", "kind": "intra_national"}, ["domestic"]),
    ],
)
def test_every_filter_narrows_the_list_as_the_search_page_does(client, registry, params, expected):
    everything = api_ids(client, {})
    assert everything == set(registry.ids(*registry.links))
    found = api_ids(client, params)
    assert found == registry.ids(*expected)
    assert found == page_ids(params)


@pytest.mark.parametrize("q", ["volgograd", "partnerstadt", "lycee", "testford", "testford volgograd", "nowhere"])
def test_text_search_finds_the_same_links_when_matches_stay_in_the_database(client, registry, monkeypatch, q):
    """Small text matches travel as lists of ids, broad ones as sub-selects: the answer is the same."""
    as_lists = api_ids(client, {"q": q})
    monkeypatch.setattr("links.selectors.MATERIALISE_AT_MOST", 0)
    cache.clear()  # the words' matches are kept per registry version: look them up again
    assert api_ids(client, {"q": q}) == as_lists == page_ids({"q": q})
    if q != "nowhere":
        assert as_lists


def test_the_status_shown_is_on_as_of_or_today(client, registry):
    rows = client.get(LINKS, {"as_of": "2021-06-30", "partner_country": "RU"}).json()["results"]
    assert rows[0]["status"] == {"on": "2021-06-30", "status": "active", "label": "active"}
    today = client.get(LINKS, {"partner_country": "RU"}).json()["results"][0]["status"]
    assert today["status"] == "ended"


@pytest.mark.parametrize(
    "params, field, words",
    [
        ({"as_of": "31/12/2022"}, "as_of", "Enter the date as year-month-day, for example 2022-12-31."),
        ({"as_of": "9999-12-31"}, "as_of", "far in the future"),
        ({"country": "Narnia"}, "country", "'NARNIA' is not a country code"),
        ({"partner_country": "ZZ"}, "partner_country", "'ZZ' is not a country code"),
        ({"year_from": "2000", "year_to": "1990"}, "year_to", "Swap them"),
        ({"year_from": "nineteen"}, "year_from", "Enter a year such as 1945."),
        ({"year_to": "999"}, "year_to", "Enter a year after 1000."),
        ({"kind": "alliance"}, "kind", "'alliance' is not one of the choices for 'Kind of link'"),
        ({"purpose": "war"}, "purpose", "is not one of the choices for 'Purpose'"),
        ({"subdivision": "FR-IDF"}, "subdivision", "is not one of the choices for 'UK nation'"),
        ({"status": "asleep"}, "status", "asleep"),
        ({"q": "x" * 201}, "q", "at most 200 characters"),
        ({"q": "nul\x00byte"}, "q", "Null characters are not allowed."),
        ({"limit": "0"}, "limit", "Give limit as a whole number from 1 to 200."),
        ({"limit": "201"}, "limit", "Give limit as a whole number from 1 to 200."),
        ({"limit": "ten"}, "limit", "Give limit as a whole number from 1 to 200."),
        ({"cursor": "not-a-cursor"}, "cursor", "This cursor is not one the API gave out."),
        ({"cursor": "eyJpZCI6ICJ4In0"}, "cursor", "This cursor is not one the API gave out."),  # {"id": "x"}
    ],
)
def test_bad_filters_are_400_with_the_search_pages_words(client, db, params, field, words):
    response = client.get(LINKS, params)
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [field]
    assert any(words in message for message in body["errors"][field]), body
    assert words in body["detail"]


def test_pages_walk_every_link_exactly_once(client, registry, make_place, actor, source):
    from links.services import link_create
    from sources.services import CitationSpec

    hub = registry.places["testford"]
    for i in range(8):
        partner = make_place(f"Extra {i}", "IT")
        link_create(actor=actor, parties=[hub, partner], kind="formal", citations=[CitationSpec(source=source)])
    url, seen, pages = f"{LINKS}?country=GB&limit=3", [], 0
    while url:
        body = client.get(url).json()
        pages += 1
        assert body["count"] == 13  # 5 links of the registry have a party in GB
        assert len(body["results"]) <= 3
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
        assert url is None or url.startswith("http://testserver/api/v1/links?")
    assert pages == 5
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 13
    assert "country=GB" in client.get(f"{LINKS}?country=GB&limit=3").json()["next"]


def test_a_list_item_has_parties_dates_and_purposes(client, registry):
    row = client.get(LINKS, {"partner_country": "RU"}).json()["results"][0]
    assert row["title"] == "Testford – Volgograd"
    assert row["kind"] == "formal" and row["kind_label"].startswith("formal twinning")
    assert row["first_contact"] == {
        "iso": "1944",
        "precision": "year",
        "start": "1944-01-01",
        "end": "1944-12-31",
        "text": "1944",
    }
    assert row["agreement"]["iso"] == "1956-05"
    assert row["agreement"]["precision"] == "month"
    assert [p["slug"] for p in row["purposes"]] == ["peace-reconciliation"]
    volgograd = row["parties"][1]
    assert volgograd["type"] == "place" and volgograd["country"] == "RU" and volgograd["geonames_id"] == 472757
    assert volgograd["place"]["api_url"] == f"/api/v1/places/{registry.places['volgograd'].pk}"
    assert row["api_url"] == f"/api/v1/links/{registry.links['russia'].pk}"
    assert row["web_url"] == registry.links["russia"].get_absolute_url()


def test_link_detail_has_history_sources_and_status_on_a_date(client, registry):
    link = registry.links["russia"]
    body = client.get(f"{LINKS}/{link.pk}", {"as_of": "2021-12-31"}).json()
    assert body["id"] == link.pk and body["version"] == 1
    assert body["status"]["status"] == "ended" and body["status"]["since"]["iso"] == "2022-03-22"
    assert body["status"]["certain"] is True and body["status"]["inferred"] is False
    assert body["status_on"]["on"] == "2021-12-31" and body["status_on"]["status"] == "active"
    assert body["status_on"]["since"] == {
        "iso": "1956-05",
        "precision": "month",
        "start": "1956-05-01",
        "end": "1956-05-31",
        "text": "May 1956",
    }
    assert [e["label"] for e in body["events"]] == ["Active", "Ended"]  # oldest first
    ended = body["events"][1]
    assert ended["reason"] == "The invasion of Ukraine." and ended["category"] == "war"
    assert ended["deciding_body"] == "Full council" and ended["decision_note"] == "Unanimous"
    assert ended["citations"][0]["quote"] == "Council voted unanimously to end the link."
    assert ended["citations"][0]["source"]["title"] == "Council minutes"
    assert body["citations"][0]["claim"] == "decision"
    assert body["description"] == "Founded in the spirit of wartime solidarity."
    assert body["listings"] == [] and body["needs_verification"] == []
    assert client.get(f"{LINKS}/{link.pk}").json()["status_on"] is None


def test_link_detail_shows_institutions_and_what_needs_verification(client, registry):
    schools = client.get(f"{LINKS}/{registry.links['schools'].pk}").json()
    party = schools["parties"][1]
    assert party["type"] == "institution" and party["name"] == "Lycée du Parc"
    assert party["institution"]["kind"] == "school" and party["place"]["name"] == "Lyon" and party["country"] == "FR"
    assert schools["status"]["status"] == "proposed"
    france = client.get(f"{LINKS}/{registry.links['france'].pk}").json()
    assert france["status"]["status"] == "unknown" and france["status"]["label"] == "status not recorded"
    [flag] = france["needs_verification"]
    assert flag["since"] == "2026-03-01" and flag["source"]["title"] == "Wikipedia lists, March 2026"
    assert "needs verification" in flag["message"]
    assert france["listings"][0]["gaps"][0]["resolved_at"] is None


@pytest.mark.parametrize("path", ["/links/999999", "/links/0", "/links/-4", "/links/99999999999999999999999"])
def test_an_unknown_link_is_404_in_plain_words(client, db, path):
    response = client.get(f"/api/v1{path}")
    assert response.status_code in (404,), response.content
    assert "There is no link with id" in response.json()["detail"]


def test_a_bad_as_of_on_a_link_is_400(client, registry):
    response = client.get(f"{LINKS}/{registry.links['russia'].pk}", {"as_of": "yesterday"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"as_of": ["Enter the date as year-month-day, for example 2022-12-31."]}
