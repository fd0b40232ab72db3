"""Writes to associations, their committees and contacts, and the messages visitors send them.

Registry writes (an association, its links, committee roles and contacts) each check who may make
them (accounts.policy.authorize), validate, save and log in one transaction. Nothing is deleted:
a term that ends gets its end date, a contact that goes is marked removed, and history can undo
either. The change log keeps a contact's details as they were (so a change can be undone); it is
read by staff only, never shown to visitors.

Messages from visitors are not registry data: they are stored, then forwarded by email once the
transaction commits, to addresses the sender never sees.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.policy import Action, authorize
from associations.models import Association, CommitteeRole, Contact, ContactMessage, day_in_words
from associations.selectors import contact_messages_from
from audit.models import ChangeAction
from audit.services import Actor, change_record, created_record, versioned_update
from core.text import fold
from links.models import Link

log = logging.getLogger(__name__)

ASSOCIATION_FIELDS = ["name", "website", "meeting_place", "description", "removed"]
COMMITTEE_FIELDS = ["person", "role", "title", "term_start", "term_end"]
CONTACT_FIELDS = ["name", "role", "email", "phone", "postal_address", "public", "removed"]
REPORT_SALT = "associations.report-message"


def _english(text_of: Callable[[], str]) -> str:
    """A label as the change log writes it: in English, whatever the page's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text_of())


def _stripped(changes: dict[str, object]) -> dict[str, object]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in changes.items()}


# ---------------------------------------------------------------- associations


@transaction.atomic
def association_create(
    *,
    actor: Actor,
    name: str,
    website: str = "",
    meeting_place: str = "",
    description: str = "",
    links: Iterable[Link] = (),
) -> Association:
    """Add an association. Only moderators and admins may (an editor's role is scoped to an
    association that must exist first)."""
    authorize(actor, Action.EDIT, None)
    association = Association(
        name=name.strip(), website=website.strip(), meeting_place=meeting_place.strip(), description=description
    )
    links = list(links)
    created_record(
        actor=actor,
        instance=association,
        fields=ASSOCIATION_FIELDS,
        summary=f"Added association {association.name}",
        more_changes={"links": sorted(link.pk for link in links)},
    )
    association.links.set(links)
    return association


@transaction.atomic
def association_update(
    *, actor: Actor, association: Association, expected_version: int | None = None, **changes: object
) -> Association:
    """Edit an association's own fields. EditConflict if someone saved it since `expected_version`."""
    authorize(actor, Action.EDIT, association)
    if "removed" in changes:  # removing or restoring is moderators' (the README's table)
        authorize(actor, Action.REMOVE, association)
    versioned_update(
        actor=actor,
        instance=association,
        changes=_stripped(changes),
        fields=ASSOCIATION_FIELDS,
        expected_version=expected_version,
        summary=f"Edited association {association.name}",
    )
    if "name" in changes:  # derived, so not in the change log
        association.folded = fold(association.name)
        Association.objects.filter(pk=association.pk).update(folded=association.folded)
    return association


@transaction.atomic
def association_link_add(*, actor: Actor, association: Association, link: Link) -> Association:
    """Record that the association runs `link`.

    The actor must be able to edit the link as well as the association: an association editor's
    scope is its association's links, so claiming a link must not be a way to widen it.
    """
    authorize(actor, Action.EDIT, association)
    authorize(actor, Action.EDIT, link)
    if association.links.filter(pk=link.pk).exists():
        raise ValidationError(
            gettext("%(association)s is already recorded as running %(link)s.")
            % {"association": association.name, "link": link.display_title}
        )
    association.links.add(link)
    change_record(
        actor=actor,
        action=ChangeAction.UPDATE,
        target=association,
        summary=f"{association.name} runs {link.title}",
        changes={"links": [None, link.pk]},
    )
    return association


@transaction.atomic
def association_link_remove(*, actor: Actor, association: Association, link: Link) -> Association:
    """Record that the association no longer runs `link` (the link itself is untouched)."""
    authorize(actor, Action.EDIT, association)
    if not association.links.filter(pk=link.pk).exists():
        raise ValidationError(
            gettext("%(association)s is not recorded as running %(link)s.")
            % {"association": association.name, "link": link.display_title}
        )
    association.links.remove(link)
    change_record(
        actor=actor,
        action=ChangeAction.UPDATE,
        target=association,
        summary=f"{association.name} no longer runs {link.title}",
        changes={"links": [link.pk, None]},
    )
    return association


# ---------------------------------------------------------------- committee


@transaction.atomic
def committee_role_add(
    *,
    actor: Actor,
    association: Association,
    person: str,
    role: str,
    term_start: dt.date,
    title: str = "",
    term_end: dt.date | None = None,
) -> CommitteeRole:
    """Record who holds (or held) a committee role, from `term_start`."""
    authorize(actor, Action.EDIT, association)
    row = CommitteeRole(
        association=association,
        person=person.strip(),
        role=role,
        title=title.strip(),
        term_start=term_start,
        term_end=term_end,
    )
    created_record(
        actor=actor,
        instance=row,
        fields=COMMITTEE_FIELDS,
        summary=f"Added {_english(lambda: row.label)} {row.person} to {association.name}",
        more_changes={"association": association.pk},
    )
    return row


@transaction.atomic
def committee_role_end(
    *, actor: Actor, committee_role: CommitteeRole, term_end: dt.date, expected_version: int | None = None
) -> CommitteeRole:
    """End a term on `term_end`. The row stays: past officers remain on the association's page."""
    authorize(actor, Action.EDIT, committee_role.association)
    if committee_role.term_end is not None:
        raise ValidationError(
            {
                "term_end": gettext("This term already ended on %(date)s. Nothing was changed.")
                % {"date": day_in_words(committee_role.term_end)}
            }
        )
    versioned_update(
        actor=actor,
        instance=committee_role,
        changes={"term_end": term_end},
        fields=COMMITTEE_FIELDS,
        expected_version=expected_version,
        summary=f"Ended the term of {_english(lambda: committee_role.label)} {committee_role.person} of "
        f"{committee_role.association}",
    )
    return committee_role


# ---------------------------------------------------------------- contacts


@transaction.atomic
def contact_add(
    *,
    actor: Actor,
    association: Association,
    name: str,
    role: str = "",
    email: str = "",
    phone: str = "",
    postal_address: str = "",
    public: bool = False,
) -> Contact:
    """Add a way to reach the association; private unless `public`."""
    authorize(actor, Action.EDIT, association)
    contact = Contact(
        association=association,
        name=name.strip(),
        role=role.strip(),
        email=email.strip(),
        phone=phone.strip(),
        postal_address=postal_address.strip(),
        public=public,
    )
    created_record(
        actor=actor,
        instance=contact,
        fields=CONTACT_FIELDS,
        summary=f"Added a contact to {association.name}",
        more_changes={"association": association.pk},
    )
    return contact


@transaction.atomic
def contact_update(
    *, actor: Actor, contact: Contact, expected_version: int | None = None, **changes: object
) -> Contact:
    """Edit a contact (or restore a removed one with removed=False)."""
    authorize(actor, Action.EDIT, contact.association)
    versioned_update(
        actor=actor,
        instance=contact,
        changes=_stripped(changes),
        fields=CONTACT_FIELDS,
        expected_version=expected_version,
        summary=f"Edited a contact of {contact.association.name}",
    )
    return contact


@transaction.atomic
def contact_remove(*, actor: Actor, contact: Contact, expected_version: int | None = None) -> Contact:
    """Remove a contact: it is hidden and gets no messages, and history can bring it back."""
    authorize(actor, Action.EDIT, contact.association)
    if contact.removed:
        raise ValidationError(gettext("This contact was already removed. Nothing was changed."))
    versioned_update(
        actor=actor,
        instance=contact,
        changes={"removed": True},
        fields=CONTACT_FIELDS,
        expected_version=expected_version,
        summary=f"Removed a contact of {contact.association.name}",
    )
    return contact


# ---------------------------------------------------------------- messages from visitors


def contact_addresses(association: Association) -> list[str]:
    """The addresses a message to the association goes to: every contact's that has one, private
    or not (the sender sees none of them)."""
    emails = Contact.objects.filter(association=association, removed=False).exclude(email="")
    return sorted(set(emails.values_list("email", flat=True)))


def can_receive_messages(association: Association) -> bool:
    return (
        not association.removed
        and Contact.objects.filter(association=association, removed=False).exclude(email="").exists()
    )


@transaction.atomic
def contact_message_send(*, association: Association, sender_name: str, sender_email: str, body: str) -> ContactMessage:
    """Store a visitor's message and forward it by email once the transaction commits.

    Anyone may write (the page limits how often); an association without a contact address
    cannot be written to, and nothing is stored.
    """
    if not can_receive_messages(association):
        raise ValidationError(
            gettext("%(association)s has no contact address on the hub, so messages cannot be sent.")
            % {"association": association.name}
        )
    message = ContactMessage(
        association=association, sender_name=sender_name.strip(), sender_email=sender_email.strip(), body=body.strip()
    )
    message.full_clean()
    message.save()
    transaction.on_commit(partial(contact_message_forward, message_id=message.pk))
    return message


def report_token(message: ContactMessage) -> str:
    """A signed, dated token naming the message: the recipient's "report as abuse" link."""
    return signing.dumps(message.pk, salt=REPORT_SALT)


def report_url(message: ContactMessage) -> str:
    path = reverse("associations:report", kwargs={"token": report_token(message)})
    return f"{settings.SITE_URL}{path}"


class ReportLinkProblem(Exception):
    """A report link that is forged, garbled or too old: what to tell the person who followed it."""


def message_for_report(token: str) -> ContactMessage:
    """The message a report link names, or ReportLinkProblem saying why the link does not work."""
    max_age = dt.timedelta(days=settings.CONTACT_REPORT_DAYS)
    try:
        pk = signing.loads(token, salt=REPORT_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise ReportLinkProblem(
            gettext(
                "This report link has expired: links work for %(days)d days after the message "
                "was sent. If the message was abuse, write to the hub's moderators instead."
            )
            % {"days": settings.CONTACT_REPORT_DAYS}
        ) from exc
    except signing.BadSignature as exc:
        raise ReportLinkProblem(
            gettext(
                "This report link is not valid: it may have been copied incompletely. Copy the whole link from the "
                "email and try again."
            )
        ) from exc
    message = ContactMessage.objects.select_related("association").filter(pk=pk).first()
    if message is None:
        raise ReportLinkProblem(gettext("This report link names a message the hub no longer holds."))
    return message


def contact_message_report(*, message: ContactMessage, reason: str = "") -> bool:
    """Mark the message reported, for moderators. A link works once: False if already reported."""
    updated = ContactMessage.objects.filter(pk=message.pk, reported_at__isnull=True).update(
        reported_at=timezone.now(), report_reason=reason.strip()[:1000]
    )
    if updated:
        message.refresh_from_db(fields=["reported_at", "report_reason"])
    return bool(updated)


def _email_for(message: ContactMessage, address: str) -> EmailMessage:
    """The email to one contact, in the site's own language (the association's, not the sender's)."""
    association = message.association
    names = {"sender": message.sender_name, "association": association.name}
    with translation.override(settings.LANGUAGE_CODE):
        body = (
            gettext("%(sender)s wrote to %(association)s through Twinning Hub:") % names
            + f"\n\n{message.body}\n\n-- \n"
            + gettext(
                "Reply to this email to answer %(sender)s: your reply goes to the address they gave, "
                "%(address)s. The hub did not show them your address."
            )
            % {"sender": message.sender_name, "address": message.sender_email}
            + "\n\n"
            + gettext(
                "If this message is spam or abuse, report it to the hub's moderators (the link works once, for "
                "%(days)d days):"
            )
            % {"days": settings.CONTACT_REPORT_DAYS}
            + f"\n{report_url(message)}\n"
        )
        subject = gettext("Message for %(association)s from %(sender)s") % names
    return EmailMessage(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        reply_to=[message.sender_email],
    )


def contact_message_forward(*, message_id: int) -> int:
    """Email the message to each contact address (one email each, so no contact sees another's
    address), once. Runs after commit; returns how many emails were sent.

    The message is claimed (sent_at set) before sending, so two runs never both send it; if the
    mail server fails, the claim is released and the message stays unsent for a retry.
    """
    claimed_at = timezone.now()
    if not ContactMessage.objects.filter(pk=message_id, sent_at__isnull=True).update(sent_at=claimed_at):
        return 0
    message = ContactMessage.objects.select_related("association").get(pk=message_id)
    emails = [_email_for(message, address) for address in contact_addresses(message.association)]
    try:
        return get_connection().send_messages(emails) or 0
    except Exception:  # the mail server: keep the message unsent rather than fail the sender's page
        log.exception("Could not forward contact message %s", message_id)
        ContactMessage.objects.filter(pk=message_id, sent_at=claimed_at).update(sent_at=None)
        return 0


def contact_message_mark_reviewed(*, messages: Iterable[ContactMessage]) -> int:
    """Record that a moderator has dealt with these reported messages: from now they are deleted
    after CONTACT_REPORT_DAYS like any other. Unreported or already reviewed ones are left as
    they are; returns how many were marked."""
    pks = [m.pk for m in messages]
    return ContactMessage.objects.filter(pk__in=pks, reported_at__isnull=False, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now()
    )


def contact_messages_forget(user: object) -> None:
    """The erase hook (accounts.personal_data) for the messages a person sent from their verified
    addresses: deleted, unless reported, when the moderators still need the body; then only the
    sender's name and address are blanked. Runs inside account_erase's transaction, before the
    account's addresses are deleted."""
    messages = contact_messages_from(user)
    messages.filter(reported_at__isnull=True).delete()
    messages.filter(reported_at__isnull=False).update(sender_name="", sender_email="")
