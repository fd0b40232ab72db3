"""The reminder on the day an owner chose to look at a review again: to its owner's people only, once,
and never with the answers in it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role, RoleGrant
from accounts.testing import account_create
from audit.services import Actor
from core.partial_dates import PartialDate
from disputes.services import review_create, review_update, summary_publish
from disputes.tests.conftest import SECRET
from links.services import link_remove

TODAY = dt.date(2031, 5, 12)


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2031, 5, 12, 7, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def _due(review, editor, day=TODAY):
    return review_update(actor=Actor(user=editor), review=review, expected_version=review.version, next_review_on=day)


def _run() -> None:
    call_command("send_dispute_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_review_due_today_reminds_its_association_editors_once_even_if_the_command_runs_twice(clock, town, review):
    second_editor = account_create("second@example.org", role=Role.ASSOCIATION_EDITOR, association=town.association)
    review = _due(review, town.editor)
    mail.outbox.clear()
    _run()
    _run()
    assert _to() == ["editor@example.org", "second@example.org"]
    message = mail.outbox[0]
    assert "Testford – Ivanograd" in message.body and "is due to be looked at again today" in message.body
    assert f"/disputes/{review.pk}/" in message.body
    started = timezone.localdate(review.created_at).strftime("%-d %B %Y")
    assert f"started on {started}" in message.body
    assert second_editor.pk


def test_the_email_carries_nothing_of_the_review_but_its_link_and_start(clock, town, review):
    review = summary_publish(actor=Actor(user=town.editor), review=review, summary="We stay friends with the people.")
    _due(review, town.editor)
    mail.outbox.clear()
    _run()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    text = message.subject + message.body
    for private in (
        SECRET,
        "They asked for books",
        "closed the independent newspaper",
        "We stay friends",
        "people-to-people",
    ):
        assert private not in text


def test_a_council_review_reminds_the_places_officers_and_nobody_else(clock, town):
    review = review_create(
        actor=Actor(user=town.officer),
        link=town.link,
        place=town.testford,
        what_happened="Protesters were jailed",
        when=PartialDate.parse("2030-03"),
        next_review_on=TODAY,
    )
    account_create("ivanograd-officer@example.org", role=Role.COUNCIL_OFFICER, place=town.ivanograd)
    mail.outbox.clear()
    _run()
    assert _to() == ["officer@example.org"]
    assert review.pk


def test_moderators_admins_other_editors_and_revoked_editors_never_get_it(clock, town, review):
    former = account_create("former@example.org", role=Role.ASSOCIATION_EDITOR, association=town.association)
    RoleGrant.objects.filter(user=former).update(revoked_at=timezone.now())
    _due(review, town.editor)
    mail.outbox.clear()
    _run()
    assert _to() == ["editor@example.org"]
    for outsider in ("moderator@example.org", "admin@example.org", "other@example.org", "former@example.org"):
        assert outsider not in _to()


def test_a_review_not_due_today_sends_nothing(clock, town, review):
    _due(review, town.editor, TODAY + dt.timedelta(days=1))
    other = review_create(
        actor=Actor(user=town.editor),
        link=town.link,
        association=town.association,
        what_happened="Elections were cancelled",
        when=PartialDate.parse("2030"),
    )
    mail.outbox.clear()
    _run()
    assert mail.outbox == [] and other.next_review_on is None


def test_moving_the_date_brings_a_new_reminder_on_the_new_day(clock, town, review):
    review = _due(review, town.editor)
    _run()
    assert len(mail.outbox) == 1
    review = _due(review, town.editor, TODAY + dt.timedelta(days=7))
    clock.move_to(dt.datetime(2031, 5, 19, 7, 0, tzinfo=dt.UTC))
    _run()
    _run()
    assert len(mail.outbox) == 2


def test_a_reminder_enqueued_for_a_day_the_owner_has_since_moved_sends_nothing(clock, town, review):
    from disputes.reminders import reminder_send

    review = _due(review, town.editor)
    _due(review, town.editor, TODAY + dt.timedelta(days=3))
    mail.outbox.clear()
    assert reminder_send(review_id=review.pk, due_on=TODAY.isoformat()) == 0
    assert mail.outbox == []


def test_a_review_of_a_removed_link_is_not_reminded_about(clock, town, review, actor):
    _due(review, town.editor)
    link_remove(actor=actor, link=town.link, reason="A duplicate")
    mail.outbox.clear()
    _run()
    assert mail.outbox == []


def test_an_editor_whose_association_no_longer_runs_the_link_is_not_reminded(clock, town, review):
    """They could not open the review's page, so the email would lead nowhere."""
    _due(review, town.editor)
    town.association.links.remove(town.link)
    mail.outbox.clear()
    _run()
    assert mail.outbox == []


def test_whether_its_summary_is_published_makes_no_difference(clock, town, review):
    """The reminder is about the private review: never published, published, or unpublished, it comes."""
    from disputes.services import summary_unpublish

    review = summary_publish(actor=Actor(user=town.editor), review=review, summary="We stay friends.")
    review = summary_unpublish(actor=Actor(user=town.editor), review=review, expected_version=review.version)
    _due(review, town.editor)
    mail.outbox.clear()
    _run()
    assert _to() == ["editor@example.org"]
