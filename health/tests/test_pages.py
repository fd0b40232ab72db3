"""The health pages as people use them, without JavaScript: the link page's health and timeline, recording an
activity, confirming a link still runs, the council dashboard and its CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.services import Actor
from health.models import Activity, HealthState, LinkHealth, Verification
from health.services import verification_record

NOW = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_link_page_shows_activities_on_the_timeline_health_with_reasons_and_last_verification(client, town, record):
    record(town.link, "2025-09-14", title="Youth choir visit", participants=30, participants_under_30=22)
    verification_record(actor=Actor(user=town.officer), link=town.link, answer="active", by_role="council_officer")
    page = client.get(town.link.get_absolute_url()).content.decode()
    assert "Youth choir visit" in page and "30 people took part, 22 of them under 30" in page
    # The decided status and the health stay apart: one is what was decided, the other what still happens.
    assert 'class="tag status-active"' in page and 'class="tag health health-active"' in page
    assert "An activity was recorded within the last two years." in page
    assert 'Last verified on <time datetime="2026-06-01">1 June 2026</time> by a council officer.' in page
    # In time order: the 1960 decision before the 2025 visit.
    assert page.index("1960") < page.index("Youth choir visit")


def test_an_unknown_link_says_why_and_never_verified(client, town):
    page = client.get(town.other_link.get_absolute_url()).content.decode()
    assert "health-unknown" in page
    assert "No activity has been recorded and nobody has verified it yet." in page and "Never verified." in page


def test_the_association_editor_records_an_activity_with_a_plain_form(client, town):
    client.force_login(town.editor)
    url = f"/health/links/{town.link.pk}/activities/new"
    form = client.get(url)
    assert form.status_code == 200 and "Probestadt" in form.content.decode()  # who travelled: the link's parties
    party = town.link.parties.get(place=town.testford)
    answer = client.post(
        url,
        {
            "kind": "visit",
            "title": "Mayor's delegation",
            "when": "2026-04",
            "travelling_party": party.pk,
            "participants": "6",
            "cost": "6854",
            "cost_currency": "gbp",
        },
    )
    assert answer.status_code == 302 and answer["Location"].endswith("#timeline")
    activity = Activity.objects.get()
    assert (activity.title, activity.when.iso(), activity.cost_currency) == ("Mayor's delegation", "2026-04", "GBP")
    page = client.get(answer["Location"]).content.decode()
    assert "The activity is recorded" in page and "Mayor&#x27;s delegation" in page and "Cost: 6854.00 GBP" in page
    assert f"/health/activities/{activity.pk}/edit" in page


def test_an_activity_cites_a_source_already_in_the_registry_by_its_page_address_or_number(client, town, actor):
    from sources.services import source_create

    minutes = source_create(actor=actor, title="Testford council minutes, May 2026", kind="official")
    client.force_login(town.editor)
    url = f"/health/links/{town.link.pk}/activities/new"
    base = {"kind": "visit", "title": "Choir exchange", "when": "2026-05"}
    wrong = client.post(url, base | {"source": "99999"})
    assert wrong.status_code == 400 and "No source 99999 in the registry" in wrong.content.decode()
    elsewhere = client.post(url, base | {"source": f"https://elsewhere.example/sources/{minutes.pk}/"})
    assert elsewhere.status_code == 400 and "is not the address of a source&#x27;s page on this hub" in (
        elsewhere.content.decode()
    )
    assert not Activity.objects.exists()
    saved = client.post(url, base | {"source": f"http://testserver/fr/sources/{minutes.pk}/"})
    assert saved.status_code == 302
    activity = Activity.objects.get()
    assert activity.source == minutes
    page = client.get(town.link.get_absolute_url()).content.decode()
    assert f'<a href="{minutes.get_absolute_url()}">Testford council minutes, May 2026</a>' in page
    edit = client.get(f"/health/activities/{activity.pk}/edit").content.decode()
    assert f'value="{minutes.pk}"' in edit  # the edit form keeps it


def test_a_bad_activity_gets_an_error_summary_naming_each_field_and_nothing_is_saved(client, town):
    client.force_login(town.officer)
    answer = client.post(
        f"/health/links/{town.link.pk}/activities/new",
        {"kind": "picnic", "title": "", "when": "2030-01-01", "participants": "2", "participants_under_30": "5"},
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'class="error-summary"' in page and "Nothing was saved." in page
    assert "&#x27;picnic&#x27; is not one of the kinds of activity" in page
    assert "Title: This field is required." in page
    assert "More people under 30 (5) than people taking part (2)" in page
    answer = client.post(
        f"/health/links/{town.link.pk}/activities/new", {"kind": "visit", "title": "Later", "when": "2030-01-01"}
    )
    assert answer.status_code == 400 and "cannot be in the future" in answer.content.decode()
    assert not Activity.objects.exists()


def test_someone_without_a_role_for_the_link_is_sent_to_propose_it(client, town, record):
    assert client.get(f"/health/links/{town.link.pk}/activities/new")["Location"].startswith("/accounts/login/")
    client.force_login(town.contributor)
    answer = client.get(f"/health/links/{town.link.pk}/activities/new", follow=True)
    assert answer.redirect_chain[-1][0] == f"/proposals/links/{town.link.pk}/activity"
    assert "Propose an activity on" in answer.content.decode()
    answer = client.post(f"/health/links/{town.link.pk}/activities/new", {"kind": "visit"})
    assert answer.status_code == 302 and not Activity.objects.exists()
    activity = record(town.link, "2025-09", title="Choir visit")
    answer = client.get(f"/health/activities/{activity.pk}/edit")
    assert answer.status_code == 403
    page = answer.content.decode()
    assert "Propose an activity" in page and "Testford Twinning Association" in page


def test_an_activity_is_edited_from_its_link_page(client, town, record):
    activity = record(town.link, "2025-09", title="Choir visit")
    client.force_login(town.editor)
    url = f"/health/activities/{activity.pk}/edit"
    assert "Choir visit" in client.get(url).content.decode()
    answer = client.post(url, {"kind": "exchange", "title": "School exchange", "when": "2025-09", "edit_version": 1})
    assert answer.status_code == 302
    activity.refresh_from_db()
    assert (activity.kind, activity.title, activity.version) == ("exchange", "School exchange", 2)
    stale = client.post(url, {"kind": "visit", "title": "Old", "when": "2025-09", "edit_version": 1})
    assert stale.status_code == 400 and "changed by someone else" in stale.content.decode()


def test_a_council_officer_confirms_from_the_link_page_that_it_is_still_active(client, town):
    client.force_login(town.officer)
    page = client.get(town.link.get_absolute_url()).content.decode()
    assert "I checked: it is still active" in page
    answer = client.post(f"/health/links/{town.link.pk}/verify", {"note": "Spoke to the secretary"})
    assert answer.status_code == 302
    verification = Verification.objects.get()
    assert (verification.by_role, verification.by_user, verification.note) == (
        "council_officer",
        town.officer,
        "Spoke to the secretary",
    )
    assert "Last verified on" in client.get(answer["Location"]).content.decode()
    client.force_login(town.editor)  # an association editor records activities, but does not verify
    assert "I checked" not in client.get(town.link.get_absolute_url()).content.decode()
    assert client.post(f"/health/links/{town.link.pk}/verify").status_code == 403
    assert Verification.objects.count() == 1


def test_a_moderator_verifies_as_a_moderator(client, town):
    client.force_login(town.moderator)
    assert client.get(f"/health/links/{town.foreign_link.pk}/verify").status_code == 200
    client.post(f"/health/links/{town.foreign_link.pk}/verify")
    assert Verification.objects.get().by_role == "moderator"


# ---------------------------------------------------------------- the council dashboard


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [row.split("</tr>")[0] for row in body.split("<tr>")[1:]]


def test_the_dashboard_lists_the_councils_links_stalest_first(client, town, record):
    record(town.link, "2025-09")  # active
    LinkHealth.objects.filter(link=town.other_link).delete()  # never worked out: unknown
    client.force_login(town.officer)
    page = client.get("/health/council/").content.decode()
    rows = _rows(page)
    assert len(rows) == 2  # Probestadt – Essaiville has no party in Testford
    assert "Essaiville" in rows[0] and "health-unknown" in rows[0] and "never" in rows[0]
    assert "Probestadt" in rows[1] and "health-active" in rows[1] and ">September 2025<" in rows[1]
    assert "status-active" in rows[1]


def test_the_dashboard_csv_has_the_same_rows(client, town, record):
    record(town.link, "2025-09")
    verification_record(actor=Actor(user=town.officer), link=town.link, answer="active", by_role="council_officer")
    client.force_login(town.officer)
    answer = client.get("/health/council/links.csv")
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert [(r["link"], r["health"]) for r in rows] == [
        ("Testford – Essaiville", "unknown"),
        ("Testford – Probestadt", "active"),
    ]
    assert rows[1]["last_activity"] == "2025-09" and rows[1]["last_verified"] == "2026-06-01"
    assert rows[1]["last_verified_by"] == "council_officer" and rows[1]["status"] == "active"


def test_moderators_pick_any_place_and_others_may_not(client, town):
    client.force_login(town.moderator)
    assert "Choose a place" in client.get("/health/council/").content.decode()
    probestadt = town.foreign_link.parties.first().place
    page = client.get(f"/health/council/?place={probestadt.pk}").content.decode()
    assert len(_rows(page)) == 2
    assert client.get("/health/council/?place=999999").status_code == 404
    assert client.get("/health/council/?place=abc").status_code == 400
    client.force_login(town.officer)
    assert client.get(f"/health/council/?place={probestadt.pk}").status_code == 403
    client.force_login(town.contributor)
    assert client.get("/health/council/").status_code == 403
    assert client.get("/health/council/links.csv").status_code == 403


def test_the_dashboard_costs_the_same_queries_for_two_links_or_twenty(client, town, make_place, actor, cite, record):
    from links.services import link_create

    client.force_login(town.officer)
    client.get("/health/council/")  # sessions, roles and the like settle first
    with CaptureQueriesContext(connection) as few:
        client.get("/health/council/")
    for number in range(18):
        link = link_create(
            actor=actor, parties=[town.testford, make_place(f"Partner {number}", "FR")], kind="formal", citations=cite()
        )
        record(link, "2025-02")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/health/council/").content.decode()
    assert len(_rows(page)) == 20
    assert len(many.captured_queries) == len(few.captured_queries)
    assert LinkHealth.objects.filter(state=HealthState.ACTIVE).count() == 18
