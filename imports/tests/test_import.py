"""Importing real-world pairs: merged with the registry, idempotent, and never losing history."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from audit.services import Actor
from imports.models import ImportRun, Listing, ListingGap, NameResolution, Outcome, PendingPair
from imports.readers import ImportFileError
from imports.services import import_pairs, resolution_choose
from links.demo import load_demo_data
from links.models import Link, StatusEvent
from places.models import Place

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test import")
FEB, MARCH = dt.date(2026, 2, 1), dt.date(2026, 3, 1)


def run(path, title="Wikipedia lists, February 2026", date=FEB, **options):
    return import_pairs(path=path, source_title=title, snapshot_date=date, actor=ACTOR, **options).as_dict()


def pairs_of(link: Link) -> set[str]:
    return {p.place.name for p in link.parties.all()}


COVENTRY_ROWS = [
    "Coventry,England,Dresden,Germany",
    "Coventry,England,Kiel,Germany",
    'Kiel,Germany,Coventry,"England, United Kingdom"',
    "Coventry,England,Arnhem,Netherlands",
    "Coventry,England,Belgrade,Serbia",
]


def test_a_and_b_then_b_and_a_are_one_link(gazetteer, write_csv):
    report = run(write_csv(["Coventry,England,Kiel,Germany", 'Kiel,Germany,Coventry,"England, United Kingdom"']))
    assert (report["pairs_read"], report["links_created"], report["pairs_listed_twice"]) == (2, 1, 1)
    assert [pairs_of(link) for link in Link.objects.all()] == [{"Coventry", "Kiel"}]


def test_seed_links_are_merged_not_duplicated_and_cite_the_snapshot(gazetteer, write_csv, client):
    load_demo_data()
    demo_links = Link.objects.count()
    report = run(write_csv(COVENTRY_ROWS))
    assert (report["links_merged"], report["links_created"]) == (2, 2)  # Kiel, Dresden merged; Arnhem, Belgrade new
    assert Link.objects.count() == demo_links + 2
    coventry = Place.objects.get(geonames_id=2652221)
    kiel_links = Link.objects.filter(parties__place=coventry).filter(parties__place__name="Kiel")
    assert kiel_links.count() == 1
    kiel = kiel_links.get()
    assert set(kiel.citations.values_list("source__title", flat=True)) >= {"Wikipedia lists, February 2026"}
    page = client.get(coventry.get_absolute_url()).content.decode()
    for partner in ("Volgograd", "Kiel", "Dresden", "Arnhem", "Belgrade"):
        assert partner in page
    assert "22 March 2022" in page  # the seed history is still there


def test_importing_the_same_file_again_changes_nothing_and_says_so(gazetteer, write_csv, call_command_output):
    file = write_csv(COVENTRY_ROWS)
    first = run(file)
    again = call_command_output("import_pairs", str(file), "--source", "Wikipedia lists, February 2026", "--json")
    second = json.loads(again.strip().splitlines()[-1])
    assert first["links_created"] == 4
    assert (second["links_created"], second["links_merged"], second["links_unchanged"]) == (0, 0, 4)
    assert "Nothing new: every pair was already in the registry from this list." in again
    assert Link.objects.count() == 4


def test_a_pair_missing_from_a_later_snapshot_is_flagged_never_deleted_or_ended(gazetteer, write_csv, client):
    run(write_csv(COVENTRY_ROWS, name="feb.csv"))
    later = run(
        write_csv(COVENTRY_ROWS[:2] + COVENTRY_ROWS[3:4], name="march.csv"),
        title="Wikipedia lists, March 2026",
        date=MARCH,
    )
    assert later["flagged_missing"] == 1  # Belgrade is no longer listed
    belgrade = Link.objects.get(parties__place__name="Belgrade")
    assert StatusEvent.objects.filter(link=belgrade).count() == 0
    page = client.get(belgrade.get_absolute_url()).content.decode()
    assert "no longer listed in" in page and "Wikipedia lists, March 2026" in page and "1 March 2026" in page
    flagged = client.get(reverse("links:search"), {"needs_verification": "on"}).context["page"].object_list
    assert [link.pk for link in flagged] == [belgrade.pk]
    # Listed again in a newer snapshot: the flag is answered.
    run(write_csv(COVENTRY_ROWS, name="april.csv"), title="Wikipedia lists, April 2026", date=dt.date(2026, 4, 1))
    assert ListingGap.objects.get().resolved_at is not None
    assert client.get(reverse("links:search"), {"needs_verification": "on"}).context["page"].paginator.count == 0


def test_an_older_snapshot_without_a_pair_flags_it_too(gazetteer, write_csv):
    run(write_csv(COVENTRY_ROWS, name="feb.csv"))
    older = run(
        write_csv(COVENTRY_ROWS[:3], name="2025.csv"), title="Wikipedia lists, March 2025", date=dt.date(2025, 3, 1)
    )
    assert older["flagged_missing"] == 2
    listing = Listing.objects.get(link__parties__place__name="Kiel")
    assert (listing.first_listed, listing.last_listed) == (dt.date(2025, 3, 1), FEB)


def test_the_run_is_recorded_with_its_report(gazetteer, write_csv):
    report = run(write_csv(COVENTRY_ROWS))
    recorded = ImportRun.objects.get()
    assert recorded.status == "finished" and recorded.report == report


# ------------------------------------------------------------------ bad input changes nothing


def assert_nothing_imported():
    assert Link.objects.count() == 0 and ImportRun.objects.count() == 0 and NameResolution.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "There is no file at"),
        (b"", "is empty"),
        (b"town,nation\nCoventry,England\n", "does not have the columns of a raw pairs file"),
        (b"city1,country1,city2,country2\nCoventry,England,K\xf6ln,Germany\n", "is not valid UTF-8: byte 0xf6"),
        (b"city1,country1,city2,country2\n", "has a header but no pairs"),
        (b"city1,country1,city2,country2\nCoventry,England," + b"x" * 10_000_000 + b",Germany\n", "characters long"),
        (
            b"city1,country1,city2,country2\nCoventry,England,,Germany\nCoventry,England,Kiel,Germany\n",
            "line 2: only one city is given",
        ),
    ],
)
def test_bad_files_are_refused_in_plain_words(gazetteer, tmp_path, content, message):
    path = tmp_path / "pairs.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ImportFileError) as error:
        run(path)
    assert message in str(error.value)
    assert_nothing_imported()


def test_a_windows_file_imports_when_its_encoding_is_given(gazetteer, tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_bytes("city1,country1,city2,country2\nCoventry,England,Köln,Germany\n".encode("cp1252"))
    assert run(path, encoding="cp1252")["links_created"] == 1


def test_bad_rows_can_be_skipped_and_are_counted(gazetteer, write_csv):
    report = run(write_csv(["Coventry,England,,Germany", "Coventry,England,Kiel,Germany"]), skip_bad_rows=True)
    assert (report["errors"], report["links_created"], report["pairs_read"]) == (1, 1, 2)


def test_formula_like_names_are_stored_as_text_and_neutralised_in_the_csv(gazetteer, write_csv, admin_client):
    run(write_csv(['=HYPERLINK("http://x"),England,Kiel,Germany', "@SUM(1),England,Kiel,Germany"]))
    names = set(NameResolution.objects.filter(outcome=Outcome.UNMATCHED).values_list("name", flat=True))
    assert names == {'=HYPERLINK("http://x")', "@SUM(1)"}
    response = admin_client.get(reverse("imports:unmatched_csv"))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert "'=HYPERLINK" in body and "'@SUM(1)" in body
    assert "\n=" not in body and ",=" not in body


# ------------------------------------------------------------------ moderators


def test_a_moderator_chooses_an_ambiguous_place_and_the_held_links_follow(gazetteer, write_csv, admin_client):
    report = run(write_csv(["Richmond,England,Kiel,Germany"]))
    resolution = NameResolution.objects.get(name="Richmond")
    assert resolution.outcome == Outcome.AMBIGUOUS, "several Richmonds in England: a moderator must choose"
    assert report["places_ambiguous"] >= 1 and report["pairs_pending"] == 1 and Link.objects.count() == 0
    page = admin_client.get(reverse("imports:review")).content.decode()
    assert "“Richmond” in England" in page
    choice = resolution.candidates[0]["geonames_id"]
    response = admin_client.post(reverse("imports:choose", args=[resolution.pk]), {"geonames_id": choice}, follow=True)
    assert "1 held link created" in response.content.decode()
    assert PendingPair.objects.count() == 0
    assert pairs_of(Link.objects.get()) == {"Richmond", "Kiel"}
    assert Place.objects.get(name="Richmond").geonames_id == choice


def test_the_review_page_is_for_staff_only(client):
    response = client.get(reverse("imports:review"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_moderator_cannot_choose_a_place_that_was_not_offered(gazetteer, write_csv, admin_client):
    run(write_csv(["Richmond,England,Kiel,Germany"]))
    resolution = NameResolution.objects.get(name="Richmond")
    with pytest.raises(Exception, match="not one of the places offered|not in the gazetteer"):
        resolution.outcome = Outcome.AMBIGUOUS
        resolution_choose(actor=ACTOR, resolution=resolution, geonames_id=2643743 + 999_999_999)


# ------------------------------------------------------------------ Wikidata


def test_wikidata_results_import_with_start_and_end_times(gazetteer, tmp_path):
    document = {
        "head": {
            "vars": [
                "item",
                "itemLabel",
                "itemCountry",
                "itemGeoNames",
                "twin",
                "twinLabel",
                "twinCountry",
                "twinGeoNames",
                "start",
                "end",
            ]
        },
        "results": {
            "bindings": [
                {
                    "item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q8195"},
                    "itemLabel": {"type": "literal", "value": "Wakefield"},
                    "itemCountry": {"type": "literal", "value": "GB"},
                    "itemGeoNames": {"type": "literal", "value": "2634910"},
                    "twin": {"type": "uri", "value": "http://www.wikidata.org/entity/Q3040"},
                    "twinLabel": {"type": "literal", "value": "Belgorod"},
                    "twinCountry": {"type": "literal", "value": "RU"},
                    "twinGeoNames": {"type": "literal", "value": "578072"},
                    "start": {"type": "literal", "value": "1995-01-01T00:00:00Z"},
                    "end": {"type": "literal", "value": "2022-03-02T00:00:00Z"},
                },
                {
                    "item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q2479"},
                    "itemLabel": {"type": "literal", "value": "Coventry"},
                    "itemCountry": {"type": "literal", "value": "GB"},
                    "twin": {"type": "uri", "value": "http://www.wikidata.org/entity/Q1022"},
                    "twinLabel": {"type": "literal", "value": "Kiel"},
                    "twinCountry": {"type": "literal", "value": "DE"},
                },
            ]
        },
    }
    path = tmp_path / "p190.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = import_pairs(path=path, source_title="Wikidata P190, November 2026", actor=ACTOR).as_dict()
    assert report["links_created"] == 2
    wakefield = Link.objects.get(parties__place__geonames_id=2634910)
    events = [(e.status, e.when.iso()) for e in wakefield.events.order_by("date")]
    assert events == [("active", "1995"), ("ended", "2022-03-02")]
    again = import_pairs(path=path, source_title="Wikidata P190, November 2026", actor=ACTOR).as_dict()
    assert again["links_created"] == 0 and StatusEvent.objects.count() == 2


def test_a_file_that_is_not_wikidata_json_is_explained(gazetteer, tmp_path):
    path = tmp_path / "p190.json"
    path.write_text('{"rows": []}', encoding="utf-8")
    with pytest.raises(ImportFileError, match="is not the JSON the Wikidata Query Service returns"):
        import_pairs(path=path, source_title="Wikidata", actor=ACTOR)


def test_an_import_killed_midway_leaves_whole_batches_and_finishes_when_run_again(gazetteer, write_csv, monkeypatch):
    import imports.services

    monkeypatch.setattr(imports.services, "BATCH", 2)
    file = write_csv(COVENTRY_ROWS)

    def kill_after_first_batch(done: int) -> None:
        raise KeyboardInterrupt("killed")

    with pytest.raises(KeyboardInterrupt):
        run(file, progress=kill_after_first_batch)
    assert ImportRun.objects.get().status == "failed"
    partial = list(Link.objects.all())
    assert len(partial) == 2  # the first batch (Dresden, Kiel), whole
    for link in partial:
        assert link.parties.count() == 2 and link.citations.count() == 1 and link.listings.count() == 1
    report = run(file)
    assert (report["links_created"], report["links_unchanged"]) == (2, 2)
    assert Link.objects.count() == 4


def test_the_geocoded_file_uses_coordinates_to_choose_and_to_check(gazetteer, write_csv):
    header = "city1,country1,lat1,lng1,city2,country2,lat2,lng2"
    report = run(
        write_csv(
            [
                "Richmond,England,54.4032,-1.7374,Kiel,Germany,54.3233,10.1228",  # Richmond, North Yorkshire
                "Coventry,England,-34.6,-58.4,Dresden,Germany,51.05,13.74",  # Coventry "in Buenos Aires"
            ],
            header=header,
        ),
        file_format="geocoded",
    )
    richmond = NameResolution.objects.get(name="Richmond")
    assert richmond.outcome == Outcome.MATCHED and richmond.place.latitude > 54
    coventry = NameResolution.objects.get(name="Coventry")
    assert (coventry.place.geonames_id, coventry.far) == (2652221, True)
    assert report["places_far_from_given_coordinates"] == 1
    assert report["links_created"] == 2


def test_the_real_english_rows_of_the_wikipedia_file_import_and_match(gazetteer, shared_file, tmp_path):
    """Every row of the real file whose first city is in England and partner in a country loaded here."""
    import csv

    from imports.countries import country_from_wikipedia
    from imports.tests.conftest import COUNTRIES

    rows = []
    with shared_file("twin_cities_raw.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            first, second = country_from_wikipedia(row["country1"]), country_from_wikipedia(row["country2"])
            if first and second and first.subdivision == "GB-ENG" and second.code in COUNTRIES:
                rows.append(row)
    path = tmp_path / "england.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["city1", "country1", "city2", "country2"])
        writer.writeheader()
        writer.writerows(rows)
    report = run(path)
    assert len(rows) > 500
    matched_share = report["places_matched"] / (
        report["places_matched"] + report["places_ambiguous"] + report["places_unmatched"]
    )
    assert matched_share > 0.85, report
    assert report["links_created"] + report["pairs_pending"] + report["pairs_listed_twice"] >= len(rows) - 10
    coventry = Place.objects.get(geonames_id=2652221)
    partners = {p.place.name for link in Link.objects.filter(parties__place=coventry) for p in link.parties.all()}
    assert {"Dresden", "Kiel", "Arnhem", "Belgrade", "Bologna", "Cork"} <= partners


def test_a_district_partner_is_a_district_not_its_seat_town(gazetteer, write_csv):
    run(write_csv(["Coventry,England,Yeysky District,Russia"]))
    resolution = NameResolution.objects.get(name="Yeysky District")
    assert resolution.outcome == Outcome.REGION
    district = resolution.place
    assert (district.name, district.kind, district.geonames_id) == ("Yeysky District", "district", None)
    assert "Yeysk" in district.note


@pytest.mark.parametrize(
    ("written", "country", "seat"),
    [
        ("Berlin – Charlottenburg-Wilmersdorf", "Germany", "Berlin"),
        ("Stari Grad (Sarajevo)", "Bosnia and Herzegovina", "Sarajevo"),
    ],
)
def test_a_borough_of_a_known_city_becomes_a_district_of_it(gazetteer, write_csv, written, country, seat):
    run(write_csv([f'Coventry,England,"{written}",{country}']))
    resolution = NameResolution.objects.get(name=written)
    assert resolution.outcome == Outcome.REGION, resolution.explanation
    assert (resolution.place.name, resolution.place.kind) == (written, "district")
    assert seat in resolution.place.note


def test_the_geocoded_file_after_the_raw_one_checks_earlier_matches_against_its_coordinates(gazetteer, write_csv):
    run(write_csv(["Coventry,England,Kiel,Germany"], name="raw.csv"))
    header = "city1,country1,lat1,lng1,city2,country2,lat2,lng2"
    report = run(
        write_csv(["Coventry,England,-34.6,-58.4,Kiel,Germany,54.3233,10.1228"], header=header, name="geo.csv"),
        title="Wikipedia lists (geocoded), February 2026",
        file_format="geocoded",
    )
    assert report["names_rechecked_with_coordinates"] == 2
    assert NameResolution.objects.get(name="Coventry").far is True
    assert NameResolution.objects.get(name="Kiel").far is False
    assert (report["links_created"], report["links_merged"], report["flagged_missing"]) == (0, 1, 0)


def test_a_held_pair_released_by_a_choice_merges_with_a_link_the_registry_already_has(gazetteer, write_csv, cite):
    from links.services import link_create
    from places.services import places_from_gazetteer

    run(write_csv(["Richmond,England,Kiel,Germany"]))
    resolution = NameResolution.objects.get(name="Richmond")
    choice = resolution.candidates[0]["geonames_id"]
    richmond = places_from_gazetteer(actor=ACTOR, geonames_ids=[choice])[choice]
    kiel = NameResolution.objects.get(name="Kiel").place
    existing = link_create(actor=ACTOR, parties=[richmond, kiel], kind="formal", citations=cite())
    assert resolution_choose(actor=ACTOR, resolution=resolution, geonames_id=choice) == 0
    assert list(Link.objects.values_list("pk", flat=True)) == [existing.pk]
    assert Listing.objects.get().link == existing
    assert "Wikipedia lists, February 2026" in set(existing.citations.values_list("source__title", flat=True))
