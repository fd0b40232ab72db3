"""Recording activities and verifications: who may, what is refused in plain words, what the log and health keep."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import ChangeAction, ChangeRecord
from audit.services import Actor
from core.partial_dates import PartialDate
from core.versioning import EditConflict
from health.models import Activity, HealthState, LinkHealth, Verification
from health.services import activity_remove, activity_restore, activity_update, verification_record

NOW = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_association_editor_and_the_council_officer_record_activities_on_their_own_links(town, record):
    visit = record(
        town.link,
        "2025-09",
        by=Actor(user=town.editor),
        travelling_party=town.link.parties.get(place=town.testford),
        participants=24,
        participants_under_30=9,
        cost=Decimal("3500"),
        cost_currency="gbp",
    )
    assert visit.cost_currency == "GBP"
    record(town.other_link, "2025-10-02", by=Actor(user=town.officer), kind="online", title="Video call")
    created = ChangeRecord.objects.filter(action=ChangeAction.CREATE, target_id=visit.pk, actor=town.editor).get()
    assert created.changes["participants"] == 24
    assert LinkHealth.objects.get(link=town.link).state == HealthState.ACTIVE


@pytest.mark.parametrize("who", ["contributor", "editor", "officer"])
def test_others_are_refused_and_told_to_propose(town, record, who):
    link = town.foreign_link if who != "contributor" else town.link
    with pytest.raises(PermissionDenied, match="propose the change instead"):
        record(link, "2025-09", by=Actor(user=getattr(town, who)))
    assert not Activity.objects.exists()


def test_an_activity_in_the_future_or_before_the_link_began_is_refused_in_plain_words(town, record):
    with pytest.raises(ValidationError) as error:
        record(town.link, "2026-07-01")
    assert "cannot be in the future" in str(error.value)
    with pytest.raises(ValidationError) as error:
        record(town.link, "1955")
    assert "before the link began (1960)" in str(error.value)
    with pytest.raises(ValidationError) as error:
        record(town.link, "2025", participants=3, participants_under_30=5)
    assert "More people under 30 (5) than people taking part (3)" in str(error.value)
    with pytest.raises(ValidationError) as error:
        record(town.link, "2025", cost=Decimal(10))
    assert "Give the currency" in str(error.value)
    with pytest.raises(ValidationError) as error:
        record(town.link, "2025", travelling_party=town.foreign_link.parties.first())
    assert "one of this link's parties" in str(error.value)
    assert not Activity.objects.exists()


def test_an_edit_from_a_stale_page_is_refused_and_the_newer_edit_kept(town, record):
    activity = record(town.link, "2025-09")
    activity_update(actor=Actor(user=town.editor), activity=activity, expected_version=1, title="Choir visit")
    stale = Activity.objects.get(pk=activity.pk)
    stale.version = 1
    with pytest.raises(EditConflict):
        activity_update(actor=Actor(user=town.officer), activity=stale, expected_version=1, title="Band visit")
    assert Activity.objects.get(pk=activity.pk).title == "Choir visit"


def test_moving_an_activity_back_in_time_moves_the_health_with_it(town, record):
    activity = record(town.link, "2025-09")
    assert LinkHealth.objects.get(link=town.link).state == HealthState.ACTIVE
    activity_update(actor=Actor(user=town.editor), activity=activity, when=PartialDate.parse("2018-05"))
    assert LinkHealth.objects.get(link=town.link).state == HealthState.DORMANT


def test_only_moderators_remove_and_restore_activities_and_health_follows(town, record):
    activity = record(town.link, "2025-09")
    with pytest.raises(PermissionDenied):
        activity_remove(actor=Actor(user=town.editor), activity=activity, reason="Never happened")
    with pytest.raises(ValidationError, match="Say why"):
        activity_remove(actor=Actor(user=town.moderator), activity=activity, reason=" ")
    activity_remove(actor=Actor(user=town.moderator), activity=activity, reason="Never happened")
    assert not Activity.objects.exists() and Activity.all_objects.filter(pk=activity.pk, removed=True).exists()
    assert LinkHealth.objects.get(link=town.link).state == HealthState.UNKNOWN
    activity_restore(actor=Actor(user=town.moderator), activity=Activity.all_objects.get(pk=activity.pk))
    assert LinkHealth.objects.get(link=town.link).state == HealthState.ACTIVE


def test_a_council_officer_verifies_their_own_links_only(town):
    verification = verification_record(
        actor=Actor(user=town.officer), link=town.link, answer="active", by_role="council_officer", note="Rang them"
    )
    row = LinkHealth.objects.get(link=town.link)
    assert (row.state, row.last_verified_role, row.last_verified_at) == (
        HealthState.ACTIVE,
        "council_officer",
        verification.verified_at,
    )
    assert ChangeRecord.objects.filter(target_id=verification.pk, action=ChangeAction.CREATE).exists()
    with pytest.raises(PermissionDenied):
        verification_record(
            actor=Actor(user=town.officer), link=town.foreign_link, answer="active", by_role="council_officer"
        )
    with pytest.raises(PermissionDenied):
        verification_record(actor=Actor(user=town.editor), link=town.link, answer="active", by_role="council_officer")
    with pytest.raises(ValidationError, match="Only a moderator"):
        verification_record(actor=Actor(user=town.officer), link=town.link, answer="active", by_role="moderator")


def test_a_contact_answer_is_recorded_for_the_contact_of_the_association_that_runs_the_link(town):
    process = Actor.system("verification emails")
    verification_record(actor=process, link=town.link, answer="paused", by_role="contact", by_contact=town.contact)
    row = LinkHealth.objects.get(link=town.link)
    assert (row.state, row.reasons, row.last_verified_role) == (HealthState.DORMANT, ["answered_paused"], "contact")
    with pytest.raises(ValidationError, match="does not run this link"):
        verification_record(
            actor=process, link=town.other_link, answer="active", by_role="contact", by_contact=town.contact
        )
    with pytest.raises(ValidationError, match="is not an answer"):
        verification_record(actor=process, link=town.link, answer="maybe", by_role="contact", by_contact=town.contact)
    assert Verification.objects.count() == 1
