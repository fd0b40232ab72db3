"""Sign up, confirm the address, sign in, reset a password, and the second factor: the journeys
of the accounts pages through Django's test client, with the emails they send."""

from __future__ import annotations

import re
import time

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail

from accounts.policy import roles_of
from accounts.testing import PASSWORD, account_create, totp_code

pytestmark = pytest.mark.django_db


def signup_form(client) -> dict[str, str]:
    page = client.get("/accounts/signup/")
    assert page.status_code == 200
    started = re.search(r'name="started" value="([^"]+)"', page.content.decode()).group(1)
    return {
        "email": "secretary@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "started": started,
        "privacy_notice": "on",  # "I have read the privacy notice" (accounts/tests/test_privacy_consent.py)
    }


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_sign_up_confirm_the_address_then_sign_in(client):
    form = signup_form(client)
    with time_machine.travel(time.time() + 10):
        answer = client.post("/accounts/signup/", form)
    assert answer.status_code == 302
    user = get_user_model().objects.get(email="secretary@example.org")
    assert not roles_of(user).contributor, "an address nobody has confirmed makes no contributor"

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["secretary@example.org"]
    confirm = link_in(mail.outbox[0])
    page = client.get(confirm)
    assert "secretary@example.org" in page.content.decode()
    client.post(confirm)
    user = get_user_model().objects.get(pk=user.pk)
    assert roles_of(user).contributor

    client.logout()
    answer = client.post("/accounts/login/", {"login": "secretary@example.org", "password": PASSWORD}, follow=True)
    assert answer.redirect_chain[-1][0] == "/account/"
    assert "Your roles: contributor" in answer.content.decode()


def test_a_form_sent_back_faster_than_a_person_can_type_is_refused_and_nothing_is_created(client):
    form = signup_form(client)
    answer = client.post("/accounts/signup/", form)
    assert answer.status_code == 200
    assert "quicker than a person can fill in the form" in answer.content.decode()
    assert not get_user_model().objects.filter(email="secretary@example.org").exists()
    assert mail.outbox == []


def test_a_bot_that_fills_in_the_hidden_field_is_sent_away_without_an_account(client):
    form = signup_form(client) | {"website": "http://spam.example"}
    with time_machine.travel(time.time() + 10):
        client.post("/accounts/signup/", form)
    assert not get_user_model().objects.filter(email="secretary@example.org").exists()
    assert mail.outbox == []


def test_a_forged_or_stale_form_token_is_refused_with_a_next_step(client):
    form = signup_form(client) | {"started": "not-a-token"}
    answer = client.post("/accounts/signup/", form)
    assert "Reload the page and try again" in answer.content.decode()
    assert not get_user_model().objects.exists()


def test_sign_ups_are_rate_limited_per_ip_address(client, settings):
    for n in range(6):
        form = signup_form(client) | {"email": f"person{n}@example.org"}
        with time_machine.travel(time.time() + 10):
            answer = client.post("/accounts/signup/", form)
        client.logout()
    assert answer.status_code == 429
    assert get_user_model().objects.count() == 5


def test_an_unconfirmed_account_cannot_sign_in_until_it_confirms(client):
    account_create("new@example.org", verified=False, password=PASSWORD)
    answer = client.post("/accounts/login/", {"login": "new@example.org", "password": PASSWORD}, follow=True)
    assert "_auth_user_id" not in client.session
    assert "verify" in answer.content.decode().lower() or "confirm" in answer.content.decode().lower()
    assert len(mail.outbox) == 1, "it sends the confirmation link again"


def test_a_forgotten_password_is_reset_by_email(client):
    account_create("officer@example.org", password=PASSWORD)
    client.post("/accounts/password/reset/", {"email": "officer@example.org"})
    assert len(mail.outbox) == 1
    reset = client.get(link_in(mail.outbox[0]), follow=True)
    form_url = reset.redirect_chain[-1][0] if reset.redirect_chain else link_in(mail.outbox[0])
    new = "another long password for the hub"
    client.post(form_url, {"password1": new, "password2": new})
    assert client.post("/accounts/login/", {"login": "officer@example.org", "password": new}).status_code == 302
    assert "_auth_user_id" in client.session


def test_an_admin_signs_in_with_a_code_from_their_authenticator_app(client):
    admin = account_create("admin@example.org", role="admin", second_factor=True, password=PASSWORD)
    answer = client.post("/accounts/login/", {"login": "admin@example.org", "password": PASSWORD})
    assert answer.status_code == 302 and "/2fa/authenticate" in answer["Location"]
    assert "_auth_user_id" not in client.session, "a password alone does not sign an admin in"

    wrong = client.post(answer["Location"], {"code": "000000" if totp_code(admin) != "000000" else "111111"})
    assert "_auth_user_id" not in client.session
    assert wrong.status_code == 200

    client.post(answer["Location"], {"code": totp_code(admin)})
    assert client.session["_auth_user_id"] == str(admin.pk)
    assert roles_of(get_user_model().objects.get(pk=admin.pk)).admin


def test_an_admin_without_a_second_factor_is_shown_how_to_set_one_up(client):
    admin = account_create("admin@example.org", role="admin")
    client.force_login(admin)
    page = client.get("/account/").content.decode()
    assert "Set up your second factor to use your admin role" in page
    assert 'href="/accounts/2fa/totp/activate/"' in page


def test_the_admin_site_signs_people_in_through_the_same_page(client):
    answer = client.get("/admin/")
    assert answer.status_code == 302
    login = client.get(answer["Location"])
    assert login.status_code == 302 and login["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_guessing_a_password_is_cut_short_even_for_the_right_one_afterwards(client):
    account_create("officer@example.org", password=PASSWORD)
    for _ in range(5):
        client.post("/accounts/login/", {"login": "officer@example.org", "password": "wrong guess"})
    answer = client.post("/accounts/login/", {"login": "officer@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in answer.content.decode()
