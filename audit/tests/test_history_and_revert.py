"""A record's history shows every change with who, why and on what source; moderators revert,
and a revert is itself a change in the history."""

from __future__ import annotations

import pytest

from accounts.models import Role
from accounts.testing import account_create
from audit.models import ChangeRecord, PrivilegedAction, Version
from audit.revert import change_revert
from audit.services import Actor, provenance
from core.partial_dates import PartialDate
from links.models import Link, StatusEvent
from links.services import link_create, link_update, status_event_record
from sources.services import citation_remove

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(actor, make_place, cite):
    return link_create(
        actor=actor,
        parties=[make_place("Coventry", "GB"), make_place("Volgograd", "RU")],
        kind="formal",
        citations=cite(),
        first_contact=PartialDate.parse("1944"),
    )


@pytest.fixture
def moderator():
    return Actor(user=account_create("moderator@example.org", role=Role.MODERATOR))


@pytest.fixture
def editor():
    return Actor(user=account_create("editor@example.org", role=Role.MODERATOR))


def latest_change(**which) -> ChangeRecord:
    return ChangeRecord.objects.filter(**which).order_by("-id").first()


def test_the_history_page_shows_who_what_why_and_the_source(link, editor, moderator, client):
    with provenance(reason="The charter says so.", source_note="https://example.org/charter"):
        link_update(actor=editor, link=link, endorsing_body="Both city councils")
    page = client.get(f"/links/{link.pk}/history/").content.decode()
    assert "Both city councils" in page and "The charter says so." in page
    assert "https://example.org/charter" in page
    assert f"member {editor.user.pk}" in page and "editor@example.org" not in page and ">editor<" not in page
    assert "Revert" not in page, "visitors cannot revert"

    client.force_login(moderator.user)
    page = client.get(f"/links/{link.pk}/history/").content.decode()
    assert "editor" in page, "moderators see who made a change"
    assert "Revert" in page


def test_a_moderator_reverts_an_edit_and_the_revert_is_a_change_of_its_own(link, editor, moderator):
    link_update(actor=editor, link=link, endorsing_body="Vandalised", agreement=PartialDate.parse("1999"))
    vandalism = latest_change(action="update")

    done = change_revert(actor=moderator, change=vandalism, reason="Vandalism")

    link = Link.objects.get(pk=link.pk)
    assert link.endorsing_body == "" and link.agreement is None
    assert done.version.reverts == vandalism and done.version.reason == "Vandalism"
    assert done.actor == moderator.user and done.changes["endorsing_body"] == ["Vandalised", ""]
    assert PrivilegedAction.objects.filter(kind="revert").count() == 1


def test_a_revert_is_refused_when_the_record_was_changed_again_since(link, editor, moderator):
    link_update(actor=editor, link=link, endorsing_body="First")
    first = latest_change(action="update")
    link_update(actor=editor, link=Link.objects.get(pk=link.pk), endorsing_body="Second")
    with pytest.raises(Exception, match="changed again since"):
        change_revert(actor=moderator, change=first, reason="Wrong")
    assert Link.objects.get(pk=link.pk).endorsing_body == "Second", "the later edit is not lost"
    assert not Version.objects.filter(reverts=first).exists()


def test_reverting_a_recorded_event_removes_it_and_reverting_that_brings_it_back(link, moderator, cite):
    event = status_event_record(actor=moderator, link=link, when=PartialDate.parse("2022-03"), status="paused",
                                citations=cite())  # fmt: skip
    assert Link.objects.get(pk=link.pk).current_status == "paused"
    created = latest_change(action="create", target_id=event.pk, target_type__model="statusevent")

    removal = change_revert(actor=moderator, change=created, reason="Recorded on the wrong link")
    assert not StatusEvent.objects.filter(pk=event.pk).exists() and StatusEvent.all_objects.filter(pk=event.pk)
    assert Link.objects.get(pk=link.pk).current_status == "unknown", "the link's status no longer counts it"

    change_revert(actor=moderator, change=removal, reason="It was the right link after all")
    assert StatusEvent.objects.filter(pk=event.pk).exists()
    assert Link.objects.get(pk=link.pk).current_status == "paused"


def test_a_withdrawn_citation_is_cited_again_by_a_revert(link, moderator):
    citation = link.citations.get()
    citation_remove(actor=moderator, citation=citation)
    assert not link.citations.exists()
    change_revert(actor=moderator, change=latest_change(action="retract"), reason="Removed by mistake")
    restored = link.citations.get()
    assert (restored.source_id, restored.quote) == (citation.source_id, citation.quote)


@pytest.mark.parametrize("role", ["", Role.ASSOCIATION_EDITOR, Role.COUNCIL_OFFICER])
def test_only_moderators_and_admins_revert(link, editor, role, client):
    from associations.models import Association

    link_update(actor=editor, link=link, endorsing_body="Kept")
    change = latest_change(action="update")
    scope = {}
    if role == Role.ASSOCIATION_EDITOR:
        scope["association"] = Association.objects.create(name="Friends")
    if role == Role.COUNCIL_OFFICER:
        scope["place"] = link.parties.first().place
    client.force_login(account_create("someone@example.org", role=role, **scope))
    answer = client.post(f"/history/changes/{change.pk}/revert", {"reason": "Because", "next": "/"})
    assert answer.status_code == 403
    assert Link.objects.get(pk=link.pk).endorsing_body == "Kept"


def test_a_revert_through_the_page_needs_a_reason_and_happens_once(link, editor, moderator, client):
    link_update(actor=editor, link=link, endorsing_body="Wrong")
    change = latest_change(action="update")
    client.force_login(moderator.user)
    back = f"/links/{link.pk}/history/"
    answer = client.post(f"/history/changes/{change.pk}/revert", {"reason": "", "next": back}, follow=True)
    assert "Say why you revert this change" in answer.content.decode()
    assert Link.objects.get(pk=link.pk).endorsing_body == "Wrong"

    client.post(f"/history/changes/{change.pk}/revert", {"reason": "Wrong body", "next": back})
    assert Link.objects.get(pk=link.pk).endorsing_body == ""
    again = client.post(f"/history/changes/{change.pk}/revert", {"reason": "Again", "next": back}, follow=True)
    assert "already been reverted" in again.content.decode()
    assert "Reverted later." in again.content.decode()


def test_an_erased_members_changes_read_a_former_member(link, client):
    from accounts.privacy import account_erase
    from accounts.testing import PASSWORD

    person = account_create("leaver@example.org", role=Role.MODERATOR, password=PASSWORD)
    link_update(actor=Actor(user=person), link=link, endorsing_body="Before I left")
    account_erase(user=person, password=PASSWORD)
    page = client.get(f"/links/{link.pk}/history/").content.decode()
    assert "a former member" in page and "leaver" not in page


def test_history_pages_exist_for_places_and_sources_and_count_their_queries(
    link, editor, client, django_assert_max_num_queries
):
    place = link.parties.first().place
    source = link.citations.get().source
    for n in range(5):
        link_update(actor=editor, link=Link.objects.get(pk=link.pk), endorsing_body=f"Edit {n}")
    assert "History of Coventry" in client.get(f"/places/{place.pk}/history/").content.decode()
    assert "History of Council minutes" in client.get(f"/sources/{source.pk}/history/").content.decode()
    with django_assert_max_num_queries(12):
        page = client.get(f"/links/{link.pk}/history/")
    assert page.content.decode().count('<li id="change-') >= 7


def test_adding_or_removing_a_party_is_undone_by_a_revert(link, moderator, make_place):
    from links.services import party_add, party_remove

    kiel = make_place("Kiel", "DE")
    party_add(actor=moderator, link=link, party=kiel, role="third partner")
    change_revert(actor=moderator, change=latest_change(action="update"), reason="Kiel is not a party")
    assert not link.parties.filter(place=kiel).exists()

    volgograd = link.parties.get(place__name="Volgograd")
    party_add(actor=moderator, link=link, party=kiel)  # a link keeps two parties: add one before removing
    party_remove(actor=moderator, party=volgograd)
    change_revert(actor=moderator, change=latest_change(action="update"), reason="Removed in error")
    assert link.parties.filter(place__name="Volgograd").exists()
