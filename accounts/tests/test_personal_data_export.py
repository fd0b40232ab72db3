"""Downloading your data (UK GDPR, the right of access): everything the hub holds about you, in one
JSON file, nothing about anyone else, logged as a privileged action; other apps add their parts."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts import personal_data
from accounts.models import Role
from accounts.privacy import consent_record
from accounts.services import role_grant
from accounts.testing import account_create
from api.tokens import api_token_create
from audit.models import PrivilegedAction, PrivilegedKind
from audit.services import Actor
from places.services import place_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    """A moderator who made a change, and another moderator who made another; an admin granted both roles."""
    boss = account_create("boss@example.org", role=Role.ADMIN, second_factor=True)
    person = account_create("secretary@example.org")
    other = account_create("neighbour@example.org")
    for account in (person, other):
        role_grant(actor=Actor(user=boss), user=account, role=Role.MODERATOR, reason=f"asked by {account.email}")
        consent_record(user=account)
    place_create(actor=Actor(user=person), name="Coventry", country="GB")
    place_create(actor=Actor(user=other), name="Volgograd", country="RU")
    token, key = api_token_create(user=person, name="council import script")
    person.api_key = key  # shown once, never stored
    return person, other, boss


def download(client, user) -> tuple[object, dict]:
    client.force_login(user)
    answer = client.post("/account/data.json")
    return answer, json.loads(answer.content)


def test_the_download_holds_the_persons_account_roles_consents_and_changes(client, people):
    person, _, _ = people
    answer, data = download(client, person)

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    assert answer["Content-Disposition"].startswith('attachment; filename="twinning-hub-my-data-')
    assert "no-store" in answer["Cache-Control"]
    assert data["account"]["email"] == "secretary@example.org"
    assert data["account"]["id"] == person.pk
    assert data["email_addresses"] == [{"email": "secretary@example.org", "verified": True, "primary": True}]
    assert [c["notice_version"] for c in data["consents"]] == ["1"]
    assert [(g["role"], g["granted_by"], g["reason"]) for g in data["role_grants"]] == [
        ("moderator", "a member of staff", "asked by secretary@example.org")
    ]
    assert [c["summary"] for c in data["changes"]] == ["Added place Coventry (United Kingdom)"]
    assert data["changes"][0]["target"]["type"] == "places.place"
    assert [t["name"] for t in data["api_tokens"]] == ["council import script"]
    about = [(entry["kind"], entry["by"]) for entry in data["privileged_actions_about_you"]]
    assert about == [("role granted", "a member of staff"), ("personal data exported", "you")]


def test_the_download_holds_no_secret_and_nothing_of_anyone_else(client, people):
    person, other, boss = people
    answer, data = download(client, person)
    text = answer.content.decode()

    assert "password" not in data["account"] and person.password not in text
    token = person.api_tokens.get()
    assert person.api_key not in text and token.key_hash not in text
    for someone_else in (other.email, other.username, boss.email, boss.username, "Volgograd"):
        assert someone_else not in text, f"{someone_else!r} belongs to another person"


def test_a_second_factor_is_listed_without_its_secret(client):
    admin = account_create("boss@example.org", role=Role.ADMIN, second_factor=True)
    answer, data = download(client, admin)
    assert [f["type"] for f in data["second_factors"]] == ["TOTP Authenticator"]
    assert admin.totp_secret not in answer.content.decode()


def test_each_download_is_logged_as_a_privileged_action(client, people):
    person, _, _ = people
    download(client, person)
    entry = PrivilegedAction.objects.get(kind=PrivilegedKind.DATA_EXPORT)
    assert (entry.actor_id, entry.subject_user_id) == (person.pk, person.pk)
    assert person.email not in entry.summary


def test_a_get_leads_to_the_button_and_downloads_nothing(client, people):
    person, _, _ = people
    client.force_login(person)
    answer = client.get("/account/data.json")
    assert answer.status_code == 302 and answer["Location"] == "/account/#your-data"
    assert not PrivilegedAction.objects.filter(kind=PrivilegedKind.DATA_EXPORT).exists()
    page = client.get("/account/").content.decode()
    assert 'action="/account/data.json"' in page and "Download your data (JSON)" in page


def test_another_site_cannot_make_a_browser_download_it_without_the_csrf_token(people):
    person, _, _ = people
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(person)
    assert browser.post("/account/data.json").status_code == 403
    assert not PrivilegedAction.objects.filter(kind=PrivilegedKind.DATA_EXPORT).exists()


def test_a_visitor_is_sent_to_sign_in(client):
    answer = client.post("/account/data.json")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


def test_another_app_adds_its_part_of_a_persons_data(client, people, monkeypatch):
    monkeypatch.setattr(personal_data, "_parts", dict(personal_data._parts))
    person, _, _ = people

    def letters_sent_by(user) -> list[dict]:
        return [{"to": "Coventry Twinning Association", "sender": user.email}]

    # (associations registers "contact_messages" itself: associations/tests/test_message_privacy.py)
    personal_data.register("letters", letters_sent_by)
    personal_data.register("letters", letters_sent_by)  # imported twice: harmless
    with pytest.raises(ValueError, match="already registered"):
        personal_data.register("letters", lambda user: [])

    _, data = download(client, person)
    assert data["letters"] == [{"to": "Coventry Twinning Association", "sender": "secretary@example.org"}]
