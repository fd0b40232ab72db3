"""Events, the calendar page and the feeds, read as a calendar application, a feed reader and a person would."""

from __future__ import annotations

import datetime as dt
import html

import feedparser
import icalendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from accounts.testing import account_create
from audit.models import ChangeRecord
from audit.services import Actor
from events.models import Event
from events.services import event_create, event_update

HOSTILE = '<script>alert(1)</script> "quotes" & ampersands'


def _soon(days: int) -> dt.date:
    return dt.date.today() + dt.timedelta(days=days)


# ---------------------------------------------------------------- services


def test_a_moderator_puts_an_event_on_the_calendar_and_it_is_logged(town):
    moderator = account_create("mod@example.org", role=Role.MODERATOR)
    event = event_create(
        actor=Actor(user=moderator), title="Twinning conference", kind="conference", start_date=_soon(30),
        end_date=_soon(31), place=town["testford"],
    )  # fmt: skip
    record = ChangeRecord.objects.get(target_id=event.pk, summary__contains="Twinning conference")
    assert record.actor == moderator
    event_update(actor=Actor(user=moderator), event=event, changes={"title": "Conference"}, expected_version=1)
    assert Event.objects.get().title == "Conference"


def test_a_contributor_cannot_put_an_event_on_the_calendar(town):
    contributor = account_create("c@example.org")
    with pytest.raises(PermissionDenied):
        event_create(actor=Actor(user=contributor), title="Mine", start_date=_soon(3), link=town["link"])
    assert not Event.objects.exists()


def test_a_council_officer_adds_events_of_their_place_and_its_links_only(town):
    officer = account_create("o@example.org", role=Role.COUNCIL_OFFICER, place=town["testford"])
    event_create(actor=Actor(user=officer), title="Visit", kind="visit", start_date=_soon(3), link=town["link"])
    with pytest.raises(PermissionDenied):
        event_create(actor=Actor(user=officer), title="Not ours", start_date=_soon(3), link=town["other"])


def test_an_event_cannot_end_before_it_starts_or_be_in_an_unknown_zone(town, actor):
    with pytest.raises(ValidationError) as error:
        event_create(actor=actor, title="Backwards", start_date=_soon(5), end_date=_soon(4))
    assert "last day cannot be before the first" in str(error.value)
    with pytest.raises(ValidationError):
        event_create(actor=actor, title="Nowhere", start_date=_soon(5), start_time=dt.time(19), time_zone="Mars/Base")


# ---------------------------------------------------------------- iCalendar


def _calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_the_ical_feed_has_timed_all_day_and_anniversary_events_a_calendar_reads(client, town, actor):
    event_create(
        actor=actor, title="Online meet-up " + HOSTILE, kind="online", start_date=_soon(10),
        start_time=dt.time(19, 0), end_time=dt.time(20, 30), time_zone="Europe/Paris",
        description="Bring a friend;\nall welcome, line two", link=town["link"],
    )  # fmt: skip
    event_create(actor=actor, title="Exchange visit", kind="visit", start_date=_soon(40), end_date=_soon(44))
    calendar = _calendar(client, "/feeds/events.ics")
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    meetup = events["Online meet-up " + HOSTILE]  # the text back exactly, escaping undone by the parser
    assert meetup.decoded("dtstart") == dt.datetime.combine(
        _soon(10), dt.time(19), tzinfo=meetup.decoded("dtstart").tzinfo
    )
    assert str(meetup.decoded("dtstart").tzinfo) == "Europe/Paris"
    assert meetup.decoded("dtend") - meetup.decoded("dtstart") == dt.timedelta(minutes=90)
    assert "Bring a friend;\nall welcome, line two" in str(meetup["description"])
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    visit = events["Exchange visit"]
    assert visit.decoded("dtstart") == _soon(40) and visit.decoded("dtend") == _soon(45)  # DTEND: the day after
    # The link was agreed ten years ago, twenty days from now: a round anniversary, derived, not stored.
    assert events["10 years: Testford – Probestadt"].decoded("dtstart") == town["agreed"].replace(
        year=town["agreed"].year + 10
    )
    assert len({str(e["uid"]) for e in calendar.walk("VEVENT")}) == 3


def test_a_places_and_a_links_feeds_hold_their_own_events_only(client, town, actor):
    event_create(actor=actor, title="Testford visit", start_date=_soon(3), link=town["link"])
    event_create(actor=actor, title="Essaiville fair", start_date=_soon(4), place=town["essaiville"])
    place_titles = {
        str(e["summary"]) for e in _calendar(client, f"/feeds/events/places/{town['testford'].pk}.ics").walk("VEVENT")
    }
    assert "Testford visit" in place_titles and "Essaiville fair" not in place_titles
    link_titles = {
        str(e["summary"]) for e in _calendar(client, f"/feeds/events/links/{town['link'].pk}.ics").walk("VEVENT")
    }
    assert link_titles == {"Testford visit", "10 years: Testford – Probestadt"}
    assert client.get("/feeds/events/links/999999.ics").status_code == 404


# ---------------------------------------------------------------- Atom


def test_the_changes_feed_is_atom_with_new_links_and_status_changes(client, town):
    response = client.get("/feeds/changes.atom")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    titles = [entry.title for entry in feed.entries]
    assert "Essaiville – Farburg: paused (2022-03-22)" in titles
    assert "New link: Testford – Probestadt" in titles
    paused = next(e for e in feed.entries if e.title.startswith("Essaiville – Farburg: paused"))
    assert "<script>" not in response.content.decode()  # the reason's markup is escaped in the feed ...
    assert HOSTILE in html.unescape(paused.summary)  # ... and a reader shows it as text
    assert "Full council" in paused.summary
    assert paused.link.endswith(f"/links/{town['other'].pk}/essaiville-farburg#event-{town['other'].events.get().pk}")


def test_the_changes_feed_filters_like_the_search_page(client, town):
    feed = feedparser.parse(client.get("/feeds/changes.atom?country=RU&status=paused").content)
    assert {e.title for e in feed.entries} == {
        "New link: Essaiville – Farburg",
        "Essaiville – Farburg: paused (2022-03-22)",
    }
    assert feed.feed.link.endswith("/search?country=RU&status=paused")
    assert feedparser.parse(client.get("/feeds/changes.atom?country=DE").content).entries[0].title == (
        "New link: Testford – Probestadt"
    )


def test_a_removed_link_leaves_the_changes_feed(client, town, actor):
    from links.services import link_remove

    link_remove(actor=actor, link=town["other"], reason="Recorded twice")
    for url in ("/feeds/changes.atom", "/feeds/changes.atom?country=FR"):
        titles = [e.title for e in feedparser.parse(client.get(url).content).entries]
        assert not any("Farburg" in title for title in titles), url
    assert "New link: Testford – Probestadt" in [
        e.title for e in feedparser.parse(client.get("/feeds/changes.atom").content).entries
    ]


def test_the_changes_feed_refuses_filters_it_cannot_use(client, town):
    response = client.get("/feeds/changes.atom?as_of=2022-02-30")
    assert response.status_code == 400
    assert "as_of" in response.content.decode()


# ---------------------------------------------------------------- pages


def test_the_calendar_lists_events_by_month_with_its_feed(client, town, actor):
    event_create(
        actor=actor, title="Conference " + HOSTILE, kind="conference", start_date=_soon(30), place=town["testford"]
    )
    page = client.get("/events/").content.decode()
    assert "Conference &lt;script&gt;" in page and "<script>alert" not in page
    assert _soon(30).strftime("%B %Y") in page
    assert 'href="/feeds/events.ics"' in page and 'rel="alternate" type="text/calendar"' in page
    assert "10 years of" in page
    assert "Événements" in client.get("/fr/events/").content.decode()


def test_the_search_place_and_link_pages_lead_to_their_feeds(client, town):
    home = client.get("/").content.decode()
    assert all(f'href="{url}"' in home for url in ("/feeds/changes.atom", "/events/", "/documents/"))
    search = client.get("/search?country=RU").content.decode()
    assert 'type="application/atom+xml"' in search and "/feeds/changes.atom?country=RU" in search
    place = client.get(town["testford"].get_absolute_url()).content.decode()
    assert f"/feeds/events/places/{town['testford'].pk}.ics" in place
    link = client.get(town["link"].get_absolute_url()).content.decode()
    assert f"/feeds/events/links/{town['link'].pk}.ics" in link
    assert f"/documents/?link={town['link'].pk}" in link


def test_the_calendar_has_the_strict_policy_and_nothing_inline(client, town, actor):
    # Until the calendar joins tests/test_security.py's PAGE_NAMES, the same checks here.
    from tests.test_security import EXPECTED_CSP, csp_directives, page_parts

    event_create(actor=actor, title="Meet-up " + HOSTILE, start_date=_soon(2), url="https://example.org/meet")
    response = client.get("/events/")
    assert csp_directives(response["Content-Security-Policy"]) == EXPECTED_CSP
    parts = page_parts(response.content.decode())
    assert not (parts.inline_scripts or parts.style_blocks or parts.style_attributes or parts.handler_attributes)
    assert not parts.script_urls


def _form(**values):
    return {
        "title": "Choir visit",
        "kind": "visit",
        "start_date": _soon(20).isoformat(),
        "time_zone": "Europe/London",
    } | values


def test_a_council_officer_adds_an_event_from_the_link_page(client, town):
    officer = account_create("o@example.org", role=Role.COUNCIL_OFFICER, place=town["testford"])
    client.force_login(officer)
    link_page = client.get(town["link"].get_absolute_url()).content.decode()
    assert f'href="/events/links/{town["link"].pk}/new"' in link_page
    response = client.post(
        f"/events/links/{town['link'].pk}/new",
        _form(title="Choir visit " + HOSTILE, start_time="19:00", end_time="21:00"),
    )
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/events/{event.pk}/"
    assert (event.link, event.start_time, event.time_zone) == (town["link"], dt.time(19), "Europe/London")
    assert "Choir visit &lt;script&gt;" in client.get("/events/").content.decode()


def test_the_event_form_says_what_is_wrong_and_saves_nothing(client, town):
    client.force_login(account_create("m@example.org", role=Role.MODERATOR))
    response = client.post(
        f"/events/links/{town['link'].pk}/new",
        _form(end_date=_soon(1).isoformat(), time_zone="Mars/Base", start_date="2027-02-30"),
    )
    page = response.content.decode()
    assert response.status_code == 400 and not Event.objects.exists()
    assert "There is a problem" in page and "Europe/London or Europe/Paris" in page and "First day" in page


def test_someone_without_a_role_is_sent_to_propose_the_event(client, town):
    assert client.get(f"/events/links/{town['link'].pk}/new").status_code == 302  # sign in first
    client.force_login(account_create("c@example.org"))
    response = client.post(f"/events/links/{town['link'].pk}/new", _form())
    assert response.status_code == 302 and not Event.objects.exists()
    assert response["Location"] == f"/proposals/calendar/links/{town['link'].pk}/new"
    assert "Propose an event of Testford – Probestadt" in client.get(response["Location"]).content.decode()
