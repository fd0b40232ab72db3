"""`manage.py check_registry` on activities and link health: each planted problem is reported in one
sentence naming its rows, and a registry built through the services reports none."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.integrity import registry_problems
from core.partial_dates import PartialDate
from health.models import Activity, LinkHealth
from health.services import activity_create
from links.services import link_create, link_remove, status_event_record


@pytest.fixture
def twinned(db, actor, make_place, cite):
    """Testford–Probestadt, begun in March 1999, with one visit recorded through the services; and
    Testford–Villeneuve, with none."""
    testford = make_place("Testford", "GB")
    link = link_create(
        actor=actor,
        parties=[testford, make_place("Probestadt", "DE")],
        kind="formal",
        citations=cite(),
        agreement=PartialDate.parse("1999-03"),
    )
    status_event_record(actor=actor, link=link, when=PartialDate.parse("1999-03"), status="active", citations=cite())
    visit = activity_create(
        actor=actor, link=link, kind="visit", title="Choir visit", when=PartialDate.parse("2023-05")
    )
    other = link_create(
        actor=actor, parties=[testford, make_place("Villeneuve", "FR")], kind="formal", citations=cite()
    )
    return {"link": link, "visit": visit, "other": other}


def activity_problems(problems: list[str]) -> list[str]:
    return [problem for problem in problems if "activit" in problem or "health" in problem]


def test_a_registry_written_through_the_services_reports_nothing(twinned, actor):
    activity_create(actor=actor, link=twinned["link"], kind="visit", title="Same year", when=PartialDate.parse("1999"))
    assert registry_problems() == []
    call_command("check_registry", stdout=open("/dev/null", "w"))  # noqa: SIM115 (exit 0)


def test_an_activity_dated_after_today_is_reported(twinned):
    visit = twinned["visit"]
    Activity.objects.filter(pk=visit.pk).update(date=timezone.localdate() + dt.timedelta(days=1))
    assert f"1 activity record(s) dated after today (ids {visit.pk})." in registry_problems()


def test_an_activity_dated_before_its_link_began_is_reported_but_not_one_in_its_first_year(twinned, actor):
    visit = twinned["visit"]
    Activity.objects.filter(pk=visit.pk).update(date=dt.date(1999, 2, 28), date_precision="day")
    same_year = Activity.objects.create(
        link=twinned["link"], kind="visit", title="Sometime in 1999", date=dt.date(1999, 1, 1), date_precision="year"
    )
    problems = registry_problems()
    assert f"1 activity record(s) dated before their link began (ids {visit.pk})." in problems
    assert not any(str(same_year.pk) in problem for problem in problems if "before their link began" in problem)


def test_an_activity_added_to_a_removed_link_is_reported_but_not_the_link_s_earlier_ones(twinned, actor):
    link_remove(actor=actor, link=twinned["link"], reason="A duplicate")
    late = Activity.objects.create(
        link=twinned["link"], kind="visit", title="Written past the services", date=dt.date(2024, 1, 1)
    )
    Activity.objects.filter(pk=late.pk).update(created_at=timezone.now() + dt.timedelta(minutes=1))

    assert activity_problems(registry_problems()) == [
        f"1 activity record(s) added to a link after it was removed, and not removed themselves (ids {late.pk})."
    ]


def test_stored_health_out_of_step_with_the_link_s_activities_is_reported(twinned):
    link = twinned["link"]
    LinkHealth.objects.filter(link=link).update(state="dormant")
    expected = f"1 link(s) whose stored health is not what their activities and verifications give (ids {link.pk})."
    assert activity_problems(registry_problems()) == [expected]

    with pytest.raises(CommandError):
        call_command("check_registry", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_an_activity_written_without_working_out_health_again_is_reported(twinned):
    Activity.objects.create(link=twinned["link"], kind="online", title="Unseen", date=dt.date(2024, 6, 1))
    link = twinned["link"]
    assert activity_problems(registry_problems()) == [
        f"1 link(s) whose stored health is not what their activities and verifications give (ids {link.pk})."
    ]


def test_health_worked_out_on_an_earlier_day_is_compared_for_that_day(twinned):
    """The daily refresh not having run yet is not a problem: a row is checked for the day it was worked out
    (in January 2024 the May 2023 visit was recent, and the link active; today it is not)."""
    from health.health import _rows_for, health_refresh

    link_id = twinned["link"].pk
    health_refresh([link_id], today=dt.date(2024, 1, 1))
    row = LinkHealth.objects.get(link_id=link_id)
    (today,) = _rows_for([link_id], timezone.localdate())
    assert (row.state, row.activities_recent) != (today.state, today.activities_recent)
    assert activity_problems(registry_problems()) == []
