"""Writes to political-dispute reviews. Each checks that the actor speaks for the review's owner, validates,
saves and logs the change, in one transaction.

The change log keeps every version (a review can be traced and restored like any record), but its
one-line summaries never carry the answers, and the admin's view of the log hides the private fields
(audit.admin.PRIVATE_FIELDS).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from associations.models import Association
from audit.models import ChangeAction
from audit.services import Actor, change_record, snapshot, versioned_update
from core.partial_dates import PartialDate
from disputes.models import DisputeReview
from disputes.policy import can_see_review, owners_for
from disputes.questions import QUESTION_FIELDS
from links.models import Link
from places.models import Place

# What the owner edits (the summary and its publication go through summary_publish / summary_unpublish).
REVIEW_FIELDS = [
    "what_happened",
    "happened_on",
    "happened_precision",
    *QUESTION_FIELDS,
    "decision",
    "next_review_on",
]
PUBLICATION_FIELDS = ["public_summary", "published_at"]
SUMMARY_MAX = 2000

REFUSAL = (
    "Only the editors of the association, or the council officers of the place, that a review belongs to work on it."
)


def _authorize_owner(actor: Actor, link: Link, *, association_id: int | None, place_id: int | None) -> None:
    if actor.user is None:  # a process run by the operator
        return
    if not owners_for(actor.user, link).owns(association_id=association_id, place_id=place_id):
        raise PermissionDenied(REFUSAL)


def _authorize(actor: Actor, review: DisputeReview) -> None:
    if actor.user is None:
        return
    if not can_see_review(actor.user, review):
        raise PermissionDenied(REFUSAL)


def _check(review: DisputeReview) -> None:
    """The rules a form could not check alone, in plain words; then the model's own (full_clean)."""
    errors: dict[str, str] = {}
    if review.happened_on and review.happened_on > timezone.localdate():
        errors["happened_on"] = gettext(
            "What happened is recorded once it has happened: its date cannot be in the future."
        )
    if errors:
        raise ValidationError(errors)
    review.full_clean()


@transaction.atomic
def review_create(
    *,
    actor: Actor,
    link: Link,
    association: Association | None = None,
    place: Place | None = None,
    what_happened: str,
    when: PartialDate,
    decision: str = "undecided",
    next_review_on: dt.date | None = None,
    **answers: str,
) -> DisputeReview:
    """Start a review of `link` on behalf of one owner (an association that runs it, or a council whose place
    is a party to it)."""
    unknown = set(answers) - set(QUESTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown answers: {sorted(unknown)}")
    if (association is None) == (place is None):
        raise ValidationError(gettext("A review belongs to one association or one council: choose one."))
    _authorize_owner(
        actor,
        link,
        association_id=association.pk if association else None,
        place_id=place.pk if place else None,
    )
    review = DisputeReview(
        link=link,
        association=association,
        place=place,
        what_happened=what_happened.strip(),
        happened_on=when.start,
        happened_precision=when.precision,
        decision=decision,
        next_review_on=next_review_on,
        author=actor.user if actor.user is not None and actor.user.is_authenticated else None,
        **{name: (answers.get(name) or "").strip() for name in QUESTION_FIELDS},
    )
    _check(review)
    review.save()
    change_record(
        actor=actor,
        action=ChangeAction.CREATE,
        target=review,
        summary=f"Political-dispute review {review.pk} of link {link.pk}: started",
        changes=snapshot(review, ["link_id", "association_id", "place_id", *REVIEW_FIELDS]),
    )
    return review


@transaction.atomic
def review_update(
    *,
    actor: Actor,
    review: DisputeReview,
    expected_version: int | None,
    when: PartialDate | None = None,
    **changes: Any,
) -> DisputeReview:
    """Edit the answers. Fails with EditConflict if someone saved the review since `expected_version`."""
    _authorize(actor, review)
    if set(changes) - set(REVIEW_FIELDS) or {"happened_on", "happened_precision"} & set(changes):
        raise TypeError("Give the date as `when`; the owner, the link and the summary are not edited here.")
    if when is not None:
        changes |= {"happened_on": when.start, "happened_precision": when.precision}
    changes = {name: value.strip() if isinstance(value, str) else value for name, value in changes.items()}
    candidate = copy.copy(review)  # checked with the new values before anything is written
    for name, value in changes.items():
        setattr(candidate, name, value)
    _check(candidate)
    return versioned_update(
        actor=actor,
        instance=review,
        changes=changes,
        fields=REVIEW_FIELDS,
        expected_version=expected_version,
        summary=f"Political-dispute review {review.pk} of link {review.link_id}: answers edited",
    )


@transaction.atomic
def summary_publish(
    *, actor: Actor, review: DisputeReview, summary: str, expected_version: int | None = None
) -> DisputeReview:
    """Put the owner's summary on the link's public timeline, dated today. The answers stay private."""
    _authorize(actor, review)
    text = summary.strip()
    if not text:
        raise ValidationError(
            {"public_summary": gettext("Write the summary to publish: a few sentences anyone may read.")}
        )
    if len(text) > SUMMARY_MAX:
        raise ValidationError(
            {
                "public_summary": gettext("Keep the summary under %(max)s characters (it has %(count)s).")
                % {"max": SUMMARY_MAX, "count": len(text)}
            }
        )
    return versioned_update(
        actor=actor,
        instance=review,
        changes={"public_summary": text, "published_at": timezone.now()},
        fields=PUBLICATION_FIELDS,
        expected_version=expected_version,
        summary=f"Political-dispute review {review.pk} of link {review.link_id}: summary published",
    )


@transaction.atomic
def summary_unpublish(*, actor: Actor, review: DisputeReview, expected_version: int | None = None) -> DisputeReview:
    """Take the summary off the link's timeline. Its text stays with the review, and the log keeps it."""
    _authorize(actor, review)
    if review.published_at is None:
        return review
    return versioned_update(
        actor=actor,
        instance=review,
        changes={"published_at": None},
        fields=PUBLICATION_FIELDS,
        expected_version=expected_version,
        summary=f"Political-dispute review {review.pk} of link {review.link_id}: summary taken off the timeline",
    )
