"""Writes to link health: activities and verifications. Each checks who may, validates, saves, logs the
change and refreshes the link's health, in one transaction."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.policy import Action, authorize, roles_of
from associations.models import Contact
from audit.models import ChangeAction
from audit.services import Actor, change_record, created_record, provenance, removed_set, snapshot, versioned_update
from core.partial_dates import PartialDate
from health.health import health_refresh
from health.models import Activity, Verification, VerificationAnswer, VerificationRequest, VerifierRole
from links.models import Link, Party

ACTIVITY_FIELDS = [
    "kind",
    "title",
    "date",
    "date_precision",
    "description",
    "travelling_party_id",
    "participants",
    "participants_under_30",
    "cost",
    "cost_currency",
    "source_id",
    "source_url",
]


def _english(make):
    """`make()` in English: the change log is written in English whatever the page's language."""
    from links.services import _english as in_english

    return in_english(make)


def _check_activity(activity: Activity) -> None:
    """The rules a form could not check alone, in plain words; then the model's own (full_clean)."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if activity.date and activity.date > today:
        errors["date"] = gettext("An activity is recorded once it has happened: its date cannot be in the future.")
    link = activity.link
    began = link.began_on
    when = activity.when if activity.date else None
    if when and began and when.end < began.start:
        errors["date"] = gettext("The activity (%(when)s) would be before the link began (%(began)s).") % {
            "when": when,
            "began": began,
        }
    if activity.travelling_party_id and not Party.objects.filter(pk=activity.travelling_party_id, link=link).exists():
        errors["travelling_party"] = gettext("Who travelled must be one of this link's parties.")
    if (
        activity.participants is not None
        and activity.participants_under_30 is not None
        and activity.participants_under_30 > activity.participants
    ):
        errors["participants_under_30"] = gettext(
            "More people under 30 (%(young)s) than people taking part (%(all)s): check both numbers."
        ) % {"young": activity.participants_under_30, "all": activity.participants}
    if activity.cost is not None and activity.cost < 0:
        errors["cost"] = gettext("A cost cannot be negative.")
    activity.cost_currency = (activity.cost_currency or "").strip().upper()
    if activity.cost is not None and not activity.cost_currency:
        errors["cost_currency"] = gettext("Give the currency of the cost, for example GBP or EUR.")
    elif activity.cost_currency and not (len(activity.cost_currency) == 3 and activity.cost_currency.isalpha()):
        errors["cost_currency"] = gettext("A currency is a three-letter ISO 4217 code, for example GBP or EUR.")
    if errors:
        raise ValidationError(errors)
    activity.full_clean()


@transaction.atomic
def activity_create(
    *,
    actor: Actor,
    link: Link,
    kind: str,
    title: str,
    when: PartialDate,
    description: str = "",
    travelling_party: Party | None = None,
    participants: int | None = None,
    participants_under_30: int | None = None,
    cost: Decimal | None = None,
    cost_currency: str = "",
    source=None,
    source_url: str = "",
) -> Activity:
    """Record something that happened on a link. Those who may change the link directly may record
    its activities (its association's editors, its places' council officers, moderators)."""
    authorize(actor, Action.EDIT, link)
    activity = Activity(
        link=link,
        kind=kind,
        title=title.strip(),
        date=when.start,
        date_precision=when.precision,
        description=description,
        travelling_party=travelling_party,
        participants=participants,
        participants_under_30=participants_under_30,
        cost=cost,
        cost_currency=cost_currency,
        source=source,
        source_url=source_url,
    )
    _check_activity(activity)
    activity.save()
    change_record(
        actor=actor,
        action=ChangeAction.CREATE,
        target=activity,
        summary=_english(lambda: f"{link.title}: {activity.get_kind_display()} on {activity.when}: {activity.title}"),
        changes=snapshot(activity, ACTIVITY_FIELDS),
    )
    health_refresh([link.pk])
    return activity


@transaction.atomic
def activity_update(
    *,
    actor: Actor,
    activity: Activity,
    expected_version: int | None = None,
    when: PartialDate | None = None,
    **changes: object,
) -> Activity:
    """Edit an activity. Fails with EditConflict if someone saved it since `expected_version`."""
    authorize(actor, Action.EDIT, activity.link)
    if set(changes) & {"date", "date_precision", "link", "link_id"}:
        raise TypeError("Give the date as `when` (a PartialDate); an activity stays on its link.")
    if when is not None:
        changes |= {"date": when.start, "date_precision": when.precision}
    candidate = copy.copy(activity)  # checked with the new values before anything is written
    for name, value in changes.items():
        setattr(candidate, name, value)
    _check_activity(candidate)
    activity = versioned_update(
        actor=actor,
        instance=activity,
        changes={name: getattr(candidate, name) for name in changes},
        fields=ACTIVITY_FIELDS,
        expected_version=expected_version,
        summary=_english(lambda: f"{activity.link.title}: edited activity {activity.title}"),
    )
    health_refresh([activity.link_id])
    return activity


@transaction.atomic
def activity_remove(*, actor: Actor, activity: Activity, reason: str) -> Activity:
    """Remove an activity recorded in error: left out of the page and of health, kept in history."""
    authorize(actor, Action.REMOVE, activity.link)
    if not reason.strip():
        raise ValidationError({"reason": gettext("Say why the activity is removed: history shows the reason.")})
    with provenance(reason=reason):
        removed_set(
            actor=actor, instance=activity, removed=True, summary=f"{activity.link.title}: removed activity {activity}"
        )
    health_refresh([activity.link_id])
    return activity


@transaction.atomic
def activity_restore(*, actor: Actor, activity: Activity, reason: str = "") -> Activity:
    authorize(actor, Action.REMOVE, activity.link)
    with provenance(reason=reason):
        removed_set(
            actor=actor,
            instance=activity,
            removed=False,
            summary=f"{activity.link.title}: restored activity {activity}",
        )
    health_refresh([activity.link_id])
    return activity


@transaction.atomic
def verification_record(
    *,
    actor: Actor,
    link: Link,
    answer: str,
    by_role: str,
    by_contact: Contact | None = None,
    note: str = "",
    request: VerificationRequest | None = None,
    at: dt.datetime | None = None,
) -> Verification:
    """Record that someone on the ground said how `link` stands (by default now).

    A council officer of one of its places or a moderator (`by_role` council_officer or
    moderator, the actor being that person) says so from the link page; a contact of the
    association that runs it (`by_role` contact, `by_contact` set) answers an emailed request,
    the actor then being the process that handles the answer. It records what was said, nothing
    more: a "paused" or "ended" answer changes no status (that is a decision, proposed for
    moderation by whoever handles the answer).
    """
    if answer not in VerificationAnswer.values:
        raise ValidationError(
            {"answer": f"'{answer}' is not an answer. Use one of: {', '.join(VerificationAnswer.values)}."}
        )
    if by_role not in VerifierRole.values:
        raise ValidationError(
            {"by_role": f"'{by_role}' is not a verifier's role. Use one of: {', '.join(VerifierRole.values)}."}
        )
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    if by_role == VerifierRole.CONTACT:
        if by_contact is None:
            raise ValidationError({"by_contact": "A verification by a contact names the contact."})
        if not by_contact.association.links.filter(pk=link.pk).exists():
            raise ValidationError({"by_contact": "The contact's association does not run this link."})
        if user is not None:
            authorize(actor, Action.EDIT, link)
    else:
        authorize(actor, Action.RECORD_DECISION, link)
        if user is None:
            raise ValidationError({"by_role": "A verification by a council officer or a moderator names the person."})
        roles = roles_of(user)
        if by_role == VerifierRole.MODERATOR and not roles.trusted_everywhere:
            raise ValidationError({"by_role": gettext("Only a moderator verifies a link as a moderator.")})
    if request is not None and request.link_id != link.pk:
        raise ValidationError({"request": "The request is about another link."})
    verification = Verification(
        link=link,
        answer=answer,
        verified_at=at or timezone.now(),
        by_role=by_role,
        by_user=user,
        by_contact=by_contact,
        note=note.strip(),
        request=request,
    )
    created_record(
        actor=actor,
        instance=verification,
        fields=["answer", "by_role", "by_contact_id", "note", "request_id"],
        summary=_english(
            lambda: (
                f"{link.title}: verified as {verification.get_answer_display()} by {verification.get_by_role_display()}"
            )
        ),
    )
    health_refresh([link.pk])
    return verification
