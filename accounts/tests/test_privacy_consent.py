"""The privacy notice, and consent to it: required at sign-up, recorded with the notice's version
and the date, and asked again on the account page when a new version is published."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model

from accounts import privacy
from accounts.privacy_models import Consent, ConsentScope
from accounts.testing import PASSWORD, account_create

pytestmark = pytest.mark.django_db


def signup_form(client, **extra: str) -> dict[str, str]:
    page = client.get("/accounts/signup/")
    started = re.search(r'name="started" value="([^"]+)"', page.content.decode()).group(1)
    return {"email": "secretary@example.org", "password1": PASSWORD, "password2": PASSWORD, "started": started} | extra


@pytest.fixture
def new_version(monkeypatch):
    """Publish version 2 of the notice, as a deploy with an edited notice would."""
    notice = privacy.PrivacyNotice(version="2", published_on=dt.date(2027, 3, 1))
    monkeypatch.setattr(privacy, "NOTICE", notice)
    return notice


def test_the_notice_says_what_we_hold_why_for_how_long_who_sees_it_and_what_you_can_do(client, settings):
    settings.PRIVACY_CONTACT_EMAIL = "privacy@hub.example.org"
    page = client.get("/privacy")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Version {privacy.NOTICE.version}, published 22 November 2026" in text
    for heading in ("What we hold", "Why we hold it (lawful bases)", "How long we keep it", "Who sees what"):
        assert heading in text
    for held in ("Your email address", "Your roles", "Your changes and their sources", "contact forms"):
        assert held in text
    assert f"deleted after {settings.UNVERIFIED_ACCOUNT_DAYS} days" in text
    assert 'href="/account/#your-data"' in text and 'href="/account/erase"' in text
    assert 'href="mailto:privacy@hub.example.org"' in text
    assert "<script" not in text and "style=" not in text


def test_every_page_links_to_the_notice_from_its_footer(client):
    assert '<a href="/privacy">Privacy notice</a>' in client.get("/accounts/login/").content.decode()


def test_sign_up_is_refused_until_the_box_is_ticked_and_nothing_is_created(client):
    page = client.get("/accounts/signup/").content.decode()
    assert 'I have read the <a href="/privacy">privacy notice</a>' in page
    form = signup_form(client)
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=10)):
        answer = client.post("/accounts/signup/", form)
    assert answer.status_code == 200
    assert "Tick the box to say you have read the privacy notice" in answer.content.decode()
    assert not get_user_model().objects.exists()
    assert not Consent.objects.exists()


def test_signing_up_records_which_version_of_the_notice_was_read_and_when(client):
    shown_at = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    with time_machine.travel(shown_at, tick=False) as clock:
        form = signup_form(client, privacy_notice="on")
        clock.shift(dt.timedelta(seconds=10))
        answer = client.post("/accounts/signup/", form)
    assert answer.status_code == 302
    user = get_user_model().objects.get(email="secretary@example.org")
    consent = Consent.objects.get(user=user)
    assert consent.notice_version == privacy.NOTICE.version
    assert consent.given_at == shown_at + dt.timedelta(seconds=10)
    assert consent.covers == ConsentScope.ACCOUNT
    assert not privacy.consent_needed(user)


def test_a_new_version_is_offered_on_the_account_page_until_it_is_accepted(client, new_version):
    person = account_create("secretary@example.org")
    Consent.objects.create(user=person, notice_version="1")
    client.force_login(person)

    page = client.get("/account/").content.decode()
    assert "Please read our privacy notice" in page
    assert "version 2, published 1 March 2027" in page
    assert "Version 2, published 1 March 2027" in client.get("/privacy").content.decode()
    assert "Please read our privacy notice" not in client.get("/accounts/email/").content.decode(), "no nagging"

    answer = client.post("/account/privacy-notice/accept", follow=True)
    assert answer.redirect_chain[-1][0] == "/account/"
    assert "you have accepted version 2 of the privacy notice" in answer.content.decode()
    assert "Please read our privacy notice" not in answer.content.decode()
    assert sorted(Consent.objects.filter(user=person).values_list("notice_version", flat=True)) == ["1", "2"]


def test_an_account_that_never_accepted_any_version_is_asked(client):
    person = account_create("founder@example.org")  # as createsuperuser or an older sign-up leaves it
    client.force_login(person)
    assert "Please read our privacy notice" in client.get("/account/").content.decode()


def test_accepting_twice_keeps_the_first_time_and_a_get_changes_nothing(client):
    person = account_create("secretary@example.org")
    client.force_login(person)
    assert client.get("/account/privacy-notice/accept").status_code == 405
    assert not Consent.objects.exists()
    client.post("/account/privacy-notice/accept")
    first = Consent.objects.get(user=person)
    client.post("/account/privacy-notice/accept")
    assert list(Consent.objects.filter(user=person)) == [first]


def test_a_visitor_cannot_accept_on_anyones_behalf(client):
    answer = client.post("/account/privacy-notice/accept")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    assert not Consent.objects.exists()
