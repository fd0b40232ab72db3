"""Events of a place and of the whole network, an event's page, editing one (never over someone else's edit),
taking one off the calendar and putting it back; new guides in the changes feed."""

from __future__ import annotations

import datetime as dt
import html

import feedparser
import icalendar
import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from accounts.testing import account_create
from audit.models import ChangeRecord
from audit.services import Actor
from events.models import Event
from events.services import event_create, event_remove, event_update

HOSTILE = '<script>alert(1)</script> "quotes" & ampersands'


def _soon(days: int) -> dt.date:
    return dt.date.today() + dt.timedelta(days=days)


def _form(**values: str) -> dict[str, str]:
    return {
        "title": "Twinning fair",
        "kind": "other",
        "start_date": _soon(20).isoformat(),
        "time_zone": "Europe/London",
    } | values


def _ical_titles(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    return {str(item["summary"]) for item in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}


# ---------------------------------------------------------------- a place's events, the network's


def test_a_council_officer_adds_an_event_of_their_place_from_its_page(client, town):
    officer = account_create("o@example.org", role=Role.COUNCIL_OFFICER, place=town["testford"])
    client.force_login(officer)
    place_page = client.get(town["testford"].get_absolute_url()).content.decode()
    assert f'href="/events/places/{town["testford"].pk}/new"' in place_page
    form = client.get(f"/events/places/{town['testford'].pk}/new").content.decode()
    assert "Add an event in Testford" in form and "<legend>" in form
    response = client.post(f"/events/places/{town['testford'].pk}/new", _form(title="Fair " + HOSTILE))
    event = Event.objects.get()
    assert response["Location"] == f"/events/{event.pk}/"
    assert (event.place, event.link) == (town["testford"], None)
    assert ChangeRecord.objects.filter(target_id=event.pk, actor=officer, action="create").exists()
    assert "Fair " + HOSTILE in _ical_titles(client, f"/feeds/events/places/{town['testford'].pk}.ics")
    # Another place's events are not theirs to add: they are sent to propose one instead.
    other = client.get(f"/events/places/{town['essaiville'].pk}/new")
    assert other["Location"] == f"/proposals/calendar/places/{town['essaiville'].pk}/new"
    with pytest.raises(PermissionDenied):
        event_create(actor=Actor(user=officer), title="Not ours", start_date=_soon(3), place=town["essaiville"])


def test_a_moderator_adds_a_conference_of_the_whole_network(client, town):
    moderator = account_create("m@example.org", role=Role.MODERATOR)
    client.force_login(moderator)
    assert 'href="/events/new"' in client.get("/events/").content.decode()
    assert "Add an event of the whole network" in client.get("/events/new").content.decode()
    response = client.post(
        "/events/new",
        _form(title="Twinning conference", kind="conference", start_time="09:30", time_zone="Europe/Berlin"),
    )
    event = Event.objects.get()
    assert response["Location"] == event.get_absolute_url()
    assert event.place is None and event.link is None and event.kind == "conference"
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Twinning conference" in page and "the whole network" in page and "09:30" in page
    assert "Twinning conference" in _ical_titles(client, "/feeds/events.ics")
    # A council officer cannot put events of the whole network on the calendar directly.
    officer = account_create("o@example.org", role=Role.COUNCIL_OFFICER, place=town["testford"])
    with pytest.raises(PermissionDenied):
        event_create(actor=Actor(user=officer), title="Mine", start_date=_soon(3))


def test_a_visitor_is_sent_to_sign_in_for_every_way_of_adding_or_changing(client, town, actor):
    event = event_create(actor=actor, title="Fair", start_date=_soon(3), place=town["testford"])
    for url in ("/events/new", f"/events/places/{town['testford'].pk}/new", f"/events/{event.pk}/edit"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    assert client.post(f"/events/{event.pk}/remove", {"removed": "1"})["Location"].startswith("/accounts/login/")
    assert not Event.all_objects.get().removed
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Edit its details" not in page and "Take it off the calendar" not in page


# ---------------------------------------------------------------- editing


def test_an_edit_from_a_stale_page_is_refused_and_loses_nothing(client, town, actor):
    event = event_create(actor=actor, title="Fair", start_date=_soon(3), place=town["testford"])
    officer = account_create("o@example.org", role=Role.COUNCIL_OFFICER, place=town["testford"])
    client.force_login(officer)
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert f'href="/events/{event.pk}/edit"' in page
    form = client.get(f"/events/{event.pk}/edit").content.decode()
    assert 'name="version" value="1"' in form and 'value="Fair"' in form
    # Someone else saves first ...
    event_update(actor=actor, event=Event.objects.get(), changes={"title": "Spring fair"}, expected_version=1)
    # ... so the edit made from the page they read is refused, and theirs stays.
    stale = client.post(f"/events/{event.pk}/edit", _form(title="Autumn fair", version="1"))
    assert stale.status_code == 400 and "changed by someone else" in stale.content.decode()
    assert Event.objects.get().title == "Spring fair"
    fresh = client.post(f"/events/{event.pk}/edit", _form(title="Autumn fair", version="2"))
    assert fresh["Location"] == f"/events/{event.pk}/"
    event = Event.objects.get()
    assert (event.title, event.version, event.place) == ("Autumn fair", 3, town["testford"])
    assert ChangeRecord.objects.filter(target_id=event.pk, action="update", actor=officer).exists()


def test_someone_without_a_role_for_the_event_cannot_edit_or_remove_it(client, town, actor):
    event = event_create(actor=actor, title="Fair", start_date=_soon(3), link=town["other"])
    client.force_login(account_create("o@example.org", role=Role.COUNCIL_OFFICER, place=town["testford"]))
    assert client.get(f"/events/{event.pk}/edit").status_code == 403
    refused = client.post(f"/events/{event.pk}/remove", {"removed": "1"})
    assert refused.status_code == 403 and "council officers of its places" in refused.content.decode()
    assert not Event.all_objects.get().removed


# ---------------------------------------------------------------- removing and restoring


def test_a_removed_event_leaves_the_calendar_and_feeds_and_can_be_put_back(client, town, actor):
    event = event_create(actor=actor, title="Choir visit", kind="visit", start_date=_soon(5), link=town["link"])
    feeds = ["/feeds/events.ics", f"/feeds/events/links/{town['link'].pk}.ics"]
    feeds.append(f"/feeds/events/places/{town['testford'].pk}.ics")
    editor = account_create("o@example.org", role=Role.COUNCIL_OFFICER, place=town["testford"])
    client.force_login(editor)
    answer = client.post(f"/events/{event.pk}/remove", {"removed": "1"}, follow=True)
    assert answer.status_code == 410 and "taken off the calendar" in answer.content.decode()
    assert "Put it back on the calendar" in answer.content.decode()
    assert "Choir visit" not in client.get("/events/").content.decode()
    assert all("Choir visit" not in _ical_titles(client, url) for url in feeds)
    assert Event.all_objects.get().removed and not Event.objects.exists()  # kept, hidden
    assert ChangeRecord.objects.filter(target_id=event.pk, action="remove", actor=editor).exists()
    client.logout()
    gone = client.get(f"/events/{event.pk}/")
    assert gone.status_code == 410 and "Put it back" not in gone.content.decode()

    client.force_login(editor)
    client.post(f"/events/{event.pk}/remove", {"removed": "0"})
    assert "Choir visit" in client.get("/events/").content.decode()
    assert all("Choir visit" in _ical_titles(client, url) for url in feeds)
    assert ChangeRecord.objects.filter(target_id=event.pk, action="restore").exists()
    # A removed event is not edited: it is put back first.
    event_remove(actor=actor, event=Event.objects.get(), removed=True)
    assert client.get(f"/events/{event.pk}/edit").status_code == 403


# ---------------------------------------------------------------- guides in the changes feed


def _guide(actor, title: str, **ties):
    from knowledge.services import SourceSpec, guide_create

    return guide_create(
        actor=actor,
        title=title,
        summary="What we learnt " + HOSTILE,
        body="Long text.",
        sources=[SourceSpec(url="https://example.org/report", passage="A passage.")],
        **ties,
    )


def _entries(client, url: str = "/feeds/changes.atom") -> dict[str, feedparser.FeedParserDict]:
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return {entry.title: entry for entry in feed.entries}


def test_a_new_guide_appears_in_the_changes_feed_and_filters_keep_only_guides_about_what_they_find(client, town, actor):
    from knowledge.models import GuideStatus

    about_testford = _guide(actor, "Youth exchanges " + HOSTILE, places=[town["testford"]])
    _guide(actor, "Friendship with Farburg", links=[town["other"]])
    _guide(actor, "Raising funds")  # tied to nothing
    waiting = _guide(actor, "Not yet published")
    waiting.status = GuideStatus.PENDING
    waiting.save(update_fields=["status"])

    response = client.get("/feeds/changes.atom")
    assert "<script>" not in response.content.decode()  # the guide's text is escaped in the feed ...
    entries = _entries(client)
    guide = entries["New guide: Youth exchanges " + HOSTILE]  # ... and read back as the text it is
    assert guide.link.endswith(about_testford.get_absolute_url())
    assert ("What we learnt " + HOSTILE) in html.unescape(guide.summary)
    assert {"New guide: Friendship with Farburg", "New guide: Raising funds"} <= set(entries)
    assert "New guide: Not yet published" not in entries
    assert "New link: Testford – Probestadt" in entries  # guides join links and status changes

    # Filtered like the search page: only guides about a link it finds, or about a place that is a party of one.
    germany = set(_entries(client, "/feeds/changes.atom?country=DE"))
    assert "New guide: Youth exchanges " + HOSTILE in germany  # Testford is a party of the German link
    assert not {"New guide: Friendship with Farburg", "New guide: Raising funds"} & germany
    russia = set(_entries(client, "/feeds/changes.atom?country=RU"))
    assert "New guide: Friendship with Farburg" in russia and "New guide: Youth exchanges " + HOSTILE not in russia
