"""The health rule on its own (health.health.health_of), and as time passes over a real link."""

from __future__ import annotations

import datetime as dt

import time_machine

from health.health import HealthFacts, Reason, health_of, health_refresh_all
from health.models import HealthState, LinkHealth

TODAY = dt.date(2026, 6, 1)


def test_an_activity_within_two_years_is_active():
    assert health_of(HealthFacts(last_activity_on=dt.date(2025, 1, 1), activities_recent=1), TODAY) == (
        HealthState.ACTIVE,
        [Reason.RECENT_ACTIVITY],
    )


def test_a_verification_that_it_still_runs_is_a_sign_of_life_too():
    facts = HealthFacts(last_verified_on=dt.date(2026, 3, 1), last_verified_answer="active")
    assert health_of(facts, TODAY) == (HealthState.ACTIVE, [Reason.VERIFIED_ACTIVE])
    someone_else = HealthFacts(last_verified_on=dt.date(2026, 3, 1), last_verified_answer="other_runs")
    assert health_of(someone_else, TODAY)[0] == HealthState.ACTIVE


def test_the_latest_sign_two_to_five_years_ago_is_quiet_and_older_is_dormant():
    assert health_of(HealthFacts(last_activity_on=dt.date(2023, 1, 1)), TODAY) == (
        HealthState.QUIET,
        [Reason.LAST_SIGN_YEARS_AGO],
    )
    assert health_of(HealthFacts(last_activity_on=dt.date(2019, 1, 1)), TODAY) == (
        HealthState.DORMANT,
        [Reason.NOTHING_FOR_YEARS],
    )


def test_activities_halving_make_a_recently_active_link_quiet_but_one_fewer_does_not():
    halved = HealthFacts(last_activity_on=dt.date(2026, 1, 1), activities_recent=2, activities_before=4)
    assert health_of(halved, TODAY) == (HealthState.QUIET, [Reason.RECENT_ACTIVITY, Reason.ACTIVITIES_FALLING])
    one_fewer = HealthFacts(last_activity_on=dt.date(2026, 1, 1), activities_recent=3, activities_before=4)
    assert health_of(one_fewer, TODAY)[0] == HealthState.ACTIVE
    one_before = HealthFacts(last_activity_on=dt.date(2026, 1, 1), activities_recent=0, activities_before=1)
    assert health_of(one_before, TODAY)[0] == HealthState.ACTIVE


def test_paused_or_ended_at_the_last_verification_is_dormant_until_something_happens_after():
    paused = HealthFacts(
        last_activity_on=dt.date(2025, 5, 1), last_verified_on=dt.date(2026, 1, 10), last_verified_answer="paused"
    )
    assert health_of(paused, TODAY) == (HealthState.DORMANT, [Reason.ANSWERED_PAUSED])
    ended = HealthFacts(last_verified_on=dt.date(2026, 1, 10), last_verified_answer="ended")
    assert health_of(ended, TODAY) == (HealthState.DORMANT, [Reason.ANSWERED_ENDED])
    revived = HealthFacts(
        last_activity_on=dt.date(2026, 4, 1), last_verified_on=dt.date(2026, 1, 10), last_verified_answer="paused"
    )
    assert health_of(revived, TODAY)[0] == HealthState.ACTIVE


def test_unanswered_requests_make_a_link_dormant_only_without_a_sign_of_life_for_two_years():
    silent = HealthFacts(last_activity_on=dt.date(2023, 1, 1), unanswered=True)
    assert health_of(silent, TODAY) == (HealthState.DORMANT, [Reason.REQUESTS_UNANSWERED])
    never_known = HealthFacts(unanswered=True)
    assert health_of(never_known, TODAY)[0] == HealthState.DORMANT
    busy = HealthFacts(last_activity_on=dt.date(2025, 9, 1), activities_recent=1, unanswered=True)
    assert health_of(busy, TODAY)[0] == HealthState.ACTIVE


def test_no_activity_and_never_verified_is_unknown():
    assert health_of(HealthFacts(), TODAY) == (HealthState.UNKNOWN, [Reason.NO_SIGN_OF_LIFE])


def test_a_29_february_counts_back_to_28_february():
    leap = dt.date(2028, 2, 29)
    assert health_of(HealthFacts(last_activity_on=dt.date(2026, 2, 28)), leap)[0] == HealthState.ACTIVE
    assert health_of(HealthFacts(last_activity_on=dt.date(2026, 2, 27)), leap)[0] == HealthState.QUIET


def test_a_link_goes_active_then_quiet_then_dormant_as_the_years_pass(town, record):
    with time_machine.travel(dt.datetime(2024, 3, 15, 12, tzinfo=dt.UTC), tick=False):
        record(town.link, "2024-03-10", title="Choir visit")
        assert LinkHealth.objects.get(link=town.link).state == HealthState.ACTIVE
    with time_machine.travel(dt.datetime(2026, 3, 20, 4, tzinfo=dt.UTC), tick=False):
        health_refresh_all()
        row = LinkHealth.objects.get(link=town.link)
        assert (row.state, row.reasons) == (HealthState.QUIET, [Reason.LAST_SIGN_YEARS_AGO])
        assert row.last_activity_on == dt.date(2024, 3, 10)
    with time_machine.travel(dt.datetime(2029, 3, 20, 4, tzinfo=dt.UTC), tick=False):
        counts = health_refresh_all()
        assert LinkHealth.objects.get(link=town.link).state == HealthState.DORMANT
        # The daily run gives every link a row: the two with nothing recorded are unknown.
        assert counts == {"active": 0, "quiet": 0, "dormant": 1, "unknown": 2}
