"""The moderators' admin for activities and verifications: saves go through the services."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from audit.models import ChangeRecord
from audit.services import Actor
from health.models import Activity, HealthState, LinkHealth
from health.services import verification_record


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


def test_a_moderator_adds_an_activity_in_the_admin_and_it_is_logged_and_counted(client, town):
    client.force_login(town.moderator)
    answer = client.post(
        "/admin/health/activity/add/",
        {"link": town.link.pk, "when": "2025-11", "kind": "project", "title": "Joint tree planting"},
    )
    assert answer.status_code == 302, answer.content.decode()[-2000:]
    activity = Activity.objects.get()
    assert activity.when.iso() == "2025-11"
    assert ChangeRecord.objects.filter(target_id=activity.pk, actor=town.moderator).exists()
    assert LinkHealth.objects.get(link=town.link).state == HealthState.ACTIVE


def test_a_moderator_removes_an_activity_with_a_reason_and_restores_it(client, town, record):
    activity = record(town.link, "2025-11")
    client.force_login(town.moderator)
    url = f"/admin/health/activity/{activity.pk}/change/"
    form = {"when": "2025-11", "kind": "visit", "title": "Delegation visit", "edit_version": 1, "is_removed": "on"}
    refused = client.post(url, form)
    assert refused.status_code == 200 and "Say why the activity is removed" in refused.content.decode()
    assert client.post(url, form | {"removal_reason": "Recorded twice"}).status_code == 302
    assert not Activity.objects.exists()
    assert LinkHealth.objects.get(link=town.link).state == HealthState.UNKNOWN
    form.pop("is_removed")
    assert client.post(url, form | {"edit_version": 2}).status_code == 302
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_verifications_are_read_only_and_for_moderators(client, town):
    verification_record(actor=Actor(user=town.officer), link=town.link, answer="active", by_role="council_officer")
    client.force_login(town.moderator)
    assert client.get("/admin/health/verification/").status_code == 200
    assert client.get("/admin/health/verification/add/").status_code == 403
    client.force_login(town.officer)
    assert client.get("/admin/health/verification/").status_code in (302, 403)
    assert client.get("/admin/health/activity/").status_code in (302, 403)
