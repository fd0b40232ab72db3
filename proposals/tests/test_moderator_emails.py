"""The moderators hear when a proposal starts waiting for them: one short email each, once, saying the kind,
the summary and where to decide it; never for a change applied at once, nor for a proposal gone by then."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import Role, RoleGrant
from accounts.testing import account_create
from audit.services import Actor
from core.models import SentEmail
from proposals import emails, tasks
from proposals.models import Proposal
from proposals.services import proposal_withdraw
from proposals.tests.conftest import CITING


@pytest.fixture
def moderators(db, settings):
    settings.SITE_URL = "https://hub.example"
    revoked = account_create("former-moderator@example.org", role=Role.MODERATOR)
    RoleGrant.objects.filter(user=revoked).update(revoked_at="2030-01-01T00:00Z")
    inactive = account_create("inactive-moderator@example.org", role=Role.MODERATOR)
    inactive.is_active = False
    inactive.save()
    return [
        account_create("moderator@example.org", role=Role.MODERATOR),
        account_create("other-moderator@example.org", role=Role.MODERATOR),
    ]


def _correct(client, link, **values):
    data = {"kind": "formal", "first_contact": "1944", "description": "Corrected.", "version": link.version}
    return client.post(f"/proposals/links/{link.pk}/correct", data | CITING | values)


def test_each_moderator_is_emailed_once_when_a_proposal_starts_waiting(
    link, contributor, moderators, client, django_capture_on_commit_callbacks
):
    client.force_login(contributor)
    with django_capture_on_commit_callbacks(execute=True):
        _correct(client, link)
    proposal = Proposal.objects.get()
    assert sorted(m.to for m in mail.outbox) == [["moderator@example.org"], ["other-moderator@example.org"]]
    message = mail.outbox[0]
    assert message.subject == "[Twinning Hub] A proposal is waiting for review: " + proposal.summary
    assert f"Member {contributor.pk} has proposed a correction to a link:" in message.body
    assert proposal.summary in message.body
    assert f"https://hub.example/proposals/{proposal.pk}/" in message.body
    assert "https://hub.example/proposals/\n" in message.body  # the queue
    assert "contributor@example.org" not in message.body
    assert tasks.proposal_waiting_email.enqueue(proposal.pk).return_value == 0, "a second run sends nothing"
    assert len(mail.outbox) == 2 and SentEmail.objects.filter(key__startswith="proposal-waiting:").count() == 2


def test_an_activity_proposal_is_announced_as_any_other(
    link, contributor, moderators, client, django_capture_on_commit_callbacks
):
    client.force_login(contributor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/proposals/links/{link.pk}/activity",
            {"kind": "exchange", "title": "Youth orchestra", "when": "2025", "source_url": "https://example.org/r"},
        )
    assert len(mail.outbox) == 2
    assert "has proposed a new activity on a link:" in mail.outbox[0].body
    assert "New activity on Coventry – Volgograd: school or youth exchange on 2025" in mail.outbox[0].subject


def test_a_change_applied_at_once_emails_nobody(link, moderators, client, django_capture_on_commit_callbacks):
    client.force_login(moderators[0])
    with django_capture_on_commit_callbacks(execute=True):
        answer = _correct(client, link)
    assert answer.status_code == 302 and not Proposal.objects.exists()
    assert mail.outbox == []


def test_a_proposal_withdrawn_before_the_email_goes_is_not_written_about(
    link, contributor, moderators, client, django_capture_on_commit_callbacks
):
    client.force_login(contributor)
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not run the task yet
        _correct(client, link)
    proposal = proposal_withdraw(actor=Actor(user=contributor), proposal=Proposal.objects.get())
    assert emails.proposal_waiting_send(proposal_id=proposal.pk) == 0 and mail.outbox == []


def test_a_moderator_who_proposed_is_not_told_of_their_own_proposal(link, contributor, moderators):
    from proposals.changes import Citing
    from proposals.services import change_submit

    # A moderator's change waits only if a stricter review rule asks for it: made here by hand.
    proposal = change_submit(
        actor=Actor(user=contributor), kind="link_change", payload={"description": "x"}, citing=Citing(source_note="n"),
        target=link,
    ).proposal  # fmt: skip
    Proposal.objects.filter(pk=proposal.pk).update(proposer=moderators[0])
    assert emails.proposal_waiting_send(proposal_id=proposal.pk) == 1
    assert [m.to for m in mail.outbox] == [["other-moderator@example.org"]]


def test_a_busy_hub_turns_the_emails_off(
    link, contributor, moderators, client, settings, django_capture_on_commit_callbacks
):
    settings.PROPOSAL_EMAILS_TO_MODERATORS = False
    client.force_login(contributor)
    with django_capture_on_commit_callbacks(execute=True):
        _correct(client, link)
    assert Proposal.objects.count() == 1 and mail.outbox == []
