"""The whole registry as files, and as Wikidata QuickStatements."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from core.partial_dates import PartialDate
from links.demo import load_demo_data
from links.models import Link, StatusEvent
from links.services import link_create, status_event_record
from places.services import place_update
from sources.services import CitationSpec

pytestmark = pytest.mark.django_db


def read_csv(path):
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_export_registry_writes_every_table_as_csv_and_json_with_stable_ids(tmp_path, call_command_output):
    load_demo_data()
    output = call_command_output("export_registry", str(tmp_path / "out"))
    out = tmp_path / "out"
    assert "links.csv: 42 rows" in output
    links = read_csv(out / "links.csv")
    assert len(links) == Link.objects.count() == 42
    events = read_csv(out / "status_events.csv")
    assert len(events) == StatusEvent.objects.count()
    pause = next(e for e in events if e["date"] == "2022-03-22")
    coventry_volgograd = Link.objects.get(events__date=dt.date(2022, 3, 22))
    assert (int(pause["link_id"]), pause["status"], pause["date_precision"]) == (coventry_volgograd.pk, "paused", "day")
    assert next(e for e in events if e["date"] == "2018")["date_precision"] == "year"  # Staffordshire–Ivanovo
    parties = [p for p in read_csv(out / "parties.csv") if int(p["link_id"]) == coventry_volgograd.pk]
    places = {int(p["place_id"]): p for p in read_csv(out / "places.csv")}
    assert {places[int(p["place_id"])]["name"] for p in parties} == {"Coventry", "Volgograd"}
    citations = read_csv(out / "citations.csv")
    assert any(c["event_id"] and "heavy heart" in c["quote"] for c in citations)
    document = json.loads((out / "registry.json").read_text(encoding="utf-8"))
    assert "licence" in document and len(document["links"]) == 42
    assert {row["link_id"] for row in document["links"]} == {int(row["link_id"]) for row in links}
    assert (out / "LICENCE.txt").read_text().startswith("Twinning Hub open data")
    # Run again: the same ids, the same rows.
    call_command_output("export_registry", str(tmp_path / "again"))
    assert (tmp_path / "again" / "links.csv").read_bytes() == (out / "links.csv").read_bytes()


@pytest.fixture
def twinned(make_place, actor, source):
    cite = [CitationSpec(source=source)]
    coventry = make_place("Coventry", "GB", geonames_id=2652221, wikidata_id="Q2479")
    kiel = make_place("Kiel", "DE", geonames_id=2891122)
    unmatched = make_place("Somewhere", "DE")
    link = link_create(
        actor=actor, parties=[coventry, kiel], kind="formal", citations=cite, agreement=PartialDate.parse("1947-05")
    )
    status_event_record(actor=actor, link=link, when=PartialDate.parse("1947-05"), status="active", citations=cite)
    status_event_record(actor=actor, link=link, when=PartialDate.parse("2022-03-22"), status="ended", citations=cite)
    link_create(actor=actor, parties=[coventry, unmatched], kind="formal", citations=cite)
    return link, kiel


def test_quickstatements_need_wikidata_items_for_both_places(tmp_path, twinned, call_command_output):
    output = call_command_output("export_quickstatements", str(tmp_path / "qs.txt"))
    assert "0 links written" in output
    assert "skipped 1: no Wikidata item known for a place" in output
    assert "skipped 1: a place is not matched to GeoNames" in output


def test_quickstatements_with_a_geonames_mapping_carry_start_end_and_reference(
    tmp_path, twinned, settings, call_command_output
):
    settings.SITE_URL = "https://hub.example.org"
    link, kiel = twinned
    mapping = tmp_path / "qids.csv"
    mapping.write_text("item,geonames\nhttp://www.wikidata.org/entity/Q1707,2891122\n", encoding="utf-8")
    output = call_command_output("export_quickstatements", str(tmp_path / "qs.txt"), "--qids", str(mapping))
    assert "1 links written" in output
    lines = (tmp_path / "qs.txt").read_text().splitlines()
    first = lines[0].split("\t")
    assert first[:7] == [
        "Q2479",
        "P190",
        "Q1707",
        "P580",
        "+1947-05-00T00:00:00Z/10",
        "P582",
        "+2022-03-22T00:00:00Z/11",
    ]
    assert first[7:9] == ["S854", f'"https://hub.example.org{link.get_absolute_url()}"']
    assert lines[1].split("\t")[:3] == ["Q1707", "P190", "Q2479"]


def test_a_place_learns_its_wikidata_item_only_in_the_right_shape(make_place, actor):
    from django.core.exceptions import ValidationError

    place = make_place("Kiel", "DE")
    with pytest.raises(ValidationError, match="is not a Wikidata item id"):
        place_update(actor=actor, place=place, wikidata_id="Kiel")
