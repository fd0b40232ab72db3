"""Submitting a change, and a moderator's decision on one that waits.

`change_submit` is the one door for changes people make on the hub's pages and API: it checks
that the change cites a source and is valid, runs the review rules, then either applies it at
once (a trusted role's) or keeps it as a proposal for a moderator (the moderators are emailed:
proposals/emails.py). `proposal_approve` applies a proposal through the same code;
`proposal_reject` records why not. The proposer hears either way, by email after the decision is
committed, and on their account page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.policy import Action, authorize, roles_of
from audit.models import ChangeRecord, PrivilegedKind
from audit.services import Actor, privileged_action_log, provenance
from proposals import tasks
from proposals.changes import KINDS, Citing
from proposals.models import Proposal, ProposalStatus
from proposals.review import Submission, review_reasons


class _DryRun(Exception):
    """Raised to roll back a trial application of a change (its checks ran; nothing stays)."""


@dataclass(frozen=True)
class Submitted:
    """What became of a submitted change: applied now (`record`), or waiting (`proposal`)."""

    record: models.Model | None = None
    proposal: Proposal | None = None

    @property
    def applied(self) -> bool:
        return self.record is not None


def _check_by_trial(kind: str, target: models.Model | None, payload: dict[str, Any], citing: Citing) -> None:
    """Run the change's own service on it, as a process, and roll everything back.

    A proposal is checked when it is made, by the very code that will apply it, so the proposer
    hears at once what is wrong (a date in the future, an event before the link began …) rather
    than weeks later from a moderator.
    """
    # On a copy: the services set the new values (and the new version) on the object they are given,
    # and the rollback undoes the database, not the object.
    trial_target = type(target)._base_manager.get(pk=target.pk) if target is not None else None
    try:
        with transaction.atomic():
            KINDS[kind].apply(Actor.system("checking a proposal"), trial_target, payload, citing, None)
            raise _DryRun
    except _DryRun:
        pass


def change_submit(
    *,
    actor: Actor,
    kind: str,
    payload: dict[str, Any],
    citing: Citing,
    reason: str = "",
    target: models.Model | None = None,
    expected_version: int | None = None,
) -> Submitted:
    """Apply a change now if the review rules allow it, else keep it for a moderator."""
    authorize(actor, Action.PROPOSE)
    if kind not in KINDS:
        raise ValidationError(gettext("There is no kind of change called %(kind)r.") % {"kind": kind})
    problem = citing.problem()
    if problem:
        raise ValidationError({"source": problem})
    change = KINDS[kind]
    _check_by_trial(kind, target, payload, citing)
    reasons = review_reasons(Submission(actor.user, kind, change.direct_action, change.policy_target(target, payload)))
    if not reasons:
        with transaction.atomic(), _provenance_of(citing, reason):
            record = change.apply(actor, target, payload, citing, expected_version)
        return Submitted(record=record)
    proposal = Proposal.objects.create(
        kind=kind,
        proposer=actor.user,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        target_version=expected_version if expected_version is not None else getattr(target, "version", None),
        payload=payload,
        summary=change.describe(target, payload)[:300],
        reason=reason,
        source=citing.source,
        source_note=citing.source_note.strip()[:1000],
        first_hand=citing.first_hand.strip()[:500],
        review_reasons=reasons,
        language=translation.get_language() or "",
    )
    # The moderators hear once it is committed (a proposal rolled back with its page is never written about).
    transaction.on_commit(partial(tasks.proposal_waiting_email.enqueue, proposal.pk))
    return Submitted(proposal=proposal)


def _provenance_of(citing: Citing, reason: str, **more: Any):
    return provenance(
        reason=reason,
        source_id=citing.source.pk if citing.source is not None else None,
        source_note=citing.source_note.strip(),
        first_hand=citing.first_hand.strip(),
        **more,
    )


def _pending(proposal: Proposal) -> Proposal:
    """The proposal, locked, if it still waits; a decision already made is never made twice."""
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.PENDING:
        raise ValidationError(
            gettext("This proposal was already %(status)s; nothing was changed.")
            % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def proposal_approve(*, actor: Actor, proposal: Proposal, note: str = "") -> Proposal:
    """Make the proposed change, citing the proposal, as the approving moderator.

    If the record was changed since the proposal was made, the change is refused (EditConflict)
    and the proposal keeps waiting: the moderator compares, then approves or rejects it.
    """
    authorize(actor, Action.MODERATE)
    proposal = _pending(proposal)
    if proposal.proposer_id == getattr(actor.user, "pk", None) and not roles_of(actor.user).admin:
        raise PermissionDenied(gettext("Another moderator must review your own proposal."))
    citing = Citing(proposal.source, proposal.source_note, proposal.first_hand)
    target = proposal.target
    if proposal.target_type_id is not None and target is None:
        raise ValidationError(gettext("The record this proposal changes no longer exists."))
    with _provenance_of(citing, proposal.reason, proposal_id=proposal.pk):
        KINDS[proposal.kind].apply(actor, target, proposal.payload, citing, proposal.target_version)
    proposal.applied_change = ChangeRecord.objects.filter(version__proposal=proposal).order_by("id").first()
    proposal.status = ProposalStatus.APPROVED
    proposal.decided_by, proposal.decided_at, proposal.decision_reason = actor.user, timezone.now(), note
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "applied_change"])
    _log_and_tell(actor, proposal)
    return proposal


@transaction.atomic
def proposal_reject(*, actor: Actor, proposal: Proposal, reason: str) -> Proposal:
    authorize(actor, Action.MODERATE)
    if not reason.strip():
        raise ValidationError({"reason": gettext("Say why the proposal is rejected: the proposer is told.")})
    proposal = _pending(proposal)
    proposal.status = ProposalStatus.REJECTED
    proposal.decided_by, proposal.decided_at, proposal.decision_reason = actor.user, timezone.now(), reason.strip()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    _log_and_tell(actor, proposal)
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor: Actor, proposal: Proposal) -> Proposal:
    """The proposer takes back a proposal that still waits."""
    if actor.user is None or proposal.proposer_id != actor.user.pk:
        raise PermissionDenied(gettext("Only the person who made a proposal can withdraw it."))
    proposal = _pending(proposal)
    proposal.status, proposal.decided_at = ProposalStatus.WITHDRAWN, timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    return proposal


def _log_and_tell(actor: Actor, proposal: Proposal) -> None:
    privileged_action_log(
        actor=actor,
        kind=PrivilegedKind.MODERATION,
        summary=f"Proposal {proposal.pk} {proposal.status}: {proposal.summary}"[:300],
        subject_user_id=proposal.proposer_id,
        target=proposal,
        reason=proposal.decision_reason,
    )
    transaction.on_commit(lambda: _tell_proposer(proposal.pk))


def _tell_proposer(proposal_id: int) -> None:
    """Email the proposer the decision (after it is committed: no email about a decision undone),
    in the language they proposed in, not the deciding moderator's."""
    proposal = Proposal.objects.select_related("proposer").get(pk=proposal_id)
    address = proposal.proposer.email
    if not address or not proposal.proposer.is_active:
        return
    languages = {code for code, _name in settings.LANGUAGES}
    with translation.override(proposal.language if proposal.language in languages else settings.LANGUAGE_CODE):
        if proposal.status == ProposalStatus.APPROVED:
            subject = gettext("Your proposal was approved")
            outcome = gettext("A moderator approved it, and the change is now on the hub.")
        else:
            subject = gettext("Your proposal was not accepted")
            outcome = gettext("A moderator did not accept it, for this reason:\n\n%(reason)s") % {
                "reason": proposal.decision_reason
            }
        page = settings.SITE_URL + reverse("proposals:detail", args=[proposal.pk])  # /fr/… in French
        body = gettext("You proposed: %(summary)s\n\n%(outcome)s\n\nSee it on the hub: %(page)s\n") % {
            "summary": proposal.summary,
            "outcome": outcome,
            "page": page,
        }
    send_mail(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body, None, [address])
