"""A link's status on a date, derived from its events: in Python (status_on) and in the database."""

import datetime as dt

import pytest

from core.partial_dates import PartialDate
from links.models import Link
from links.selectors import UNKNOWN, status_on, with_status_on
from links.services import link_create, status_event_record

D = dt.date


@pytest.fixture
def two_towns(make_place):
    return make_place("Testford", "GB", subdivision="GB-ENG"), make_place("Probestadt", "DE")


@pytest.fixture
def new_link(two_towns, actor, cite):
    def make(first_contact: str | None = "1950"):
        return link_create(
            actor=actor,
            parties=list(two_towns),
            kind="formal",
            citations=cite(),
            first_contact=PartialDate.parse(first_contact) if first_contact else None,
        )

    return make


def record(link, actor, cite, when: str, status: str, **extra):
    return status_event_record(
        actor=actor, link=link, when=PartialDate.parse(when), status=status, citations=cite(), **extra
    )


def status_in_db(link: Link, on: dt.date) -> str:
    return with_status_on(Link.objects.filter(pk=link.pk), on).get().status_on_date


def both(link: Link, on: dt.date) -> str:
    """The status as the page (Python) and the search (database) see it; they must agree."""
    fresh = Link.objects.prefetch_related("events").get(pk=link.pk)
    in_python = status_on(fresh, on).status
    assert in_python == status_in_db(link, on), f"Python and database disagree on {on}"
    return in_python


def test_before_the_first_event_the_status_is_unknown(new_link, actor, cite):
    link = new_link()
    record(link, actor, cite, "1951-05-01", "active")
    assert both(link, D(1951, 4, 30)) == UNKNOWN
    assert both(link, D(1951, 5, 1)) == "active"


def test_pause_end_and_reinstatement(new_link, actor, cite):
    link = new_link()
    record(link, actor, cite, "1951", "active")
    record(link, actor, cite, "2022-03-22", "paused")
    record(link, actor, cite, "2023-06-01", "ended")
    record(link, actor, cite, "2025-01-15", "active")
    assert both(link, D(2022, 3, 21)) == "active"
    assert both(link, D(2022, 3, 22)) == "paused"
    assert both(link, D(2023, 5, 31)) == "paused"
    assert both(link, D(2024, 12, 31)) == "ended"
    assert both(link, D(2025, 1, 15)) == "active"


def test_a_decision_to_keep_a_link_leaves_it_active(new_link, actor, cite):
    link = new_link()
    record(link, actor, cite, "1990", "active")
    record(link, actor, cite, "2022-03-02", "reaffirmed")
    assert both(link, D(2022, 12, 31)) == "active"
    fresh = Link.objects.prefetch_related("events").get(pk=link.pk)
    assert status_on(fresh, D(2022, 12, 31)).event.status == "reaffirmed"


def test_several_events_on_one_day_apply_in_their_recorded_order(new_link, actor, cite):
    link = new_link()
    record(link, actor, cite, "2020-07-15", "proposed")
    record(link, actor, cite, "2020-07-15", "active")
    record(link, actor, cite, "2020-07-15", "paused")
    assert [e.sequence for e in link.events.order_by("id")] == [0, 1, 2]
    assert both(link, D(2020, 7, 15)) == "paused"
    assert both(link, D(2020, 7, 14)) == UNKNOWN


def test_a_year_only_event_counts_from_1_january_and_is_flagged_uncertain_inside_that_year(new_link, actor, cite):
    link = new_link(first_contact="1999")
    record(link, actor, cite, "1999", "active")
    record(link, actor, cite, "2018", "ended")
    assert both(link, D(2017, 12, 31)) == "active"
    assert both(link, D(2018, 6, 1)) == "ended"
    fresh = Link.objects.prefetch_related("events").get(pk=link.pk)
    assert status_on(fresh, D(2018, 6, 1)).certain is False
    assert status_on(fresh, D(2019, 1, 1)).certain is True


def test_a_month_event_and_a_day_event_in_that_month_are_ordered_by_their_start(new_link, actor, cite):
    link = new_link(first_contact="2022")
    record(link, actor, cite, "2022-03", "paused")
    record(link, actor, cite, "2022-03-15", "ended")
    assert both(link, D(2022, 3, 10)) == "paused"
    assert both(link, D(2022, 3, 15)) == "ended"


def test_the_database_filter_agrees_with_status_on_across_many_dates(new_link, actor, cite):
    link = new_link(first_contact="1940")
    for when, status in [
        ("1944", "active"),
        ("1981-06", "reaffirmed"),
        ("2022-03-22", "paused"),
        ("2022-03-22", "ended"),
        ("2024-02", "active"),
    ]:
        record(link, actor, cite, when, status)
    for year in range(1939, 2027):
        for month in (1, 3, 6, 12):
            both(link, D(year, month, 22))


def test_a_link_first_recorded_as_paused_was_active_before_that(new_link, actor, cite):
    link = new_link(first_contact=None)
    record(link, actor, cite, "2022-03-02", "paused")
    assert both(link, D(2022, 1, 1)) == "active"
    assert both(link, D(2022, 3, 2)) == "paused"
    fresh = Link.objects.prefetch_related("events").get(pk=link.pk)
    assert status_on(fresh, D(2022, 1, 1)).inferred is True


def test_the_inference_does_not_reach_before_the_link_began(new_link, actor, cite):
    link = new_link(first_contact="1995")
    record(link, actor, cite, "2022-03", "paused")
    assert both(link, D(1994, 12, 31)) == UNKNOWN
    assert both(link, D(1995, 6, 1)) == "active"


def test_a_link_first_recorded_as_proposed_is_unknown_before(new_link, actor, cite):
    link = new_link(first_contact=None)
    record(link, actor, cite, "2022-03", "proposed")
    assert both(link, D(2022, 2, 1)) == UNKNOWN


def stored(link: Link) -> str:
    return Link.objects.values_list("current_status", flat=True).get(pk=link.pk)


def test_the_stored_current_status_follows_every_event_write(new_link, actor, cite):
    """Link.current_status answers every "today" query: it must equal the events' answer after each write."""
    from links.services import current_status_refresh, status_event_update

    link = new_link(first_contact="1950")
    today = dt.date.today()
    assert stored(link) == UNKNOWN == both(link, today)
    record(link, actor, cite, "1960", "active")
    assert stored(link) == "active" == both(link, today)
    ended = record(link, actor, cite, "2022-03-02", "ended")
    record(link, actor, cite, "2001", "paused")  # recorded later, dated earlier: the 2022 end still holds
    assert stored(link) == "ended" == both(link, today) == both(link, today + dt.timedelta(days=400))
    status_event_update(actor=actor, event=ended, status="reaffirmed")
    assert stored(link) == "active" == both(link, today)
    status_event_update(actor=actor, event=ended, when=PartialDate.parse("1999"))  # now the 2001 pause is latest
    assert stored(link) == "paused" == both(link, today)
    Link.objects.filter(pk=link.pk).update(current_status=UNKNOWN)  # as a bulk loader leaves it
    assert current_status_refresh(Link.objects.filter(pk=link.pk)) == 1
    assert stored(link) == "paused"


def test_the_status_today_in_the_database_is_the_stored_one_and_earlier_dates_use_the_events(new_link, actor, cite):
    link = new_link(first_contact="1950")
    record(link, actor, cite, "1960", "active")
    record(link, actor, cite, "2022-03", "ended")
    Link.objects.filter(pk=link.pk).update(current_status="paused")  # tampered: shows which path answers
    assert status_in_db(link, dt.date.today()) == "paused"
    assert status_in_db(link, D(2021, 1, 1)) == "active"
    assert status_in_db(link, D(2023, 1, 1)) == "ended"
