"""What the privacy notice promises about messages sent through an association's contact form:
deleted after CONTACT_REPORT_DAYS unless reported (then CONTACT_REPORT_DAYS after a moderator
marked them reviewed), in their sender's data download, and gone or anonymised when the sender
erases their account. Messages are matched to an account by its verified addresses only."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.privacy import account_erase
from accounts.testing import PASSWORD, account_create
from associations.models import ContactMessage
from associations.services import contact_message_report, contact_message_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def write(association, private_contact):
    """Send a message to the association through the service, `days_ago` days ago (as the clock
    then said), optionally reported `reported_days_ago` and reviewed `reviewed_days_ago`."""

    def make(
        body: str,
        *,
        email: str = "alex@example.com",
        name: str = "Alex Sender",
        days_ago: float = 0,
        sent: bool = True,
        reported_days_ago: float | None = None,
        reviewed_days_ago: float | None = None,
    ) -> ContactMessage:
        now = timezone.now()
        with time_machine.travel(now - dt.timedelta(days=days_ago), tick=False):
            message = contact_message_send(association=association, sender_name=name, sender_email=email, body=body)
        if sent:  # as the after-commit forwarding does (tests do not commit)
            ContactMessage.objects.filter(pk=message.pk).update(sent_at=message.created_at)
        if reported_days_ago is not None:
            with time_machine.travel(now - dt.timedelta(days=reported_days_ago), tick=False):
                contact_message_report(message=message, reason="abuse")
        if reviewed_days_ago is not None:
            ContactMessage.objects.filter(pk=message.pk).update(reviewed_at=now - dt.timedelta(days=reviewed_days_ago))
        return message

    return make


def bodies() -> set[str]:
    return set(ContactMessage.objects.values_list("body", flat=True))


# ---------------------------------------------------------------- remove_old_contact_messages


def test_the_command_deletes_old_unreported_and_long_reviewed_messages_only(write, settings, call_command_output):
    settings.CONTACT_REPORT_DAYS = 30
    write("old, never reported", days_ago=31)
    write("recent", days_ago=29)
    write("old, reported, waiting for a moderator", days_ago=200, reported_days_ago=190)
    write("old, reviewed long ago", days_ago=100, reported_days_ago=90, reviewed_days_ago=31)
    write("old, reviewed lately", days_ago=100, reported_days_ago=90, reviewed_days_ago=10)

    output = call_command_output("remove_old_contact_messages")

    assert "Deleted 2 contact message(s) older than 30 days." in output
    assert "1 reported message(s) are kept until a moderator marks them reviewed." in output
    assert bodies() == {"recent", "old, reported, waiting for a moderator", "old, reviewed lately"}


def test_a_message_forwarded_late_stays_while_its_report_link_still_works(write, call_command_output):
    message = write("written long ago, forwarded lately", days_ago=40, sent=False)
    ContactMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now() - dt.timedelta(days=5))
    write("written long ago, never forwarded", days_ago=40, sent=False)

    call_command_output("remove_old_contact_messages")

    assert bodies() == {"written long ago, forwarded lately"}


def test_days_can_be_given_and_a_dry_run_deletes_nothing(write, call_command_output):
    write("ten days old", days_ago=10)
    write("two days old", days_ago=2)

    output = call_command_output("remove_old_contact_messages", "--days", "7", "--dry-run")
    assert "1 contact message(s) older than 7 days would be deleted (dry run)." in output
    assert bodies() == {"ten days old", "two days old"}

    assert "Deleted 1 contact message(s) older than 7 days." in call_command_output(
        "remove_old_contact_messages", "--days", "7"
    )
    assert bodies() == {"two days old"}
    with pytest.raises(CommandError, match="1 or more"):
        call_command("remove_old_contact_messages", "--days", "0")


def test_a_moderator_marks_reported_messages_reviewed_in_the_admin(client, write, moderator, editor):
    reported = write("spam", reported_days_ago=0)
    unreported = write("hello")
    changelist = reverse("admin:associations_contactmessage_changelist")
    form = {"action": "mark_reviewed", "_selected_action": [reported.pk, unreported.pk]}

    client.force_login(editor)  # not a moderator: the admin is closed to them
    client.post(changelist, form)
    assert ContactMessage.objects.filter(reviewed_at__isnull=False).count() == 0

    client.force_login(moderator)
    waiting = client.get(changelist + "?reported=waiting").content.decode()
    assert "Mark reviewed" in waiting and f"/{reported.pk}/change/" in waiting
    answer = client.post(changelist, form, follow=True)
    assert "Marked 1 reported message(s) reviewed." in answer.content.decode()
    reported.refresh_from_db()
    unreported.refresh_from_db()
    assert reported.reviewed_at is not None and unreported.reviewed_at is None
    assert f"/{reported.pk}/change/" not in client.get(changelist + "?reported=waiting").content.decode()


# ---------------------------------------------------------------- the data download


@pytest.fixture
def alex(db):
    """An account with a second verified address and an unconfirmed third one."""
    user = account_create("alex@example.com")
    EmailAddress.objects.create(user=user, email="alex.work@example.org", verified=True, primary=False)
    EmailAddress.objects.create(user=user, email="not-yet-alex@example.net", verified=False, primary=False)
    return user


def test_the_download_holds_the_persons_messages_and_nobody_elses(client, write, alex, association):
    write("From my home address", email="Alex@Example.com", days_ago=3)
    write("From my work address", email="alex.work@example.org", name="Alex at work", reported_days_ago=1)
    write("From an address I have not confirmed", email="not-yet-alex@example.net")
    write("From someone else", email="sam@example.com", name="Sam Other")

    client.force_login(alex)
    answer = client.post("/account/data.json")

    assert answer.status_code == 200
    data = json.loads(answer.content)
    assert [(m["to_association"], m["your_name"], m["your_email"], m["message"]) for m in data["contact_messages"]] == [
        (association.name, "Alex Sender", "Alex@Example.com", "From my home address"),
        (association.name, "Alex at work", "alex.work@example.org", "From my work address"),
    ]
    assert all(m["sent_at"] for m in data["contact_messages"])
    text = answer.content.decode()
    assert "Sam Other" not in text and "sam@example.com" not in text and "not confirmed" not in text
    assert "abuse" not in text  # the report is the association's, not part of the sender's data


def test_an_account_with_no_verified_address_gets_no_messages(client, write):
    unconfirmed = account_create("someone@example.com", verified=False)
    write("Sent by whoever owns someone@example.com", email="someone@example.com")
    client.force_login(unconfirmed)
    assert json.loads(client.post("/account/data.json").content)["contact_messages"] == []


# ---------------------------------------------------------------- erasure


def test_erasing_the_account_deletes_its_messages_and_keeps_reported_ones_without_the_sender(
    write, alex, call_command_output
):
    write("Unreported, from home", email="alex@example.com")
    write("Unreported, from work", email="ALEX.WORK@example.org")
    reported = write("Reported, from work", email="alex.work@example.org", reported_days_ago=0)
    write("From an address I have not confirmed", email="not-yet-alex@example.net")
    others = write("From someone else", email="sam@example.com", name="Sam Other")

    account_erase(user=alex, password=PASSWORD)

    assert bodies() == {"Reported, from work", "From an address I have not confirmed", "From someone else"}
    reported.refresh_from_db()
    assert (reported.sender_name, reported.sender_email, reported.reported_at is not None) == ("", "", True)
    assert "erased their account" in str(reported)
    others.refresh_from_db()
    assert (others.sender_name, others.sender_email) == ("Sam Other", "sam@example.com")

    # The moderators deal with the report; the command deletes it in its turn.
    ContactMessage.objects.filter(pk=reported.pk).update(reviewed_at=timezone.now() - dt.timedelta(days=31))
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        call_command_output("remove_old_contact_messages")
    assert not ContactMessage.objects.filter(pk=reported.pk).exists()


def test_a_wrong_password_erases_no_message(write, alex):
    from django.core.exceptions import ValidationError

    write("Unreported, from home", email="alex@example.com")
    with pytest.raises(ValidationError):
        account_erase(user=alex, password="not the password")
    assert bodies() == {"Unreported, from home"}
