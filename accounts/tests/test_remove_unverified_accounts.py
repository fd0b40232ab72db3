"""`manage.py remove_unverified_accounts`: accounts nobody confirmed are deleted once old enough,
and only those that never did anything; --dry-run lists them and deletes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.models import Role
from accounts.privacy import consent_record
from accounts.privacy_models import Consent
from accounts.testing import account_create
from audit.models import ChangeAction
from audit.services import Actor, change_record

pytestmark = pytest.mark.django_db


def aged(days: int):
    """Travel back `days` days, as when the accounts made inside were signed up."""
    return time_machine.travel(dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=days), tick=False)


@pytest.fixture
def accounts(make_place):
    coventry = make_place("Coventry", "GB")
    with aged(20):
        made = {
            "old unconfirmed": account_create("old@example.org", verified=False),
            "old confirmed": account_create("confirmed@example.org"),
            "old unconfirmed with a change": account_create("editor@example.org", verified=False),
            "old unconfirmed with a role": account_create(
                "officer@example.org", verified=False, role=Role.COUNCIL_OFFICER, place=coventry
            ),
            "old superuser without an address": get_user_model().objects.create_superuser(
                "founder", "", "a long founder password"
            ),
        }
        consent_record(user=made["old unconfirmed"])
        change_record(
            actor=Actor(user=made["old unconfirmed with a change"]),
            action=ChangeAction.UPDATE,
            target=coventry,
            summary="Corrected the name",
        )
    with aged(5):
        made["young unconfirmed"] = account_create("new@example.org", verified=False)
    return made


def left() -> set[str]:
    return set(get_user_model().objects.values_list("username", flat=True))


def test_only_old_unconfirmed_accounts_that_never_did_anything_are_removed(accounts, call_command_output, settings):
    settings.UNVERIFIED_ACCOUNT_DAYS = 14
    before = left()
    output = call_command_output("remove_unverified_accounts")

    assert "Removed 1 unverified account(s) older than 14 days." in output
    assert left() == before - {"old"}
    assert not EmailAddress.objects.filter(email="old@example.org").exists()
    assert not Consent.objects.filter(user_id=accounts["old unconfirmed"].pk).exists()
    assert call_command_output("remove_unverified_accounts").startswith("Removed 0 "), "running again changes nothing"


def test_a_dry_run_lists_them_and_deletes_nothing(accounts, call_command_output):
    before = left()
    output = call_command_output("remove_unverified_accounts", "--dry-run")
    assert f"account {accounts['old unconfirmed'].pk}: old@example.org, joined " in output
    assert "new@example.org" not in output and "editor@example.org" not in output
    assert "1 unverified account(s) older than 14 days would be removed (dry run)." in output
    assert left() == before


def test_days_on_the_command_line_and_in_settings(accounts, call_command_output, settings):
    settings.UNVERIFIED_ACCOUNT_DAYS = 30
    assert call_command_output("remove_unverified_accounts").startswith("Removed 0 ")
    assert "Removed 2 " in call_command_output("remove_unverified_accounts", "--days", "3")
    assert left() == {"confirmed", "editor", "officer", "founder"}


def test_zero_days_is_refused(db):
    with pytest.raises(CommandError, match="--days must be 1 or more"):
        call_command("remove_unverified_accounts", "--days", "0")
