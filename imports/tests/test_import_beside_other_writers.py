"""The import matches names before it writes (docs/RELIABILITY.md): what others write meanwhile is kept.

Matching reads only, and takes most of an import's time; the writes come after it, in short
transactions, so that an import never holds SQLite's one write lock for long. These tests put
another writer in the gap between the two, where it could now be.
"""

from __future__ import annotations

import datetime as dt

import pytest

import imports.services
from audit.services import Actor
from imports.models import NameResolution, Outcome
from imports.services import import_pairs, resolution_choose
from links.models import Link

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test import")
GEOCODED = "city1,country1,lat1,lng1,city2,country2,lat2,lng2"
RICHMOND_NORTH_YORKSHIRE = "Richmond,England,54.4032,-1.7374,Kiel,Germany,54.3233,10.1228"


def run(path, title="Wikipedia lists, February 2026", **options):
    return import_pairs(path=path, source_title=title, snapshot_date=dt.date(2026, 2, 1), actor=ACTOR, **options)


@pytest.fixture
def between_matching_and_writing(monkeypatch):
    """Run `action` once, after the import has matched its names and before it writes them."""

    def install(action) -> None:
        places_for = imports.services._places_for

        def hooked(*args, **kwargs):
            monkeypatch.setattr(imports.services, "_places_for", places_for)
            action()
            return places_for(*args, **kwargs)

        monkeypatch.setattr(imports.services, "_places_for", hooked)

    return install


def test_an_open_name_given_coordinates_is_matched_again(gazetteer, write_csv):
    run(write_csv(["Richmond,England,Kiel,Germany"], name="raw.csv"))
    assert NameResolution.objects.get(name="Richmond").outcome == Outcome.AMBIGUOUS

    run(write_csv([RICHMOND_NORTH_YORKSHIRE], header=GEOCODED, name="geo.csv"), file_format="geocoded")

    richmond = NameResolution.objects.get(name="Richmond")
    assert richmond.outcome == Outcome.MATCHED and richmond.place.latitude > 54
    assert Link.objects.count() == 1


def test_a_moderators_choice_made_while_the_import_matches_is_kept(gazetteer, write_csv, between_matching_and_writing):
    run(write_csv(["Richmond,England,Kiel,Germany"], name="raw.csv"))
    richmond = NameResolution.objects.get(name="Richmond")
    # The moderator picks a Richmond the coordinates do not point at.
    other = next(c["geonames_id"] for c in richmond.candidates if c["latitude"] < 54)
    between_matching_and_writing(lambda: resolution_choose(actor=ACTOR, resolution=richmond, geonames_id=other))

    run(write_csv([RICHMOND_NORTH_YORKSHIRE], header=GEOCODED, name="geo.csv"), file_format="geocoded")

    richmond.refresh_from_db()
    assert (richmond.outcome, richmond.place.geonames_id) == (Outcome.CHOSEN, other)
    link = Link.objects.get()  # the held pair, released by the choice, then listed by the geocoded file
    assert {p.place.geonames_id for p in link.parties.all()} >= {other}


def test_names_another_import_wrote_while_this_one_matched_are_used_not_written_twice(
    gazetteer, write_csv, between_matching_and_writing
):
    path = write_csv(["Coventry,England,Kiel,Germany", "Coventry,England,Dresden,Germany"])
    between_matching_and_writing(lambda: run(path))

    report = run(path).as_dict()

    assert NameResolution.objects.count() == 3
    assert Link.objects.count() == 2
    assert (report["links_created"], report["links_unchanged"]) == (0, 2)
