"""Link and place pages describe themselves as schema.org JSON-LD."""

from __future__ import annotations

import json
import re

import pytest

from links.demo import load_demo_data
from links.models import Link
from places.models import Place

pytestmark = pytest.mark.django_db


def jsonld_of(client, url: str) -> dict:
    html = client.get(url, follow=True).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_link_page_describes_the_link_its_places_and_sources(client):
    load_demo_data()
    link = Link.objects.get(events__status="paused", parties__place__name="Volgograd")
    data = jsonld_of(client, link.get_absolute_url())
    assert data["@context"] == "https://schema.org" and data["name"] == "Coventry – Volgograd"
    assert [place["name"] for place in data["about"]] == ["Coventry", "Volgograd"]
    assert data["about"][0]["sameAs"] == ["https://www.geonames.org/2652221"]
    assert {"@type": "PropertyValue", "name": "status today", "value": "paused"} in data["additionalProperty"]
    assert "Council sends letter to Russian twin" in {source["name"] for source in data["citation"]}


def test_place_page_is_a_schema_org_place_with_coordinates(client):
    load_demo_data()
    place = Place.objects.get(name="Coventry")
    data = jsonld_of(client, place.get_absolute_url())
    assert (data["@type"], data["name"], data["address"]["addressCountry"]) == ("Place", "Coventry", "GB")
    assert data["geo"]["latitude"] == pytest.approx(52.41, abs=0.05)


def test_jsonld_cannot_be_broken_out_of(client, make_place, actor, source):
    from links.services import link_create
    from sources.services import CitationSpec

    evil = make_place("</script><script>alert(1)</script>", "GB")
    other = make_place("Otherton", "FR")
    link = link_create(actor=actor, parties=[evil, other], kind="formal", citations=[CitationSpec(source=source)])
    html = client.get(link.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert jsonld_of(client, link.get_absolute_url())["about"][0]["name"] == "</script><script>alert(1)</script>"
