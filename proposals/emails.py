"""The moderators' email when a proposal starts waiting for them (any kind of change).

Sent by a task (proposals/tasks.py) once the proposal is committed, and once per moderator
(core.emails.send_once). The task reads the proposal afresh when it runs: one withdrawn or decided
meanwhile is not written about. Moderators read it in the site's language (an account records none),
the proposer named by member number only, as the hub's pages name them; no address or name is in it.
The proposer's decision email is proposals.services._tell_proposer.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core.emails import moderators, plain_message, send_once
from proposals.models import Proposal, ProposalKind, ProposalStatus


def proposal_waiting_send(*, proposal_id: int) -> int:
    """Tell each moderator (but the proposer) that a proposal waits for review: one short email each,
    saying its kind, its summary and where to decide it. How many were sent."""
    if not settings.PROPOSAL_EMAILS_TO_MODERATORS:
        return 0
    proposal = Proposal.objects.filter(pk=proposal_id).first()
    if proposal is None or proposal.status != ProposalStatus.PENDING:
        return 0
    with translation.override(settings.LANGUAGE_CODE):  # a moderator's language is not recorded
        names = {
            "member": proposal.proposer_id,
            "kind": ProposalKind(proposal.kind).label,
            "summary": proposal.summary,
            "page": settings.SITE_URL + reverse("proposals:detail", args=[proposal.pk]),
            "queue": settings.SITE_URL + reverse("proposals:queue"),
        }
        subject = gettext("A proposal is waiting for review: %(summary)s") % names
        lines = [
            gettext("Member %(member)s has proposed %(kind)s:") % names,
            "",
            proposal.summary,
            "",
            gettext("Read it, then approve or reject it: %(page)s") % names,
            gettext("Every proposal waiting for review: %(queue)s") % names,
        ]
    sent = 0
    for moderator in moderators():
        if moderator.pk == proposal.proposer_id:
            continue
        key = f"proposal-waiting:{proposal.pk}:u{moderator.pk}"
        sent += send_once(key, plain_message(subject, lines, moderator.email))
    return sent
