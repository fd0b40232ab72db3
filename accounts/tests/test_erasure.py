"""Erasing your account (UK GDPR, the right to erasure): everything that says who you were goes,
what you contributed stays, shown as by "a former member"; a wrong password changes nothing."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.models import Role, RoleGrant
from accounts.policy import roles_of
from accounts.privacy import FORMER_MEMBER, consent_record
from accounts.privacy_models import Erasure
from accounts.testing import PASSWORD, account_create
from api.tokens import api_token_create
from audit.models import ChangeRecord, PrivilegedAction, PrivilegedKind
from audit.services import Actor
from places.services import place_create

pytestmark = pytest.mark.django_db

EMAIL = "secretary@example.org"


@pytest.fixture
def person(db):
    """A moderator with a second factor, an API token, a consent and one change to the registry."""
    user = account_create(EMAIL, role=Role.MODERATOR, second_factor=True)
    user.first_name, user.last_name = "Ada", "Secretary"
    user.save()
    consent_record(user=user)
    place_create(actor=Actor(user=user), name="Coventry", country="GB")
    api_token_create(user=user, name="council import script")
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def state_of(user) -> dict[str, object]:
    """Everything erasure would change, to compare before and after."""
    fresh = get_user_model().objects.get(pk=user.pk)
    return {
        "account": (fresh.username, fresh.email, fresh.first_name, fresh.is_active, fresh.is_staff, fresh.password),
        "emails": list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)),
        "second factors": Authenticator.objects.filter(user=user).count(),
        "live roles": RoleGrant.objects.filter(user=user, revoked_at=None).count(),
        "live tokens": user.api_tokens.filter(revoked_at=None).count(),
        "sessions": Session.objects.count(),
        "erasures": Erasure.objects.count(),
        "log": PrivilegedAction.objects.count(),
    }


def test_the_page_says_what_happens_and_asks_for_the_password(person):
    page = signed_in(person).get("/account/erase").content.decode()
    assert "This cannot be undone" in page
    assert 'shown as made by "a former member"' in page
    assert 'type="password"' in page and 'autocomplete="current-password"' in page
    assert "csrfmiddlewaretoken" in page
    assert "<script" not in page and "style=" not in page
    assert 'href="/account/erase"' in signed_in(person).get("/account/").content.decode()


def test_erasing_removes_what_identified_the_person_and_signs_them_out_everywhere(person):
    browser, phone = signed_in(person), signed_in(person)
    answer = browser.post("/account/erase", {"password": PASSWORD}, follow=True)

    assert answer.redirect_chain == [("/account/erased", 302)]
    assert "Your account has been erased" in answer.content.decode()
    assert "_auth_user_id" not in browser.session
    left = [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(person.pk)]
    assert left == [], "no stored session of the account is left, the phone's included"
    assert phone.get("/account/")["Location"].startswith("/accounts/login/"), "signed out on every device"

    erased = get_user_model().objects.get(pk=person.pk)
    assert erased.username == f"former-member-{person.pk}"
    assert (erased.email, erased.first_name, erased.last_name) == ("", "", "")
    assert not erased.is_active and not erased.is_staff and not erased.has_usable_password()
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not Authenticator.objects.filter(user=person).exists()
    assert not RoleGrant.objects.filter(user=person, revoked_at=None).exists()
    assert RoleGrant.objects.filter(user=person).exists(), "the ended grant stays on record"
    assert not person.api_tokens.filter(revoked_at=None).exists()
    assert roles_of(erased).labels() == ["visitor"]
    assert Erasure.objects.filter(user=person).exists()


def test_contributions_stay_and_are_shown_as_by_a_former_member(person):
    change = ChangeRecord.objects.get(actor=person)
    assert change.who == "secretary"
    signed_in(person).post("/account/erase", {"password": PASSWORD})

    change = ChangeRecord.objects.get(pk=change.pk)
    assert change.actor_id == person.pk and change.summary == "Added place Coventry (United Kingdom)"
    assert change.who == FORMER_MEMBER == "a former member"
    assert FORMER_MEMBER in str(change)


def test_the_erasure_is_logged_without_the_erased_address(person):
    signed_in(person).post("/account/erase", {"password": PASSWORD})
    erasure = PrivilegedAction.objects.get(kind=PrivilegedKind.ERASURE)
    assert (erasure.actor_id, erasure.subject_user_id) == (person.pk, person.pk)
    revoked = PrivilegedAction.objects.get(kind=PrivilegedKind.ROLE_REVOKE)
    assert revoked.subject_user_id == person.pk and "moderator" in revoked.summary
    for entry in PrivilegedAction.objects.all():
        assert EMAIL not in f"{entry.summary} {entry.reason}" and "secretary" not in entry.summary


def test_an_erased_account_cannot_sign_in_again_and_the_address_may_sign_up_afresh(person, client):
    signed_in(person).post("/account/erase", {"password": PASSWORD})
    client.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    fresh = account_create(EMAIL)
    assert fresh.pk != person.pk and not ChangeRecord.objects.filter(actor=fresh).exists()


def test_a_wrong_password_leaves_everything_as_it_was(person):
    browser = signed_in(person)
    before = state_of(person)
    for wrong in ("", "not my password"):
        answer = browser.post("/account/erase", {"password": wrong})
        assert answer.status_code == 200
    page = answer.content.decode()
    assert "Your account was not erased" in page
    assert "That is not this account&#x27;s password" in page
    assert state_of(person) == before
    assert browser.session["_auth_user_id"] == str(person.pk), "still signed in"
    assert ChangeRecord.objects.get(actor=person).who == "secretary"


def test_guessing_the_password_is_cut_short(person):
    browser = signed_in(person)
    before = state_of(person)
    for _ in range(5):
        browser.post("/account/erase", {"password": "a guess"})
    answer = browser.post("/account/erase", {"password": PASSWORD})
    assert answer.status_code == 429
    assert "Too many tries with the wrong password. Wait" in answer.content.decode()
    assert state_of(person) == before


def test_a_visitor_is_sent_to_sign_in_and_nothing_is_erased(client, person):
    answer = client.post("/account/erase", {"password": PASSWORD})
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    assert not Erasure.objects.exists()


def test_a_deactivated_but_not_erased_account_keeps_its_name_on_its_changes(person):
    person.is_active = False
    person.save()
    assert ChangeRecord.objects.get(actor=person).who == "secretary"


def test_the_privileged_log_and_the_admin_name_an_erased_actor_a_former_member(person):
    signed_in(person).post("/account/erase", {"password": PASSWORD})
    admin = account_create("boss@example.org", role=Role.ADMIN, second_factor=True)
    page = signed_in(admin).get("/account/privileged-log").content.decode()
    assert "a former member" in page and "secretary" not in page
    changes = signed_in(admin).get("/admin/audit/changerecord/").content.decode()
    assert "a former member" in changes
