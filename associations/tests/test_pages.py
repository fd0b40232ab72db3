"""The association pages: who sees which contact details, the list and its search, the editors'
pages and their refusals, the link page's "Run by", and constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.testing import account_create
from associations.models import Association, CommitteeRole, Contact
from associations.services import association_create, committee_role_add, committee_role_end, contact_add
from associations.tests.conftest import PRIVATE_EMAIL, PRIVATE_PHONE, PRIVATE_STREET, PUBLIC_EMAIL
from audit.models import PrivilegedAction, PrivilegedKind
from audit.services import Actor
from links.services import link_create

pytestmark = pytest.mark.django_db

PRIVATE = (PRIVATE_EMAIL, PRIVATE_PHONE, PRIVATE_STREET)


def page_of(client, association) -> str:
    response = client.get(association.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["visitor", "unverified", "contributor", "other_editor", "council_officer"])
def test_private_contact_details_never_reach_the_page_of_others(
    client, association, other_editor, towns, private_contact, public_contact, who
):
    if who == "other_editor":
        client.force_login(other_editor)
    elif who == "unverified":
        client.force_login(account_create("unverified@example.org", verified=False))
    elif who == "contributor":
        client.force_login(account_create("contributor@example.org"))
    elif who == "council_officer":
        client.force_login(account_create("officer@example.org", role=Role.COUNCIL_OFFICER, place=towns[0]))
    html = page_of(client, association)
    for detail in PRIVATE:
        assert detail not in html
    assert "Jo Secretary" not in html
    assert PUBLIC_EMAIL in html
    assert "The details of 1 contact are kept private." in html
    assert reverse("associations:contact", args=[association.pk]) in html
    assert not PrivilegedAction.objects.exists()


def test_the_associations_own_editor_sees_private_details_unlogged(client, association, editor, private_contact):
    client.force_login(editor)
    html = page_of(client, association)
    for detail in PRIVATE:
        assert detail in html
    assert "private: shown only to" in html
    assert not PrivilegedAction.objects.exists()  # their own association's contacts: nothing to account for


def test_a_moderator_sees_private_details_and_that_is_logged(client, association, moderator, private_contact):
    client.force_login(moderator)
    html = page_of(client, association)
    for detail in PRIVATE:
        assert detail in html
    logged = PrivilegedAction.objects.get()
    assert logged.kind == PrivilegedKind.CONTACT_READ and logged.actor == moderator
    assert logged.target_id == association.pk


def test_no_log_when_a_moderator_is_shown_only_public_details(client, association, moderator, public_contact):
    client.force_login(moderator)
    assert PUBLIC_EMAIL in page_of(client, association)
    assert not PrivilegedAction.objects.exists()


def test_the_page_shows_the_links_website_meeting_place_and_committee(client, association, link, editor):
    actor = Actor(user=editor)
    committee_role_add(
        actor=actor, association=association, person="Sam Chair", role="chair", term_start=dt.date(2021, 6, 1)
    )
    old = committee_role_add(
        actor=actor, association=association, person="Pat Former", role="treasurer", term_start=dt.date(2015, 1, 1)
    )
    committee_role_end(actor=actor, committee_role=old, term_end=dt.date(2020, 12, 31))
    html = page_of(client, association)
    assert "Testford Library, first Tuesday of the month" in html
    assert 'href="https://twinning.example.org"' in html
    assert link.get_absolute_url() in html and "Status today" in html
    now, past = html.split("The committee now")[1].split("Past committee members")
    assert "Sam Chair" in now and "Pat Former" not in now
    assert "Pat Former" in past and "31 December 2020" in past
    assert "Edit the association" not in html  # a visitor is offered no editing


def test_an_association_with_nothing_to_reach_says_so(client, association):
    html = page_of(client, association)
    assert "no way to reach this association" in html
    assert reverse("associations:contact", args=[association.pk]) not in html


def test_a_removed_association_is_gone_from_its_page_and_the_list(client, association, moderator):
    from associations.services import association_update

    url = association.get_absolute_url()
    association_update(actor=Actor(user=moderator), association=association, removed=True)
    assert client.get(url).status_code == 404
    assert association.name not in client.get(reverse("associations:list")).content.decode()


def test_the_short_and_old_addresses_lead_to_the_page(client, association):
    response = client.get(f"/associations/{association.pk}/")
    assert response.status_code == 301 and response["Location"] == association.get_absolute_url()
    assert client.get(f"/associations/{association.pk}/an-old-name").status_code == 301
    assert client.get("/associations/999999/").status_code == 404


def test_a_name_that_is_a_page_word_still_has_its_own_page(client, actor):
    contact = association_create(actor=actor, name="Contact")
    assert contact.get_absolute_url().endswith("/contact-association")
    assert client.get(contact.get_absolute_url()).status_code == 200


def test_the_list_searches_names_without_minding_case_or_accents(client, association, other_association, actor):
    association_create(actor=actor, name="Amis de Zürich")
    html = client.get(reverse("associations:list"), {"q": "ZURICH"}).content.decode()
    assert "Amis de Zürich" in html and association.name not in html
    html = client.get(reverse("associations:list"), {"q": "probestadt"}).content.decode()
    assert association.name in html and other_association.name not in html


def test_the_list_filters_by_the_country_of_the_links(client, association, other_association):
    html = client.get(reverse("associations:list"), {"country": "at"}).content.decode()
    assert other_association.name in html and association.name not in html
    refused = client.get(reverse("associations:list"), {"country": "XX"})
    assert refused.status_code == 400
    assert "is not a country code" in refused.content.decode()


def test_the_link_page_says_who_runs_it(client, association, link):
    html = client.get(link.get_absolute_url()).content.decode()
    assert "Run by" in html and association.get_absolute_url() in html


def test_the_main_navigation_leads_to_the_associations(client, db):
    html = client.get(reverse("links:home")).content.decode()
    assert f'href="{reverse("associations:list")}"' in html


# ---------------------------------------------------------------- editors' pages


def test_an_editor_edits_their_association_through_its_page(client, association, editor):
    client.force_login(editor)
    assert "Edit the association" in page_of(client, association)
    url = reverse("associations:edit", args=[association.pk])
    assert client.get(url).status_code == 200
    form = {
        "name": association.name,
        "website": "https://new.example.org",
        "meeting_place": "The Corn Exchange",
        "description": "",
        "edit_version": "1",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    association.refresh_from_db()
    assert association.meeting_place == "The Corn Exchange" and association.version == 2
    stale = client.post(url, form | {"meeting_place": "Somewhere else"})
    assert stale.status_code == 400 and "changed by someone else" in stale.content.decode()


@pytest.mark.parametrize("who", ["visitor", "contributor", "other_editor"])
def test_others_get_a_403_that_says_why_and_nothing_changes(client, association, other_editor, private_contact, who):
    if who == "contributor":
        client.force_login(account_create("contributor@example.org"))
    elif who == "other_editor":
        client.force_login(other_editor)
    pages = [
        ("associations:edit", [association.pk], {"name": "Taken over", "edit_version": "1"}),
        (
            "associations:committee_add",
            [association.pk],
            {"person": "Spy", "role": "chair", "term_start": "2024-01-01"},
        ),
        ("associations:contact_add", [association.pk], {"name": "Spy", "email": "spy@example.org"}),
        ("associations:contact_edit", [association.pk, private_contact.pk], {"name": "Spy", "email": "x@example.org"}),
        ("associations:contact_remove", [association.pk, private_contact.pk], {"edit_version": "1"}),
    ]
    for name, args, form in pages:
        url = reverse(name, args=args)
        for response in (client.get(url), client.post(url, form)):
            assert response.status_code == 403, url
            html = response.content.decode()
            assert "You cannot make this change" in html and "Nothing was changed" in html
            assert PRIVATE_EMAIL not in html
    association.refresh_from_db()
    private_contact.refresh_from_db()
    assert association.name != "Taken over" and private_contact.name == "Jo Secretary" and not private_contact.removed
    assert not CommitteeRole.objects.exists() and Contact.objects.count() == 1


def test_an_editor_manages_the_committee_and_contacts(client, association, editor):
    client.force_login(editor)
    added = client.post(
        reverse("associations:committee_add", args=[association.pk]),
        {"person": "Sam Chair", "role": "chair", "title": "", "term_start": "2021-06-01", "term_end": ""},
    )
    assert added.status_code == 302
    chair = CommitteeRole.objects.get()
    backwards = client.post(
        reverse("associations:committee_end", args=[association.pk, chair.pk]), {"term_end": "2020-01-01"}
    )
    assert backwards.status_code == 400 and "cannot end before it began" in backwards.content.decode()
    ended = client.post(
        reverse("associations:committee_end", args=[association.pk, chair.pk]),
        {"term_end": "2024-05-31", "edit_version": "1"},
    )
    assert ended.status_code == 302
    chair.refresh_from_db()
    assert chair.term_end == dt.date(2024, 5, 31)

    client.post(
        reverse("associations:contact_add", args=[association.pk]),
        {"name": "Jo Secretary", "role": "Secretary", "email": PRIVATE_EMAIL, "phone": "", "postal_address": ""},
    )
    contact = Contact.objects.get()
    assert not contact.public, "contact details are private unless the editor says otherwise"
    removed = client.post(
        reverse("associations:contact_remove", args=[association.pk, contact.pk]), {"edit_version": "1"}
    )
    assert removed.status_code == 302
    contact.refresh_from_db()
    assert contact.removed
    assert PRIVATE_EMAIL not in page_of(client, association)


# ---------------------------------------------------------------- query counts


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.fixture
def grow(actor, make_place, cite, association):
    """Add `n` associations, and `n` more links, committee roles and contacts to `association`."""

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            here, there = make_place(f"Hometown {i}", "GB"), make_place(f"Partnerort {i}", "DE")
            link = link_create(actor=actor, parties=[here, there], kind="formal", citations=cite())
            association.links.add(link)
            association_create(actor=actor, name=f"Hometown {i} Twinning", links=[link])
            committee_role_add(
                actor=actor,
                association=association,
                person=f"Member {i}",
                role="member",
                term_start=dt.date(2020, 1, 1),
            )
            contact_add(
                actor=actor, association=association, name=f"Contact {i}", email=f"c{i}@example.org", public=i % 2 == 0
            )

    return add


@pytest.mark.parametrize("who", ["visitor", "editor", "moderator"])
@pytest.mark.parametrize("page", ["list", "detail", "search"])
def test_list_and_detail_pages_run_a_constant_number_of_queries(
    client, settings, grow, association, editor, moderator, who, page
):
    settings.PAGE_CACHE = False  # count the page's own queries, not the cache's
    if who == "editor":
        client.force_login(editor)
    elif who == "moderator":
        client.force_login(moderator)
    url = {
        "list": reverse("associations:list"),
        "detail": association.get_absolute_url(),
        "search": reverse("associations:list") + "?q=twinning&country=DE",
    }[page]
    grow(2, start=0)
    few = queries(client, url)
    grow(6, start=2)
    assert queries(client, url) == few


def test_the_link_page_runs_a_constant_number_of_queries_whoever_runs_it(client, settings, actor, link, association):
    settings.PAGE_CACHE = False
    few = queries(client, link.get_absolute_url())
    for i in range(4):
        association_create(actor=actor, name=f"Another runner {i}", links=[link])
    assert queries(client, link.get_absolute_url()) == few
    assert Association.objects.filter(links=link).count() == 5


def test_the_description_is_safe_markdown(client, actor):
    association = association_create(
        actor=actor, name="Markdown Friends", description="We **meet** monthly. <script>alert(1)</script>"
    )
    html = page_of(client, association)
    assert "<strong>meet</strong>" in html and "<script>alert(1)" not in html
