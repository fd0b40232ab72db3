"""Proposing an activity on a link: anyone with a confirmed address may (the link page's "Record an activity"
leads them to the proposal form); a moderator records it on the link's timeline by approving it, or rejects it
with a reason; the proposer hears either way."""

from __future__ import annotations

from django.core import mail

from audit.models import Version
from health.models import Activity, LinkHealth
from proposals.models import Proposal, ProposalKind, ProposalStatus

HOSTILE = '<script>alert(1)</script> "quotes" & ampersands'
REPORT = "https://www.coventry.gov.uk/news/volgograd-delegation-2024"


def _activity(link, **values: str) -> dict[str, str]:
    volgograd = link.parties.get(place__name="Volgograd")
    return {
        "kind": "visit",
        "title": "Mayor's delegation " + HOSTILE,
        "when": "2024-05",
        "description": "Three days of meetings.",
        "travelling_party": str(volgograd.pk),
        "participants": "12",
        "participants_under_30": "4",
        "cost": "3500",
        "cost_currency": "gbp",
        "source_url": REPORT,
        "why": "I was there.",
    } | values


def test_a_contributor_proposes_an_activity_a_moderator_approves_and_it_is_on_the_timeline(
    link, contributor, moderator, client, django_capture_on_commit_callbacks
):
    client.force_login(contributor)
    page = client.get(f"/links/{link.pk}/", follow=True).content.decode()
    assert f'href="/health/links/{link.pk}/activities/new"' in page  # "Record an activity" on the link page
    answer = client.get(f"/health/links/{link.pk}/activities/new", follow=True)
    assert answer.redirect_chain[-1][0] == f"/proposals/links/{link.pk}/activity"
    assert "Propose an activity on Coventry – Volgograd" in answer.content.decode()
    answer = client.post(f"/proposals/links/{link.pk}/activity", _activity(link), follow=True)
    proposal = Proposal.objects.get()
    assert answer.redirect_chain[-1][0] == f"/proposals/{proposal.pk}/"
    assert proposal.kind == ProposalKind.ACTIVITY_NEW and proposal.status == ProposalStatus.PENDING
    assert proposal.target == link and proposal.source_note == REPORT
    assert proposal.summary == (
        "New activity on Coventry – Volgograd: visit or delegation on 2024-05, Mayor's delegation " + HOSTILE
    )
    assert not Activity.objects.exists(), "nothing is recorded before a moderator approves"

    client.force_login(moderator)
    queue = client.get("/proposals/").content.decode()
    assert "New activity on Coventry – Volgograd: visit or delegation on 2024-05, Mayor&#x27;s delegation" in queue
    detail = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "a new activity on a link" in detail
    for label, value in [
        ("Kind", "visit or delegation"),
        ("Date", "May 2024"),
        ("Who travelled", "Volgograd"),
        ("People taking part", "12"),
        ("Of them, under 30", "4"),
        ("Cost", "3500"),
        ("Currency", "GBP"),
    ]:
        assert f'<th scope="row">{label}</th><td>–</td><td>{value}</td>' in detail, label
    assert "<script>alert" not in detail
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/proposals/{proposal.pk}/decide", {"decision": "approve", "reason": ""})

    activity = Activity.objects.get()
    assert (activity.link, activity.kind, activity.title, str(activity.when)) == (
        link, "visit", "Mayor's delegation " + HOSTILE, "May 2024"
    )  # fmt: skip
    assert (activity.travelling_party.place.name, activity.participants, activity.participants_under_30) == (
        "Volgograd", 12, 4
    )  # fmt: skip
    assert (str(activity.cost), activity.cost_currency, activity.source_url) == ("3500.00", "GBP", REPORT)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    version = Version.objects.get(change=proposal.applied_change)
    assert version.proposal == proposal and version.change.actor == moderator and version.source_note == REPORT
    assert [m.to for m in mail.outbox] == [["contributor@example.org"]] and "approved" in mail.outbox[0].subject
    health = LinkHealth.objects.get(link=link)
    assert health.last_activity_on == activity.date and health.activities_recent == 1
    timeline = client.get(link.get_absolute_url()).content.decode()
    assert "Mayor&#x27;s delegation &lt;script&gt;" in timeline and "Volgograd travelled" in timeline


def test_a_rejected_activity_is_not_recorded_and_the_proposer_is_told_why(
    link, contributor, moderator, client, django_capture_on_commit_callbacks
):
    client.force_login(contributor)
    client.post(f"/proposals/links/{link.pk}/activity", _activity(link, title="Imagined visit"))
    proposal = Proposal.objects.get()
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/proposals/{proposal.pk}/decide", {"decision": "reject", "reason": "No such visit took place."})
    assert Proposal.objects.get().status == ProposalStatus.REJECTED
    assert not Activity.objects.exists() and not LinkHealth.objects.filter(link=link, activities_recent__gt=0).exists()
    assert "Imagined visit" not in client.get(link.get_absolute_url()).content.decode()
    assert "No such visit took place." in mail.outbox[0].body


def test_an_activity_proposal_from_a_document_cites_a_registry_source(link, contributor, moderator, client):
    client.force_login(contributor)
    document = "Coventry Twinning Association, newsletter, June 2024"
    client.post(
        f"/proposals/links/{link.pk}/activity",
        _activity(link, source_url="", source_document=document, cost="", cost_currency="", travelling_party=""),
    )
    proposal = Proposal.objects.get()
    assert "cost" not in proposal.payload and "travelling_party" not in proposal.payload
    client.force_login(moderator)
    client.post(f"/proposals/{proposal.pk}/decide", {"decision": "approve", "reason": ""})
    activity = Activity.objects.get()
    assert activity.source.title == document and activity.source_url == "" and activity.cost is None


def test_the_link_changing_meanwhile_does_not_stop_an_activity_being_approved(
    link, contributor, moderator, client, actor
):
    from links.services import link_update

    client.force_login(contributor)
    client.post(f"/proposals/links/{link.pk}/activity", _activity(link))
    proposal = Proposal.objects.get()
    link_update(actor=actor, link=link, expected_version=link.version, description="Corrected since.")
    client.force_login(moderator)
    answer = client.post(f"/proposals/{proposal.pk}/decide", {"decision": "approve", "reason": ""})
    assert answer.status_code == 302, "a new activity is a new row: the link's newer version does not matter"
    assert Proposal.objects.get().status == ProposalStatus.APPROVED and Activity.objects.count() == 1


def test_an_activity_proposal_must_be_a_valid_activity_and_say_where_it_comes_from(link, contributor, client):
    client.force_login(contributor)
    url = f"/proposals/links/{link.pk}/activity"
    answer = client.post(url, _activity(link, source_url="", why=""))
    page = answer.content.decode()
    assert answer.status_code == 400 and "Say where this comes from" in page and "There is a problem" in page
    answer = client.post(url, _activity(link, kind="picnic", participants="2", participants_under_30="5", title=""))
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "&#x27;picnic&#x27; is not one of the kinds of activity" in page
    assert "More people under 30 (5) than people taking part (2)" in page and "Title: This field is required." in page
    answer = client.post(url, _activity(link, when="2099-01-01"))
    assert answer.status_code == 400 and "cannot be in the future" in answer.content.decode()
    answer = client.post(url, _activity(link, when="1900"))
    assert answer.status_code == 400 and "before the link began" in answer.content.decode()
    assert not Proposal.objects.exists() and not Activity.objects.exists()


def test_visitors_are_sent_to_sign_in_and_unconfirmed_accounts_told_to_confirm(link, client):
    from accounts.testing import account_create

    for url in (f"/health/links/{link.pk}/activities/new", f"/proposals/links/{link.pk}/activity"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    client.force_login(account_create("new@example.org", verified=False))
    answer = client.get(f"/health/links/{link.pk}/activities/new", follow=True)
    assert answer.status_code == 403 and "Confirm your email address first" in answer.content.decode()
    answer = client.post(f"/proposals/links/{link.pk}/activity", _activity(link))
    assert answer.status_code == 403 and not Proposal.objects.exists()


def test_the_activity_proposal_form_is_in_french(link, contributor, client):
    client.force_login(contributor)
    page = client.get(f"/fr/proposals/links/{link.pk}/activity").content.decode()
    assert "Proposer une activité de Coventry – Volgograd" in page
    assert "Qui a voyagé" in page and "Dont moins de 30 ans" in page  # the activity form's own labels
    assert "Par exemple un compte rendu ou un article de presse en ligne qui en parle." in page
