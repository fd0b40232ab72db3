import pytest
from django.core.exceptions import ValidationError

from audit.models import ChangeRecord
from core.versioning import EditConflict
from places.models import Place
from places.services import institution_create, institution_update, place_update


def test_a_place_edit_is_logged_and_a_stale_one_refused(make_place, actor):
    place = make_place("Testford", "GB", subdivision="GB-ENG", geonames_id=123)
    stale = Place.objects.get(pk=place.pk)
    place_update(actor=actor, place=place, expected_version=1, population=50_000, geonames_id=456)
    assert Place.objects.get(pk=place.pk).geonames_id == 456
    log = ChangeRecord.objects.get(summary="Edited place Testford")
    assert log.changes == {"geonames_id": [123, 456], "population": [None, 50000]}
    with pytest.raises(EditConflict):
        place_update(actor=actor, place=stale, expected_version=1, population=1)
    assert Place.objects.get(pk=place.pk).population == 50_000


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"country": "XX"}, "'XX' is not an ISO 3166-1 country code"),
        ({"country": "GB", "subdivision": "FR-IDF"}, "is in France, not United Kingdom"),
        ({"country": "GB", "latitude": 52.4}, "Give both latitude and longitude"),
    ],
)
def test_invalid_places_are_explained(make_place, fields, message):
    with pytest.raises(ValidationError, match=message):
        make_place("Nowhere", **fields)
    assert not Place.objects.filter(name="Nowhere").exists()


def test_renaming_an_institution_keeps_it_searchable(make_place, actor):
    school = institution_create(actor=actor, name="Testford Grammar", kind="school", place=make_place("Testford", "GB"))
    institution_update(actor=actor, institution=school, name="Testford Académie")
    school.refresh_from_db()
    assert (school.folded, school.version) == ("testford academie", 2)
