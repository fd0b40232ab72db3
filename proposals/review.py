"""Review rules: small checks, run on every submitted change, that decide whether it applies at
once or waits for a moderator. Each returns None (no objection) or the reason, in plain words,
that the proposer and the moderator both see. settings.REVIEW_RULES lists them, in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext, ngettext

from accounts.policy import Action, _protected, can, roles_of


@dataclass(frozen=True)
class Submission:
    """What a rule looks at: who submits which kind of change to what."""

    user: object
    kind: str
    direct_action: Action  # what the change would need to apply directly (edit, record a decision …)
    target: object  # the record changed, or what a new record would belong to (policy target)


ReviewRule = Callable[[Submission], str | None]


def role_allows_it(submission: Submission) -> str | None:
    """Trusted roles' edits apply at once: the policy's answer for this change and this record."""
    if can(submission.user, submission.direct_action, submission.target):
        return None
    if _protected(submission.target):
        return gettext("This link is protected: a moderator reviews every change to it.")
    return gettext("Changes from contributors are reviewed by a moderator before they appear.")


def first_edits(submission: Submission) -> str | None:
    """A new editor's first few changes are reviewed, whatever their role (except moderators')."""
    roles = roles_of(submission.user)
    if roles.trusted_everywhere:
        return None
    from proposals.models import Proposal, ProposalStatus

    # Only changes a moderator has seen count: saving one's own association page, however often,
    # proves nothing about one's edits to the registry.
    made = Proposal.objects.filter(proposer=submission.user, status=ProposalStatus.APPROVED).count()
    wanted = settings.FIRST_EDITS_REVIEWED
    if made < wanted:
        return ngettext(
            "The first %(count)d change of every new editor is reviewed by a moderator.",
            "The first %(count)d changes of every new editor are reviewed by a moderator.",
            wanted,
        ) % {"count": wanted}
    return None


@cache
def _rules(paths: tuple[str, ...]) -> list[ReviewRule]:
    return [import_string(path) for path in paths]


def review_reasons(submission: Submission) -> list[str]:
    """Every reason the rules give for reviewing this change ([] when it may apply at once)."""
    reasons = []
    for rule in _rules(tuple(settings.REVIEW_RULES)):
        reason = rule(submission)
        if reason and reason not in reasons:
            reasons.append(reason)
    return reasons
