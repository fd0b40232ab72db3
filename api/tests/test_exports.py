"""Downloads of a search: exactly its rows, all pages, in formats that parse back."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from core.partial_dates import PartialDate
from links.services import link_create, status_event_record
from sources.services import CitationSpec

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(make_place, actor, source):
    cite = [CitationSpec(source=source, quote="Resolved.")]
    home = make_place("Testford", "GB", subdivision="GB-ENG", latitude=52.4, longitude=-1.5)
    links = []
    for i in range(7):
        partner = make_place(f"Partnerstadt {i}", "DE", latitude=50 + i / 10, longitude=8.0)
        link = link_create(
            actor=actor,
            parties=[home, partner],
            kind="formal",
            citations=cite,
            agreement=PartialDate.parse("1960"),
            purposes=["culture"],
        )
        status_event_record(actor=actor, link=link, when=PartialDate.parse("1960"), status="active", citations=cite)
        if i < 3:
            status_event_record(
                actor=actor, link=link, when=PartialDate.parse("2022-03-22"), status="paused", citations=cite
            )
        links.append(link)
    evil = make_place('=HYPERLINK("http://evil")', "FR")
    links.append(link_create(actor=actor, parties=[home, evil], kind="friendship", citations=cite))
    return links


def download(client, fmt: str, **params: str) -> tuple[object, str]:
    response = client.get(reverse("links:search_download", args=[fmt]), params)
    assert response.status_code == 200
    assert response.streaming, "downloads are streamed, never built in memory"
    return response, b"".join(response.streaming_content).decode("utf-8")


def test_csv_holds_every_row_of_every_page_and_opens_in_a_spreadsheet(client, registry, settings):
    settings.SEARCH_PAGE_SIZE = 3
    page = client.get(reverse("links:search"), {"country": "GB"})
    assert page.context["page"].paginator.num_pages == 3
    response, body = download(client, "csv", country="GB")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="links.csv"' in response["Content-Disposition"]
    assert body.startswith("\ufeff") and "\r\n" in body
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert sorted(int(r["link_id"]) for r in rows) == sorted(link.pk for link in registry)
    first = next(r for r in rows if r["party_2"] == "Partnerstadt 0")
    assert (first["party_1_country"], first["party_2_country"], first["agreement"]) == ("GB", "DE", "1960")


def test_csv_neutralises_cells_a_spreadsheet_would_run(client, registry):
    _, body = download(client, "csv", partner_country="FR")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0]["party_2"] == '\'=HYPERLINK("http://evil")'
    # Numbers stay numbers (a longitude of -1.5 must not become text); every other cell is safe.
    for row in rows:
        for value in row.values():
            if value.startswith(("=", "+", "-", "@")):
                float(value)


def test_downloads_honour_the_status_on_a_date(client, registry):
    _, body = download(client, "csv", partner_country="DE", as_of="2022-12-31", status="paused")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 3 and {r["status"] for r in rows} == {"paused"} and rows[0]["status_on"] == "2022-12-31"
    _, before = download(client, "csv", partner_country="DE", as_of="2021-12-31", status="paused")
    assert len(list(csv.DictReader(io.StringIO(before.lstrip("\ufeff"))))) == 0


def test_json_parses_back_to_the_same_links(client, registry):
    response, body = download(client, "json", partner_country="DE", as_of="2022-12-31")
    document = json.loads(body)
    assert response["Content-Type"].startswith("application/json")
    assert document["status_on"] == "2022-12-31" and "licence" in document
    assert len(document["links"]) == 7
    statuses = sorted(link["status"] for link in document["links"])
    assert statuses == ["active"] * 4 + ["paused"] * 3
    assert document["links"][0]["parties"][0]["name"] == "Testford"


def test_geojson_is_a_feature_collection_of_lines_between_places(client, registry):
    _, body = download(client, "geojson", partner_country="DE")
    collection = json.loads(body)
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 7
    line = collection["features"][0]["geometry"]
    assert line["type"] == "LineString"
    assert line["coordinates"][0] == [-1.5, 52.4]  # longitude first, as GeoJSON requires
    _, no_coordinates = download(client, "geojson", partner_country="FR")
    feature = json.loads(no_coordinates)["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [-1.5, 52.4]}


def test_a_bad_filter_gets_the_search_page_error_not_a_file(client, registry):
    response = client.get(reverse("links:search_download", args=["csv"]), {"as_of": "yesterday"})
    assert response.status_code == 400
    assert "Enter the date as year-month-day" in response.content.decode()


def test_an_unknown_format_is_not_found(client):
    assert client.get("/search.xlsx").status_code == 404


def test_the_search_page_offers_the_downloads_with_its_filters(client, registry):
    text = client.get(reverse("links:search"), {"country": "GB", "as_of": "2022-12-31"}).content.decode()
    assert 'href="/search.csv?country=GB&amp;as_of=2022-12-31"' in text
    assert 'href="/search.geojson?country=GB&amp;as_of=2022-12-31"' in text
