"""Contributors propose, moderators decide, trusted roles apply at once; every path leaves a version."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import Role
from accounts.testing import account_create
from audit.models import ChangeRecord, PrivilegedAction, Version
from links.models import Link, StatusEvent
from proposals.models import Proposal, ProposalStatus
from proposals.tests.conftest import CITING

pytestmark = pytest.mark.django_db


def correction(link, **changes):
    """The correction form as the link page fills it in, with `changes` made."""
    values = {
        "name": link.name,
        "kind": link.kind,
        "first_contact": link.first_contact_on.iso() if link.first_contact_on else "",
        "agreement": "",
        "endorsing_body": link.endorsing_body,
        "description": link.description,
        "version": link.version,
    }
    return values | CITING | changes


def test_a_contributors_correction_waits_for_a_moderator_who_approves_it(
    link, contributor, moderator, client, django_capture_on_commit_callbacks
):
    client.force_login(contributor)
    answer = client.post(f"/proposals/links/{link.pk}/correct", correction(link, agreement="1944-07"), follow=True)
    proposal = Proposal.objects.get()
    assert answer.redirect_chain[-1][0] == f"/proposals/{proposal.pk}/"
    assert "A moderator will review your proposal" in answer.content.decode()
    assert proposal.status == ProposalStatus.PENDING and proposal.payload == {"agreement": "1944-07"}
    assert Link.objects.get(pk=link.pk).agreement is None, "nothing changes before a moderator approves"

    client.force_login(moderator)
    queue = client.get("/proposals/").content.decode()
    assert proposal.summary in queue and "coventry.gov.uk" in queue
    detail = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "1944-07" in detail and "Approve and apply" in detail
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/proposals/{proposal.pk}/decide", {"decision": "approve", "reason": ""})

    link.refresh_from_db()
    assert str(link.agreement_on) == "July 1944"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED and proposal.decided_by == moderator
    version = Version.objects.get(change=proposal.applied_change)
    assert version.proposal == proposal and version.source_note == CITING["source_url"]
    assert version.change.actor == moderator and version.snapshot["agreement"] == "1944-07-01"
    assert link.citations.filter(source__url=CITING["source_url"]).exists(), "the change cites its source"
    assert [m.to for m in mail.outbox] == [["contributor@example.org"]]
    assert "approved" in mail.outbox[0].subject
    assert PrivilegedAction.objects.filter(kind="moderation").count() == 1


def test_a_rejection_needs_a_reason_and_the_proposer_is_told_it(
    link, contributor, moderator, client, django_capture_on_commit_callbacks
):
    client.force_login(contributor)
    client.post(f"/proposals/links/{link.pk}/correct", correction(link, description="Never happened."))
    proposal = Proposal.objects.get()
    client.force_login(moderator)
    refused = client.post(f"/proposals/{proposal.pk}/decide", {"decision": "reject", "reason": ""})
    assert refused.status_code == 400 and "Say why you reject it" in refused.content.decode()
    assert Proposal.objects.get().status == ProposalStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/proposals/{proposal.pk}/decide", {"decision": "reject", "reason": "The minutes say otherwise."})
    assert Proposal.objects.get().status == ProposalStatus.REJECTED
    assert Link.objects.get(pk=link.pk).description == link.description
    assert "The minutes say otherwise." in mail.outbox[0].body


def test_a_moderators_own_change_applies_at_once_with_its_source(link, moderator, client):
    client.force_login(moderator)
    answer = client.post(f"/proposals/links/{link.pk}/correct", correction(link, endorsing_body="Both councils"))
    assert answer.status_code == 302 and answer["Location"] == link.get_absolute_url()
    assert Link.objects.get(pk=link.pk).endorsing_body == "Both councils"
    assert not Proposal.objects.exists()
    version = Version.objects.filter(change__target_id=link.pk, change__action="update").get()
    assert version.source_note == CITING["source_url"] and version.reason == "As minuted."


def test_a_council_officer_applies_at_once_after_their_first_edits_were_reviewed(link, client, settings):
    officer = account_create("officer@example.org", role=Role.COUNCIL_OFFICER, place=link.parties.first().place)
    client.force_login(officer)
    client.post(f"/proposals/links/{link.pk}/status", {"date": "2022-03", "status": "paused"} | CITING)
    first = Proposal.objects.get()
    assert first.review_reasons == ["The first 3 changes of every new editor are reviewed by a moderator."]

    settings.FIRST_EDITS_REVIEWED = 0  # an established officer
    client.post(f"/proposals/links/{link.pk}/status", {"date": "2022-03", "status": "paused"} | CITING)
    assert StatusEvent.objects.filter(link=link, status="paused").count() == 1
    assert Link.objects.get(pk=link.pk).current_status == "paused"


def test_an_association_editor_may_correct_their_link_but_a_protected_one_goes_to_a_moderator(link, client, settings):
    from associations.models import Association

    settings.FIRST_EDITS_REVIEWED = 0
    association = Association.objects.create(name="Coventry–Volgograd Association")
    association.links.add(link)
    editor = account_create("editor@example.org", role=Role.ASSOCIATION_EDITOR, association=association)
    client.force_login(editor)
    client.post(f"/proposals/links/{link.pk}/correct", correction(link, endorsing_body="The association"))
    assert Link.objects.get(pk=link.pk).endorsing_body == "The association"

    Link.objects.filter(pk=link.pk).update(protected=True)
    link.refresh_from_db()
    client.post(f"/proposals/links/{link.pk}/correct", correction(link, endorsing_body="Someone else"))
    assert Link.objects.get(pk=link.pk).endorsing_body == "The association"
    assert Proposal.objects.get().review_reasons == ["This link is protected: a moderator reviews every change to it."]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"source_url": "", "why": ""}, "Say where this comes from"),
        ({"source_url": "not a web address"}, "Enter a full web address"),
        ({"first_contact": "1944-02-30"}, "1944-02-30"),
        ({"first_contact": "2999"}, "future"),
        ({"kind": "best friends"}, "not one of the"),
        ({"name": "Two\nlines"}, "one line of plain text"),
    ],
)
def test_bad_proposals_are_refused_with_a_reason_and_nothing_is_kept(link, contributor, client, change, message):
    client.force_login(contributor)
    answer = client.post(f"/proposals/links/{link.pk}/correct", correction(link, endorsing_body="x") | change)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Proposal.objects.exists()
    assert Link.objects.get(pk=link.pk).endorsing_body == ""


def test_an_event_the_service_would_refuse_is_refused_when_proposed_not_weeks_later(link, contributor, client):
    client.force_login(contributor)
    answer = client.post(f"/proposals/links/{link.pk}/status", {"date": "1900", "status": "ended"} | CITING)
    assert answer.status_code == 400
    assert "before the link began" in answer.content.decode()
    assert not Proposal.objects.exists() and not StatusEvent.objects.exists()


def test_nothing_changes_and_nothing_is_proposed_when_the_form_changes_nothing(link, contributor, client):
    client.force_login(contributor)
    answer = client.post(f"/proposals/links/{link.pk}/correct", correction(link))
    assert answer.status_code == 400 and "Nothing was changed" in answer.content.decode()


def test_visitors_are_sent_to_sign_in_and_unconfirmed_accounts_told_to_confirm(link, client):
    answer = client.get(f"/proposals/links/{link.pk}/correct")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/?next=")
    client.force_login(account_create("new@example.org", verified=False))
    answer = client.post(f"/proposals/links/{link.pk}/correct", correction(link, endorsing_body="x"))
    assert answer.status_code == 403 and "Confirm your email address first" in answer.content.decode()
    assert not Proposal.objects.exists()


def test_approving_a_proposal_about_a_record_changed_since_is_refused_and_it_keeps_waiting(
    link, contributor, moderator, client
):
    client.force_login(contributor)
    client.post(f"/proposals/links/{link.pk}/correct", correction(link, endorsing_body="Proposed"))
    proposal = Proposal.objects.get()
    client.force_login(moderator)
    client.post(f"/proposals/links/{link.pk}/correct", correction(link, description="Edited meanwhile."))
    answer = client.post(f"/proposals/{proposal.pk}/decide", {"decision": "approve"})
    assert answer.status_code == 400 and "changed by someone else" in answer.content.decode()
    assert Proposal.objects.get().status == ProposalStatus.PENDING
    assert Link.objects.get(pk=link.pk).endorsing_body == ""


def test_only_moderators_see_the_queue_or_decide(link, contributor, client):
    client.force_login(contributor)
    client.post(f"/proposals/links/{link.pk}/correct", correction(link, endorsing_body="x"))
    proposal = Proposal.objects.get()
    assert client.get("/proposals/").status_code == 403
    assert client.post(f"/proposals/{proposal.pk}/decide", {"decision": "approve"}).status_code == 403
    other = account_create("other@example.org")
    client.force_login(other)
    assert client.get(f"/proposals/{proposal.pk}/").status_code == 403, "a proposal is its proposer's and moderators'"
    assert Proposal.objects.get().status == ProposalStatus.PENDING


def test_a_proposer_withdraws_a_waiting_proposal(link, contributor, client):
    client.force_login(contributor)
    client.post(f"/proposals/links/{link.pk}/correct", correction(link, endorsing_body="x"))
    proposal = Proposal.objects.get()
    client.post(f"/proposals/{proposal.pk}/withdraw")
    assert Proposal.objects.get().status == ProposalStatus.WITHDRAWN
    mine = client.get("/proposals/mine").content.decode()
    assert "withdrawn" in mine


def test_proposals_are_rate_limited(link, contributor, client, settings):
    settings.PROPOSAL_RATE = "2/h"
    client.force_login(contributor)
    answers = [
        client.post(f"/proposals/links/{link.pk}/correct", correction(link, endorsing_body=f"try {n}"))
        for n in range(3)
    ]
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert "Please wait" in answers[2].content.decode() and answers[2]["Retry-After"]
    assert Proposal.objects.count() == 2


def test_a_new_link_is_proposed_by_place_names_and_approved(db, actor, make_place, contributor, moderator, client):
    make_place("Kiel", "DE")
    make_place("Brest", "FR")
    client.force_login(contributor)
    form = {"first_place": "kiel", "first_country": "DE", "second_place": "Brest", "second_country": "FR"}
    client.post("/proposals/links/new", form | {"kind": "formal", "agreement": "1964"} | CITING)
    proposal = Proposal.objects.get()
    assert proposal.summary == "New link between Kiel (Germany) and Brest (France)"
    client.force_login(moderator)
    client.post(f"/proposals/{proposal.pk}/decide", {"decision": "approve"})
    created = Link.objects.get()
    assert set(created.title.split(" – ")) == {"Kiel", "Brest"} and str(created.agreement_on) == "1964"
    assert created.citations.get().source.url == CITING["source_url"]


def test_a_new_link_between_unknown_places_is_refused_with_what_to_do(db, contributor, client):
    client.force_login(contributor)
    form = {"first_place": "Atlantis", "first_country": "GR", "second_place": "Atlantis", "second_country": "GR"}
    answer = client.post("/proposals/links/new", form | {"kind": "formal"} | CITING)
    assert answer.status_code == 400 and "We could not find" in answer.content.decode()


def test_an_approved_removal_hides_the_link_and_history_keeps_it(link, contributor, moderator, client):
    client.force_login(contributor)
    client.post(f"/proposals/links/{link.pk}/remove", {"reason_for_removal": "Recorded twice."} | CITING)
    proposal = Proposal.objects.get()
    client.force_login(moderator)
    client.post(f"/proposals/{proposal.pk}/decide", {"decision": "approve"})
    client.logout()
    gone = client.get(link.get_absolute_url())
    assert gone.status_code == 410 and "has been removed" in gone.content.decode()
    assert not Link.objects.filter(pk=link.pk).exists() and Link.all_objects.filter(pk=link.pk).exists()
    history = client.get(f"/links/{link.pk}/history/").content.decode()
    assert "Removed link" in history and "Recorded twice." in history
    assert ChangeRecord.objects.filter(target_id=link.pk, action="remove").count() == 1


def test_a_persons_proposals_are_in_their_data_download(link, contributor, client):
    client.force_login(contributor)
    client.post(f"/proposals/links/{link.pk}/correct", correction(link, endorsing_body="Both councils"))
    download = client.post("/account/data.json")
    parts = download.json()
    mine = parts["proposals"]
    assert [p["summary"] for p in mine] == [Proposal.objects.get().summary]
    assert mine[0]["source"] == CITING["source_url"] and mine[0]["status"] == "waiting for review"


def test_a_contributor_proposes_the_association_that_runs_a_link(link, contributor, moderator, client):
    from associations.models import Association

    client.force_login(contributor)
    form = {"name": "Coventry–Volgograd Friendship Association", "meeting_place": "Coventry Cathedral"}
    client.post(f"/proposals/links/{link.pk}/association", form | CITING)
    proposal = Proposal.objects.get()
    assert proposal.summary.startswith("New association: Coventry–Volgograd Friendship Association, running")
    client.force_login(moderator)
    client.post(f"/proposals/{proposal.pk}/decide", {"decision": "approve"})
    association = Association.objects.get()
    assert list(association.links.all()) == [link] and association.meeting_place == "Coventry Cathedral"

    client.force_login(contributor)
    client.post(
        f"/proposals/associations/{association.pk}/correct",
        {"name": association.name, "meeting_place": "Coventry Guildhall", "website": "", "description": ""} | CITING,
    )
    correction = Proposal.objects.latest("id")
    assert correction.payload == {"meeting_place": "Coventry Guildhall"}
    history = client.get(f"/associations/{association.pk}/history/").content.decode()
    assert "Added association" in history


def test_places_and_sources_are_corrected_through_proposals_too(link, contributor, moderator, client):
    place = link.parties.first().place
    source = link.citations.get().source
    client.force_login(contributor)
    answer = client.post(
        f"/proposals/places/{place.pk}/correct",
        {"name": place.name, "subdivision": "gb-eng", "population": "345000", "note": ""} | CITING,
    )
    assert answer.status_code == 302
    client.post(
        f"/proposals/sources/{source.pk}/correct",
        {"title": source.title, "kind": source.kind, "publisher": "Coventry City Council", "published": "2022-03-22"}
        | CITING,
    )
    place_proposal, source_proposal = Proposal.objects.order_by("id")
    assert place_proposal.payload == {"subdivision": "GB-ENG", "population": 345000}
    assert source_proposal.payload == {"publisher": "Coventry City Council"}
    client.force_login(moderator)
    for proposal in (place_proposal, source_proposal):
        client.post(f"/proposals/{proposal.pk}/decide", {"decision": "approve"})
    place.refresh_from_db()
    source.refresh_from_db()
    assert (place.subdivision, place.population) == ("GB-ENG", 345000)
    assert source.publisher == "Coventry City Council"


def test_the_decision_is_emailed_in_the_language_the_proposer_wrote_in(
    link, contributor, moderator, client, django_capture_on_commit_callbacks
):
    client.force_login(contributor)
    client.post(f"/fr/proposals/links/{link.pk}/correct", correction(link, endorsing_body="Les deux conseils"))
    proposal = Proposal.objects.get()
    assert proposal.language == "fr"
    client.force_login(moderator)  # the moderator works in English
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/proposals/{proposal.pk}/decide", {"decision": "approve"})
    email = mail.outbox[0]
    assert "approuvée" in email.subject.lower() or "acceptée" in email.subject.lower()
    assert f"/fr/proposals/{proposal.pk}/" in email.body


def test_a_correction_sent_from_a_page_made_stale_by_another_change_is_refused(link, moderator, client):
    place = link.parties.first().place
    client.force_login(moderator)
    shown = place.version
    fresh = {"name": place.name, "subdivision": "GB-ENG", "population": "", "note": ""} | CITING
    assert client.post(f"/proposals/places/{place.pk}/correct", fresh | {"version": shown}).status_code == 302
    place.refresh_from_db()
    assert place.subdivision == "GB-ENG", "a moderator's correction applies at once"
    stale = {"name": place.name, "subdivision": "GB-ENG", "population": "300000", "note": ""} | CITING
    answer = client.post(f"/proposals/places/{place.pk}/correct", stale | {"version": shown})
    assert answer.status_code == 400 and "changed by someone else" in answer.content.decode()
    place.refresh_from_db()
    assert place.population != 300000
