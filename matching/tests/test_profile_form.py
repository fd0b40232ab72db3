"""The profile form: made and edited through the page; each bad field gets its own plain error,
in the error summary and under the field, and nothing is saved."""

from __future__ import annotations

import pytest
from django.test import Client

from core.antibot import form_shown_token
from matching.models import SeekingProfile
from matching.tests.conftest import HEBDEN

pytestmark = pytest.mark.django_db


def good(world, **changes):
    data = {
        "seeker": "school",
        "name": "Hebden Bridge High School",
        "place_name": "hebden bridge",
        "place_country": "United Kingdom",
        "institution_name": "",
        "offers": ["schools", "language"],
        "wants": ["schools"],
        "exchanges": ["letters", "school"],
        "mode": "both",
        "traits": ["rural"],
        "size": "900",
        "languages": "English, fr",
        "preferred_countries": "SN, Ghana",
        "preferred_regions": ["AF"],
        "ruled_out_countries": "",
        "ruled_out_regions": [],
        "about": "A small school in a valley.",
        "contact_name": "Head of Languages",
        "contact_email": "languages@school.example",
        "contact_phone": "+44 1422 555 0199",
        "language": "en-gb",
        "website": "",
        "started": form_shown_token(),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_profile_is_made_from_the_form(world):
    client = Client()
    client.force_login(world.hebden_owner)
    client.get("/partners/new")
    response = client.post("/partners/new", good(world))
    profile = SeekingProfile.objects.get(name="Hebden Bridge High School")
    assert response.status_code == 302 and response["Location"] == f"/partners/{profile.pk}/suggestions"
    assert profile.place == world.hebden.place and profile.owner == world.hebden_owner
    assert profile.languages == ["en", "fr"] and profile.preferred_countries == ["GH", "SN"]
    assert profile.offers == ["language", "schools"] and profile.size == 900


BAD = [
    ("seeker", "", "Say who is seeking partners"),
    ("name", "", "Enter the name partners will see."),
    ("name", "Two\nlines", "must be one line of plain text"),
    ("name", "Edit", "Give a fuller name"),
    ("place_name", "Atlantis", "We found no place called 'Atlantis' in United Kingdom."),
    ("place_country", "Narnia", "'Narnia' is not a country we know."),
    ("institution_name", "Hogwarts", "No organisation called 'Hogwarts' is recorded in Hebden Bridge."),
    ("offers", ["teleportation"], "Select a valid choice."),
    ("size", "lots", "Give the size as a whole number"),
    ("size", "0", "The size must be at least 1"),
    ("languages", "English, Klingon", "We do not know these languages: Klingon."),
    ("preferred_countries", "FR, Mordor", "We do not know these countries: Mordor."),
    ("ruled_out_countries", "SN", "You both prefer and rule out SN."),
    ("about", "x" * 2001, "Say it in at most 2000 characters"),
    ("contact_name", "", "Enter the name of the person partners should contact."),
    ("contact_email", "not an address", "Enter the email address in the form name@example.org."),
    ("contact_phone", "call me maybe", "Write the telephone number with digits"),
    ("language", "xx", "Select a valid choice."),
]


@pytest.mark.parametrize("field, value, message", BAD, ids=[f"{f}-{i}" for i, (f, _v, _m) in enumerate(BAD)])
def test_each_bad_field_gets_its_plain_error_and_nothing_is_saved(world, field, value, message):
    client = Client()
    client.force_login(world.hebden_owner)
    before = SeekingProfile.objects.count()
    response = client.post("/partners/new", good(world, **{field: value}))
    text = response.content.decode()
    assert response.status_code == 400
    assert SeekingProfile.objects.count() == before
    assert 'class="error-summary"' in text
    assert message in text.replace("&#x27;", "'"), text[text.find("error-summary") : text.find("error-summary") + 800]


def test_neither_offers_nor_wants_is_refused_by_the_model_rule(world):
    client = Client()
    client.force_login(world.hebden_owner)
    response = client.post("/partners/new", good(world, offers=[], wants=[]))
    assert response.status_code == 400
    assert "Choose at least one theme you offer or are looking for." in response.content.decode()
    assert not SeekingProfile.objects.filter(name="Hebden Bridge High School").exists()


def test_a_filled_honeypot_saves_nothing_and_says_nothing(world):
    client = Client()
    client.force_login(world.hebden_owner)
    response = client.post("/partners/new", good(world, website="http://spam.example"))
    assert response.status_code == 302
    assert not SeekingProfile.objects.filter(name="Hebden Bridge High School").exists()


def test_a_form_sent_faster_than_a_person_types_is_refused(world, settings):
    settings.FORM_MIN_SECONDS = 60
    client = Client()
    client.force_login(world.hebden_owner)
    form_page = client.get("/partners/new").content.decode()
    started = form_page.split('name="started" value="')[1].split('"')[0]
    response = client.post("/partners/new", good(world, started=started))
    assert response.status_code == 400
    assert "quicker than a person" in response.content.decode()


def test_two_places_of_one_name_ask_which(world, make_place):
    make_place("Hebden Bridge", "GB", subdivision="GB-SCT", population=10)
    client = Client()
    client.force_login(world.hebden_owner)
    response = client.post("/partners/new", good(world))
    assert response.status_code == 400
    assert "Several places are called" in response.content.decode()
    response = client.post("/partners/new", good(world, place=str(world.hebden.place.pk)))
    assert response.status_code == 302


def test_an_unverified_account_is_told_to_confirm_its_address(db):
    from accounts.testing import account_create

    client = Client()
    client.force_login(account_create("new@example.org", verified=False))
    response = client.get("/partners/new")
    assert response.status_code == 403
    assert "Confirm your email address first" in response.content.decode()


def test_edit_shows_the_profile_and_a_stale_edit_is_refused(world):
    client = Client()
    client.force_login(world.hebden_owner)
    page = client.get(f"/partners/{world.hebden.pk}/edit").content.decode()
    assert HEBDEN["contact_email"] in page and "Hebden Bridge Twinning Association" in page
    data = good(world, name="Hebden Bridge Twinners", edit_version=str(world.hebden.version))
    assert client.post(f"/partners/{world.hebden.pk}/edit", data).status_code == 302
    stale = client.post(f"/partners/{world.hebden.pk}/edit", good(world, name="Lost", edit_version="1"))
    assert stale.status_code == 400
    assert "changed by someone else" in stale.content.decode()
    world.hebden.refresh_from_db()
    assert world.hebden.name == "Hebden Bridge Twinners"


def test_only_the_owner_edits(world):
    client = Client()
    client.force_login(world.stranger)
    assert client.get(f"/partners/{world.hebden.pk}/edit").status_code == 403
    response = client.post(f"/partners/{world.hebden.pk}/edit", good(world, name="Taken over"))
    assert response.status_code == 403
    world.hebden.refresh_from_db()
    assert world.hebden.name == "Hebden Bridge Twinning Association"
