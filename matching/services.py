"""Writes of partner finding: profiles, introductions, messages, blocks and reports.

Every write says who makes it (an `Actor`), checks that this person may (the owner of the
profile concerned; moderators for reports), validates with `full_clean`, saves in one
transaction and records the change in the change log. A profile is edited only from the
version the editor saw (`expected_version`), so two editors never overwrite each other.

Consent is the point of this module: contact details are never written into anything the other
side reads (emails included) until both sides have accepted an introduction; until then they
write through the hub. Emails leave after the transaction commits, in the recipient's language,
with the address of the hub page they are about.
"""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.policy import Action, can, roles_of
from audit.models import ChangeAction, ChangeRecord, Version
from audit.services import Actor, change_record, created_record, snapshot, versioned_update
from core.ratelimit import consume, wait_in_words
from matching.models import (
    AbuseReport,
    Block,
    Introduction,
    IntroductionMessage,
    IntroductionStatus,
    ProfileStatus,
    SeekingProfile,
)

log = logging.getLogger(__name__)

CONTACT_FIELDS = ["contact_name", "contact_email", "contact_phone"]
PROFILE_FIELDS = [
    "seeker",
    "name",
    "place",
    "institution",
    "offers",
    "wants",
    "exchanges",
    "mode",
    "traits",
    "size",
    "languages",
    "preferred_countries",
    "preferred_regions",
    "ruled_out_countries",
    "ruled_out_regions",
    "about",
    *CONTACT_FIELDS,
    "language",
    "status",
]
DEFAULT_MESSAGE_RATE = "20/h"
DEFAULT_INTEREST_RATE = "30/d"


class RateLimited(ValidationError):
    """Too many messages (or interests) too fast: nothing was saved. `wait` is in seconds."""

    def __init__(self, message: str, wait: int) -> None:
        super().__init__(message, code="rate_limited")
        self.wait = wait


# ---------------------------------------------------------------- who may


def _signed_in_contributor(actor: Actor) -> None:
    """Partner finding is for accounts with a verified email address (or a process)."""
    if actor.user is None:
        return
    roles = roles_of(actor.user)
    if not roles.signed_in:
        raise PermissionDenied(gettext("Sign in first to look for partners."))
    if not roles.contributor:
        raise PermissionDenied(gettext("Confirm your email address first: follow the link in the email we sent you."))


def owns(user: object, profile: SeekingProfile) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and profile.owner_id == user.pk


def _require_owner(actor: Actor, profile: SeekingProfile, refusal: str) -> None:
    if actor.user is None:
        return
    _signed_in_contributor(actor)
    if not owns(actor.user, profile):
        raise PermissionDenied(refusal)


def blocked_between(a: SeekingProfile, b: SeekingProfile) -> bool:
    return Block.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists()


def _language_of(profile: SeekingProfile) -> str:
    languages = {code for code, _name in settings.LANGUAGES}
    return profile.language if profile.language in languages else settings.LANGUAGE_CODE


def _page_language() -> str:
    languages = {code for code, _name in settings.LANGUAGES}
    current = translation.get_language() or settings.LANGUAGE_CODE
    return current if current in languages else settings.LANGUAGE_CODE


# ---------------------------------------------------------------- profiles


@transaction.atomic
def profile_create(*, actor: Actor, **fields: object) -> SeekingProfile:
    """A new seeking profile, owned by the actor. Any account with a verified email address may
    make one; the place is required, the institution optional but in that place."""
    _signed_in_contributor(actor)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown profile fields: {sorted(unknown)}")
    fields = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    fields.setdefault("language", _page_language())
    profile = SeekingProfile(owner=actor.user if actor.user is not None else None, **fields)
    created_record(
        actor=actor,
        instance=profile,
        fields=PROFILE_FIELDS,
        summary=f"Added the partner-seeking profile {profile.name}",
    )
    return profile


@transaction.atomic
def profile_update(
    *, actor: Actor, profile: SeekingProfile, expected_version: int | None = None, **changes: object
) -> SeekingProfile:
    """Edit a profile (its owner only). EditConflict if it was saved since `expected_version`."""
    _require_owner(actor, profile, gettext("Only the person who made this profile can change it."))
    versioned_update(
        actor=actor,
        instance=profile,
        changes={k: v.strip() if isinstance(v, str) else v for k, v in changes.items()},
        fields=PROFILE_FIELDS,
        expected_version=expected_version,
        summary=f"Edited the partner-seeking profile {profile.name}",
    )
    return profile


@transaction.atomic
def profile_status_set(
    *, actor: Actor, profile: SeekingProfile, status: str, expected_version: int | None = None
) -> SeekingProfile:
    """Open, pause or close a profile (its owner, or a moderator). Nothing is deleted: a closed
    profile keeps its introductions and messages, and can be opened again."""
    if actor.user is not None and not can(actor.user, Action.MODERATE):
        _require_owner(actor, profile, gettext("Only the person who made this profile can change it."))
    if status not in ProfileStatus.values:
        raise ValidationError({"status": gettext("Choose open, paused or closed.")})
    versioned_update(
        actor=actor,
        instance=profile,
        changes={"status": status},
        fields=PROFILE_FIELDS,
        expected_version=expected_version,
        summary=f"Set the partner-seeking profile {profile.name} to {status}",
    )
    return profile


# ---------------------------------------------------------------- introductions


def _record(actor: Actor, target: object, summary: str, changes: dict[str, object], create: bool = False) -> None:
    change_record(
        actor=actor,
        action=ChangeAction.CREATE if create else ChangeAction.UPDATE,
        target=target,
        summary=summary,
        changes=changes,
    )


def _throttle(scope: str, actor: Actor, setting: str, default: str) -> None:
    if actor.user is None:
        return
    wait = consume(scope, str(actor.user.pk), getattr(settings, setting, default))
    if wait is not None:
        raise RateLimited(
            gettext("You have sent a lot in a short time. Wait %(wait)s and send it again; nothing was sent.")
            % {"wait": wait_in_words(wait)},
            wait,
        )


@transaction.atomic
def introduction_express(
    *, actor: Actor, from_profile: SeekingProfile, to_profile: SeekingProfile, note: str = ""
) -> Introduction:
    """`from_profile` would like to meet `to_profile`; the other side is told, and answers.

    Only the owner of `from_profile` may. Refused towards yourself, a profile that is not open,
    or when either side has blocked the other. If the other side already expressed interest in
    you, that introduction is accepted instead (both have now said yes). One introduction per
    ordered pair: a withdrawn one can be made again; a declined one cannot (no asking twice).
    """
    _require_owner(actor, from_profile, gettext("You can express interest only for a profile you made."))
    note = (note or "").strip()
    if from_profile.pk == to_profile.pk or (
        to_profile.owner_id is not None and to_profile.owner_id == from_profile.owner_id
    ):
        raise ValidationError(gettext("This is your own profile: you cannot express interest in yourself."))
    if from_profile.status == ProfileStatus.CLOSED:
        raise ValidationError(gettext("Your profile is closed. Open it again before you express interest."))
    if blocked_between(from_profile, to_profile):
        raise ValidationError(gettext("You cannot contact this profile."))
    reverse_intro = (
        Introduction.objects.select_for_update().filter(from_profile=to_profile, to_profile=from_profile).first()
    )
    if reverse_intro is not None and reverse_intro.status == IntroductionStatus.PENDING:
        # They asked first: saying yes to them is the answer.
        return _answer(actor, reverse_intro, accept=True)
    if reverse_intro is not None and reverse_intro.status == IntroductionStatus.ACCEPTED:
        raise ValidationError(gettext("You have already been introduced to each other."))
    if not to_profile.is_open:
        raise ValidationError(
            gettext("%(name)s is not looking for partners at the moment.") % {"name": to_profile.name}
        )
    existing = Introduction.objects.select_for_update().filter(from_profile=from_profile, to_profile=to_profile).first()
    if existing is not None and existing.status != IntroductionStatus.WITHDRAWN:
        if existing.status == IntroductionStatus.DECLINED:
            raise ValidationError(
                gettext("%(name)s answered your earlier interest, so the hub will not ask them again.")
                % {"name": to_profile.name}
            )
        raise ValidationError(gettext("You have already expressed interest in %(name)s.") % {"name": to_profile.name})
    _throttle("partner-interest", actor, "PARTNER_INTEREST_RATE", DEFAULT_INTEREST_RATE)
    if existing is None:
        introduction = Introduction(from_profile=from_profile, to_profile=to_profile, note=note)
        introduction.full_clean()
        introduction.save()
        created = True
    else:
        introduction = existing
        introduction.status, introduction.note, introduction.answered_at = IntroductionStatus.PENDING, note, None
        introduction.full_clean()
        introduction.save(update_fields=["status", "note", "answered_at"])
        created = False
    _record(
        actor,
        introduction,
        f"{from_profile.name} expressed interest in {to_profile.name}",
        {"from_profile": from_profile.pk, "to_profile": to_profile.pk, "status": introduction.status},
        create=created,
    )
    transaction.on_commit(partial(notify, kind="interest", introduction_id=introduction.pk))
    return introduction


def _answer(actor: Actor, introduction: Introduction, *, accept: bool) -> Introduction:
    if introduction.status != IntroductionStatus.PENDING:
        raise ValidationError(gettext("This introduction has already been answered or withdrawn. Nothing was changed."))
    if accept and blocked_between(introduction.from_profile, introduction.to_profile):
        raise ValidationError(gettext("You cannot contact this profile."))
    before = introduction.status
    introduction.status = IntroductionStatus.ACCEPTED if accept else IntroductionStatus.DECLINED
    introduction.answered_at = timezone.now()
    introduction.full_clean()
    introduction.save(update_fields=["status", "answered_at"])
    _record(
        actor,
        introduction,
        f"{introduction.to_profile.name} {'accepted' if accept else 'declined'} {introduction.from_profile.name}",
        {"status": [before, introduction.status]},
    )
    transaction.on_commit(partial(notify, kind="accepted" if accept else "declined", introduction_id=introduction.pk))
    return introduction


@transaction.atomic
def introduction_answer(*, actor: Actor, introduction: Introduction, accept: bool) -> Introduction:
    """Accept or decline an interest (the owner of `to_profile` only). Accepting shows each side
    the other's contact details; declining tells the other side kindly, without a reason."""
    _require_owner(actor, introduction.to_profile, gettext("Only the profile this interest was sent to can answer it."))
    introduction = (
        Introduction.objects.select_for_update().select_related("from_profile", "to_profile").get(pk=introduction.pk)
    )
    return _answer(actor, introduction, accept=accept)


@transaction.atomic
def introduction_withdraw(*, actor: Actor, introduction: Introduction) -> Introduction:
    """Take back an interest that is still waiting for an answer (its sender only)."""
    _require_owner(
        actor, introduction.from_profile, gettext("Only the profile that expressed this interest can withdraw it.")
    )
    introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if introduction.status != IntroductionStatus.PENDING:
        raise ValidationError(gettext("Only an interest still waiting for an answer can be withdrawn."))
    introduction.status = IntroductionStatus.WITHDRAWN
    introduction.save(update_fields=["status"])
    _record(
        actor,
        introduction,
        f"Interest {introduction.pk} withdrawn",
        {"status": [IntroductionStatus.PENDING, IntroductionStatus.WITHDRAWN]},
    )
    return introduction


def party_of(user: object, introduction: Introduction) -> SeekingProfile | None:
    """The side of the introduction `user` owns (None for anyone else)."""
    if owns(user, introduction.from_profile):
        return introduction.from_profile
    if owns(user, introduction.to_profile):
        return introduction.to_profile
    return None


def other_side(introduction: Introduction, mine: SeekingProfile) -> SeekingProfile:
    return introduction.to_profile if mine.pk == introduction.from_profile_id else introduction.from_profile


def can_write(introduction: Introduction) -> bool:
    return introduction.status in (IntroductionStatus.PENDING, IntroductionStatus.ACCEPTED) and not blocked_between(
        introduction.from_profile, introduction.to_profile
    )


@transaction.atomic
def message_send(*, actor: Actor, introduction: Introduction, body: str) -> IntroductionMessage:
    """A message through the hub from one side of an introduction to the other (the two owners
    only), while it is neither declined nor withdrawn and neither side has blocked the other.
    Limited to PARTNER_MESSAGE_RATE per account."""
    _signed_in_contributor(actor)
    introduction = Introduction.objects.select_related("from_profile", "to_profile").get(pk=introduction.pk)
    sender = party_of(actor.user, introduction) if actor.user is not None else introduction.from_profile
    if sender is None:
        raise PermissionDenied(gettext("Only the two sides of an introduction can write in it."))
    if not can_write(introduction):
        raise ValidationError(gettext("This introduction is closed: messages can no longer be sent in it."))
    message = IntroductionMessage(introduction=introduction, sender=sender, body=(body or "").strip())
    message.full_clean()
    _throttle("partner-message", actor, "PARTNER_MESSAGE_RATE", DEFAULT_MESSAGE_RATE)
    message.save()
    _record(actor, message, f"Message in introduction {introduction.pk}", {"introduction": introduction.pk}, True)
    transaction.on_commit(partial(notify, kind="message", introduction_id=introduction.pk, message_id=message.pk))
    return message


def messages_mark_read(*, user: object, introduction: Introduction) -> int:
    """The other side's messages count as read once their recipient opens the introduction."""
    mine = party_of(user, introduction)
    if mine is None:
        return 0
    return (
        IntroductionMessage.objects.filter(introduction=introduction, read_at__isnull=True)
        .exclude(sender=mine)
        .update(read_at=timezone.now())
    )


@transaction.atomic
def block(*, actor: Actor, blocker: SeekingProfile, blocked: SeekingProfile) -> Block:
    """`blocker` never hears from `blocked` again, nor is it suggested to them. Pending
    introductions between them end (withdrawn if the blocker asked, declined if it was asked);
    the blocked side is not told."""
    _require_owner(actor, blocker, gettext("You can block only from a profile you made."))
    if blocker.pk == blocked.pk:
        raise ValidationError(gettext("You cannot block your own profile."))
    row, created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    if created:
        _record(actor, row, f"{blocker.name} blocked {blocked.name}", {"blocked": blocked.pk}, True)
    pending = Introduction.objects.filter(status=IntroductionStatus.PENDING)
    pending.filter(from_profile=blocker, to_profile=blocked).update(status=IntroductionStatus.WITHDRAWN)
    pending.filter(from_profile=blocked, to_profile=blocker).update(
        status=IntroductionStatus.DECLINED, answered_at=timezone.now()
    )
    return row


@transaction.atomic
def report_abuse(
    *,
    actor: Actor,
    reported: SeekingProfile,
    reason: str,
    reporter: SeekingProfile | None = None,
    introduction: Introduction | None = None,
) -> AbuseReport:
    """Tell the moderators about a profile or what it wrote: from a profile you made (an
    introduction's page), or from the profile's public page as any signed-in contributor."""
    if reporter is not None:
        _require_owner(actor, reporter, gettext("You can report only from a profile you made."))
    else:
        _signed_in_contributor(actor)
        if owns(actor.user, reported):
            raise ValidationError(gettext("This is your own profile: edit or close it instead of reporting it."))
    if introduction is not None and (
        reporter is None or {introduction.from_profile_id, introduction.to_profile_id} != {reporter.pk, reported.pk}
    ):
        raise ValidationError(gettext("This introduction is not between these two profiles."))
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    if (
        user is not None
        and AbuseReport.objects.filter(reported=reported, reported_by=user, handled_at__isnull=True).exists()
    ):
        raise ValidationError(
            gettext("You have already reported this profile. The moderators will read your report; nothing was added.")
        )
    report = AbuseReport(
        reporter=reporter, reported_by=user, reported=reported, introduction=introduction, reason=(reason or "").strip()
    )
    report.full_clean()
    report.save()
    who = reporter.name if reporter is not None else "A signed-in visitor"
    _record(actor, report, f"{who} reported {reported.name}", {"reported": reported.pk}, True)
    return report


@transaction.atomic
def report_handle(*, actor: Actor, report: AbuseReport, outcome: str = "") -> AbuseReport:
    """A moderator marks a report handled, saying what was done."""
    if actor.user is not None and not can(actor.user, Action.MODERATE):
        raise PermissionDenied(gettext("Only moderators can handle reports."))
    report = AbuseReport.objects.select_for_update().get(pk=report.pk)
    if report.handled_at is not None:
        raise ValidationError(gettext("This report was already handled. Nothing was changed."))
    report.handled_at = timezone.now()
    report.handled_by = actor.user if actor.user is not None and actor.user.is_authenticated else None
    report.outcome = (outcome or "").strip()[:2000]
    report.save(update_fields=["handled_at", "handled_by", "outcome"])
    _record(actor, report, f"Report {report.pk} handled", {"outcome": report.outcome})
    return report


# ---------------------------------------------------------------- emails


def page_url(introduction: Introduction) -> str:
    """The introduction page's address, in the active language (/fr/… in French)."""
    return settings.SITE_URL + reverse("matching:introduction", kwargs={"pk": introduction.pk})


def _email(
    kind: str, introduction: Introduction, message: IntroductionMessage | None
) -> tuple[SeekingProfile, str, str]:
    """(recipient, subject, body) of one notification, in the active language. No email address,
    telephone or contact name of the other side appears in it unless both have accepted."""
    if kind == "interest":
        recipient, other = introduction.to_profile, introduction.from_profile
        subject = gettext("%(other)s would like to meet %(you)s")
        lead = gettext(
            "%(other)s (%(place)s) has expressed interest in %(you)s on Twinning Hub. Read their profile and answer "
            "on the hub: if you accept, each of you will see the other's contact details."
        )
        if introduction.note:
            lead += "\n\n" + gettext("Their note:") + "\n\n" + introduction.note
    elif kind == "accepted":
        recipient, other = introduction.from_profile, introduction.to_profile
        subject = gettext("%(other)s accepted: you can now contact each other")
        lead = gettext(
            "Good news: %(other)s (%(place)s) accepted the introduction with %(you)s. Their contact details are "
            "on the hub's page for your introduction, and yours are on theirs."
        )
    elif kind == "declined":
        recipient, other = introduction.from_profile, introduction.to_profile
        subject = gettext("An answer from %(other)s")
        lead = gettext(
            "Thank you for your interest in %(other)s. They have decided not to take it further for now; this is "
            "often about timing or capacity rather than about you. Your other suggestions are waiting on the hub."
        )
    else:  # a message
        assert message is not None
        recipient = other_side(introduction, message.sender)
        other = message.sender
        subject = gettext("A message from %(other)s")
        lead = gettext("%(other)s wrote to %(you)s through Twinning Hub:") + "\n\n" + message.body
        lead += "\n\n" + gettext("Reply on the hub; your address is not shown to them until you both accept.")
    names = {"other": other.name, "you": recipient.name, "place": other.place.name}
    body = (lead % names) + "\n\n" + gettext("See it on the hub: %(page)s") % {"page": page_url(introduction)} + "\n"
    return recipient, f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject % names}", body


def notify(*, kind: str, introduction_id: int, message_id: int | None = None) -> bool:
    """Email the side this event concerns, after commit, in its language. The email goes to the
    recipient profile's own contact address and to nobody else. False if nothing was sent."""
    introduction = Introduction.objects.select_related(
        "from_profile__place", "to_profile__place", "from_profile__owner", "to_profile__owner"
    ).get(pk=introduction_id)
    message = IntroductionMessage.objects.select_related("sender").filter(pk=message_id).first() if message_id else None
    if message is not None:
        message.sender = (
            introduction.from_profile if message.sender_id == introduction.from_profile_id else introduction.to_profile
        )
    recipient = {
        "interest": introduction.to_profile,
        "accepted": introduction.from_profile,
        "declined": introduction.from_profile,
    }.get(kind) or (other_side(introduction, message.sender) if message else None)
    if recipient is None or not recipient.contact_email or recipient.status == ProfileStatus.CLOSED:
        return False
    with translation.override(_language_of(recipient)):
        _, subject, body = _email(kind, introduction, message)
    try:
        send_mail(subject, body, None, [recipient.contact_email])
    except Exception:  # the mail server: the hub page still shows it
        log.exception("Could not send the %s notification for introduction %s", kind, introduction_id)
        return False
    return True


# ---------------------------------------------------------------- personal data


def profiles_of(user: object) -> list[dict[str, object]]:
    """Personal data download: the person's profiles with their contact details, their
    introductions (the other side named by its public profile name) and the messages they sent."""
    rows = []
    for profile in SeekingProfile.objects.filter(owner=user).select_related("place", "institution").order_by("pk"):
        introductions = Introduction.objects.filter(Q(from_profile=profile) | Q(to_profile=profile)).select_related(
            "from_profile", "to_profile"
        )
        rows.append(
            snapshot(profile, PROFILE_FIELDS)
            | {
                "id": profile.pk,
                "place": profile.place.name,
                "institution": profile.institution.name if profile.institution_id else None,
                "created_at": profile.created_at,
                "introductions": [
                    {
                        "id": i.pk,
                        "direction": "sent" if i.from_profile_id == profile.pk else "received",
                        "with": other_side(i, profile).name,
                        "status": i.status,
                        "note": i.note if i.from_profile_id == profile.pk else "",
                        "created_at": i.created_at,
                        "answered_at": i.answered_at,
                    }
                    for i in introductions
                ],
                "messages_sent": list(
                    IntroductionMessage.objects.filter(sender=profile)
                    .order_by("sent_at", "pk")
                    .values("introduction_id", "body", "sent_at")
                ),
            }
        )
    return rows


def profiles_forget(user: object) -> None:
    """Erasure: the person's profiles are closed and their contact details blanked, here and in
    the change log's copies (the public parts stay, so the other sides' threads still read)."""
    profiles = list(SeekingProfile.objects.filter(owner=user))
    if not profiles:
        return
    SeekingProfile.objects.filter(pk__in=[p.pk for p in profiles]).update(
        status=ProfileStatus.CLOSED, contact_name="", contact_email="", contact_phone="", owner=None
    )
    content_type = ContentType.objects.get_for_model(SeekingProfile)
    records = ChangeRecord.objects.filter(target_type=content_type, target_id__in=[p.pk for p in profiles])
    for record in records:
        record.changes = _blanked(record.changes)
        record.save(update_fields=["changes"])
    for version in Version.objects.filter(change__in=records):
        version.snapshot = _blanked(version.snapshot)
        version.save(update_fields=["snapshot"])


def _blanked(data: object) -> object:
    if not isinstance(data, dict):
        return data
    return {key: ("" if key in CONTACT_FIELDS else value) for key, value in data.items()}
