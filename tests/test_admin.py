"""A moderator records links, status events and sources through the admin."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.testing import account_create
from audit.models import ChangeRecord
from core.partial_dates import PartialDate
from links.models import Link, StatusEvent
from links.services import link_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    user = account_create("officer@example.org", role=Role.MODERATOR)
    client.force_login(user)
    return user


@pytest.fixture
def towns(make_place):
    return make_place("Testford", "GB", subdivision="GB-ENG"), make_place("Probestadt", "DE")


def management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def link_form(towns, source, *, parties: int = 2, **overrides: str) -> dict[str, str]:
    data = {
        "name": "",
        "kind": "formal",
        "purposes": ["2"],
        "first_contact": "1950",
        "agreement": "1956-05",
        "endorsing_body": "Both councils",
        "description": "",
        "edit_version": "",
    }
    data |= management("parties", 2) | management("citations", 1) | management("events", 0)
    for i, town in enumerate(towns[:parties]):
        data[f"parties-{i}-place"] = str(town.pk)
    data["citations-0-source"] = str(source.pk)
    data["citations-0-quote"] = "Resolved to twin."
    data.update(overrides)
    return data


def errors_of(response) -> str:
    return response.content.decode()


def test_officer_adds_a_link_through_the_admin_and_it_is_logged(client, officer, towns, source):
    response = client.post(reverse("admin:links_link_add"), link_form(towns, source))
    assert response.status_code == 302, errors_of(response)
    link = Link.objects.get()
    assert link.title == "Testford – Probestadt"
    assert str(link.agreement_on) == "May 1956"
    assert link.citations.get().quote == "Resolved to twin."
    assert ChangeRecord.objects.filter(actor=officer, summary="Added link Testford – Probestadt").exists()


def test_a_link_with_one_party_gets_a_plain_error(client, officer, towns, source):
    response = client.post(reverse("admin:links_link_add"), link_form(towns, source, parties=1))
    assert response.status_code == 200
    assert "A link needs at least two parties." in errors_of(response)
    assert Link.objects.count() == 0


def test_first_contact_after_agreement_gets_a_plain_error(client, officer, towns, source):
    response = client.post(reverse("admin:links_link_add"), link_form(towns, source, first_contact="1960"))
    assert "is dated before the first contact" in errors_of(response)
    assert Link.objects.count() == 0


def test_a_badly_written_date_says_how_to_write_it(client, officer, towns, source):
    response = client.post(reverse("admin:links_link_add"), link_form(towns, source, agreement="May 1956"))
    assert "Write a year (1947), a year and month (2018-03)" in errors_of(response)


@pytest.fixture
def link(towns, actor, cite):
    return link_create(
        actor=actor, parties=list(towns), kind="formal", citations=cite(), agreement=PartialDate.parse("1995")
    )


def event_form(link, source, **overrides: str) -> dict[str, str]:
    data = {
        "link": str(link.pk),
        "date": "2022-03-22",
        "status": "paused",
        "category": "war",
        "reason": "Invasion of Ukraine",
        "deciding_body": "Full council",
        "decision_note": "Unanimous",
        "sequence": "",
        "edit_version": "",
    }
    data |= management("citations", 1)
    data["citations-0-source"] = str(source.pk)
    data["citations-0-quote"] = "Council resolved to pause the link."
    data.update(overrides)
    return data


def test_officer_records_a_status_event_with_its_source(client, officer, link, source):
    response = client.post(reverse("admin:links_statusevent_add"), event_form(link, source))
    assert response.status_code == 302, errors_of(response)
    event = StatusEvent.objects.get()
    assert (event.status, str(event.when), event.deciding_body) == ("paused", "22 March 2022", "Full council")
    assert event.citations.get().quote == "Council resolved to pause the link."


def test_a_status_change_with_no_source_gets_a_plain_error(client, officer, link, source):
    data = event_form(link, source, **{"citations-0-source": "", "citations-0-quote": ""})
    response = client.post(reverse("admin:links_statusevent_add"), data)
    assert "A status change must cite its source" in errors_of(response)
    assert StatusEvent.objects.count() == 0


def test_an_event_before_the_link_began_gets_a_plain_error(client, officer, link, source):
    response = client.post(reverse("admin:links_statusevent_add"), event_form(link, source, date="1990"))
    assert "is dated before the link began (1995)" in errors_of(response)
    assert StatusEvent.objects.count() == 0


def test_a_stale_edit_in_the_admin_is_refused(client, officer, link, source):
    url = reverse("admin:links_link_change", args=[link.pk])
    page = client.get(url)
    assert 'name="edit_version" value="1"' in page.content.decode()
    data = link_form([p.place for p in link.parties.all()], source, description="First officer", edit_version="1")
    data |= management("parties", 2, initial=2) | management("citations", 1, initial=1)
    for i, party in enumerate(link.parties.all()):
        data[f"parties-{i}-id"] = str(party.pk)
        data[f"parties-{i}-link"] = str(link.pk)
    data["citations-0-id"] = str(link.citations.get().pk)
    data["citations-0-link"] = str(link.pk)
    data["citations-0-quote"] = link.citations.get().quote
    data |= {"first_contact": "", "agreement": "1995"}
    assert client.post(url, data).status_code == 302
    link.refresh_from_db()
    assert (link.description, link.version) == ("First officer", 2)
    data["description"] = "Second officer, from the stale page"
    response = client.post(url, data, follow=True)
    assert "changed by someone else" in response.content.decode()
    link.refresh_from_db()
    assert link.description == "First officer"


def test_officer_adds_a_source_with_a_partial_date(client, officer):
    response = client.post(
        reverse("admin:sources_source_add"),
        {
            "title": "Full council minutes",
            "kind": "official",
            "publisher": "Testford Council",
            "author": "",
            "url": "https://example.org/minutes",
            "document": "",
            "published": "2022-03",
            "note": "",
            "edit_version": "",
        },
    )
    assert response.status_code == 302, errors_of(response)
    from sources.models import Source

    assert str(Source.objects.get().published_on) == "March 2022"


def test_nothing_can_be_deleted_from_the_admin(client, officer, link):
    assert client.get(reverse("admin:links_link_delete", args=[link.pk])).status_code == 403


def test_editing_a_partys_role_in_the_admin_keeps_the_party(client, officer, link, source):
    url = reverse("admin:links_link_change", args=[link.pk])
    towns = [p.place for p in link.parties.all()]
    data = link_form(towns, source, edit_version="1", first_contact="", agreement="1995")
    data |= management("parties", 2, initial=2) | management("citations", 1, initial=1)
    for i, party in enumerate(link.parties.all()):
        data[f"parties-{i}-id"] = str(party.pk)
        data[f"parties-{i}-link"] = str(link.pk)
    data["parties-1-role"] = "partner city"
    citation = link.citations.get()
    data |= {"citations-0-id": str(citation.pk), "citations-0-link": str(link.pk), "citations-0-quote": citation.quote}
    response = client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    assert [(p.place.name, p.role) for p in link.parties.all()] == [("Testford", ""), ("Probestadt", "partner city")]
