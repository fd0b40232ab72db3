"""The daily refresh, as the command and as the background task (immediate backend in tests)."""

from __future__ import annotations

import datetime as dt

import time_machine

from health.models import HealthState, LinkHealth
from health.tasks_daily import refresh_link_health


def test_the_command_refreshes_every_link_and_says_how_many_are_in_each_state(town, record, call_command_output):
    with time_machine.travel(dt.datetime(2025, 5, 1, tzinfo=dt.UTC), tick=False):
        record(town.link, "2025-04")
    with time_machine.travel(dt.datetime(2028, 5, 2, tzinfo=dt.UTC), tick=False):
        said = call_command_output("refresh_link_health")
    assert said == "Worked out the health of 3 links: active 0, quiet 1, dormant 0, unknown 2.\n"
    assert LinkHealth.objects.get(link=town.link).computed_on == dt.date(2028, 5, 2)


def test_the_task_runs_the_same_refresh_and_twice_changes_nothing(town, record):
    with time_machine.travel(dt.datetime(2025, 5, 1, tzinfo=dt.UTC), tick=False):
        record(town.link, "2025-04")
    with time_machine.travel(dt.datetime(2031, 5, 2, tzinfo=dt.UTC), tick=False):
        first = refresh_link_health.enqueue()
        rows = list(LinkHealth.objects.order_by("link").values())
        second = refresh_link_health.enqueue()
        assert list(LinkHealth.objects.order_by("link").values()) == rows
    assert first.return_value == second.return_value == {"active": 0, "quiet": 0, "dormant": 1, "unknown": 2}
    assert LinkHealth.objects.get(link=town.link).state == HealthState.DORMANT


def test_a_daily_refresh_that_changes_health_renews_cached_statistics_and_search_counts(client, town, record):
    with time_machine.travel(dt.datetime(2025, 5, 1, tzinfo=dt.UTC), tick=False):
        record(town.link, "2025-04")
    with time_machine.travel(dt.datetime(2027, 6, 1, 1, tzinfo=dt.UTC), tick=False):
        before = client.get("/search", {"health": "active"}).content.decode()
        assert "1 link found" in before  # read before the day's refresh: still active
        refresh_link_health.enqueue()
        after = client.get("/search", {"health": "active"}).content.decode()
        assert "0 links found" in after and "No links match these filters" in after
        assert "1 link found" in client.get("/search", {"health": "quiet"}).content.decode()
        unchanged = refresh_link_health.enqueue()  # nothing changes: no change record, caches kept
        assert unchanged.return_value["quiet"] == 1
