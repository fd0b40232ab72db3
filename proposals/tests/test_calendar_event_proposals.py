"""Proposing an event for the calendar: anyone with a confirmed address may; a moderator puts it on the
calendar (and in its iCalendar feeds) by approving it, or rejects it with a reason; the proposer hears."""

from __future__ import annotations

import datetime as dt

import icalendar
from django.core import mail

from audit.models import Version
from events.models import Event
from proposals.models import Proposal, ProposalKind, ProposalStatus

HOSTILE = '<script>alert(1)</script> "quotes" & ampersands'
EVENT_PAGE = "https://example.org/twinning-conference-2027"


def _soon(days: int) -> dt.date:
    return dt.date.today() + dt.timedelta(days=days)


def _event(**values: str) -> dict[str, str]:
    return {
        "title": "Twinning conference " + HOSTILE,
        "kind": "conference",
        "start_date": _soon(30).isoformat(),
        "end_date": _soon(31).isoformat(),
        "start_time": "09:30",
        "end_time": "17:00",
        "time_zone": "Europe/Paris",
        "description": "Two days of talks.",
        "source_url": EVENT_PAGE,
    } | values


def _ical_titles(client, url: str = "/feeds/events.ics") -> set[str]:
    calendar = icalendar.Calendar.from_ical(client.get(url).content)
    return {str(item["summary"]) for item in calendar.walk("VEVENT")}


def test_a_contributor_proposes_an_event_a_moderator_approves_and_it_is_on_the_calendar_and_feeds(
    link, contributor, moderator, client, django_capture_on_commit_callbacks
):
    client.force_login(contributor)
    page = client.get("/events/new", follow=True)  # a contributor cannot add one directly: sent to propose it
    assert page.redirect_chain[-1][0] == "/proposals/calendar/new"
    assert "Propose an event for the calendar" in page.content.decode()
    answer = client.post("/proposals/calendar/new", _event(), follow=True)
    proposal = Proposal.objects.get()
    assert answer.redirect_chain[-1][0] == f"/proposals/{proposal.pk}/"
    assert proposal.kind == ProposalKind.CALENDAR_EVENT_NEW and proposal.status == ProposalStatus.PENDING
    assert proposal.source_note == EVENT_PAGE
    assert not Event.objects.exists(), "nothing is on the calendar before a moderator approves"
    assert "Twinning conference" not in client.get("/events/").content.decode()

    client.force_login(moderator)
    queue = client.get("/proposals/").content.decode()
    assert "New event of the whole network: Twinning conference &lt;script&gt;" in queue
    detail = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "First day" in detail and _soon(30).isoformat() in detail and "Europe/Paris" in detail
    assert "<script>alert" not in detail
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/proposals/{proposal.pk}/decide", {"decision": "approve", "reason": ""})

    event = Event.objects.get()
    assert (event.title, event.start_time, event.time_zone) == (
        "Twinning conference " + HOSTILE,
        dt.time(9, 30),
        "Europe/Paris",
    )
    assert event.place is None and event.link is None
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    version = Version.objects.get(change=proposal.applied_change)
    assert version.proposal == proposal and version.change.actor == moderator and version.source_note == EVENT_PAGE
    assert [m.to for m in mail.outbox] == [["contributor@example.org"]] and "approved" in mail.outbox[0].subject
    calendar = client.get("/events/").content.decode()
    assert "Twinning conference &lt;script&gt;" in calendar and f'href="/events/{event.pk}/"' in calendar
    assert "Twinning conference " + HOSTILE in _ical_titles(client)


def test_a_rejected_event_stays_off_the_calendar_and_the_proposer_is_told_why(
    link, contributor, moderator, client, django_capture_on_commit_callbacks
):
    client.force_login(contributor)
    client.post(f"/proposals/calendar/links/{link.pk}/new", _event(title="Fake visit", kind="visit"))
    proposal = Proposal.objects.get()
    assert proposal.payload["link"] == link.pk and proposal.summary.startswith("New event of Coventry – Volgograd")
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/proposals/{proposal.pk}/decide", {"decision": "reject", "reason": "No such visit is planned."})
    assert Proposal.objects.get().status == ProposalStatus.REJECTED
    assert not Event.objects.exists()
    assert "Fake visit" not in client.get("/events/").content.decode()
    assert "Fake visit" not in _ical_titles(client, f"/feeds/events/links/{link.pk}.ics")
    assert "No such visit is planned." in mail.outbox[0].body


def test_a_proposed_event_of_a_place_lands_in_the_places_feed(link, contributor, moderator, client):
    place = link.parties.first().place
    client.force_login(contributor)
    assert client.get(f"/events/places/{place.pk}/new")["Location"] == f"/proposals/calendar/places/{place.pk}/new"
    client.post(f"/proposals/calendar/places/{place.pk}/new", _event(title="Twinning fair"))
    proposal = Proposal.objects.get()
    client.force_login(moderator)
    client.post(f"/proposals/{proposal.pk}/decide", {"decision": "approve", "reason": ""})
    assert Event.objects.get().place == place
    assert "Twinning fair" in _ical_titles(client, f"/feeds/events/places/{place.pk}.ics")


def test_an_event_proposal_must_say_where_it_comes_from_and_be_a_valid_event(link, contributor, client):
    client.force_login(contributor)
    answer = client.post("/proposals/calendar/new", _event(source_url="", end_date=_soon(1).isoformat()))
    page = answer.content.decode()
    assert answer.status_code == 400 and not Proposal.objects.exists()
    assert "Say where this comes from" in page and "There is a problem" in page
    answer = client.post("/proposals/calendar/new", _event(end_date=_soon(1).isoformat()))
    assert answer.status_code == 400 and "The last day cannot be before the first." in answer.content.decode()
    assert not Proposal.objects.exists(), "checked by the service that would apply it, when proposed"


def test_visitors_are_sent_to_sign_in_and_unconfirmed_accounts_told_to_confirm(link, client):
    from accounts.testing import account_create

    for url in ("/events/new", f"/events/links/{link.pk}/new", "/proposals/calendar/new"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    client.force_login(account_create("new@example.org", verified=False))
    answer = client.get("/events/new", follow=True)
    assert answer.status_code == 403 and "Confirm your email address first" in answer.content.decode()
