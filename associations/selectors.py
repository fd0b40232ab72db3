"""Reads of associations: the list, the page, who is shown which contact details, and the
messages a person sent through the contact form (their part of the data download)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.policy import Action, can, roles_of
from associations.models import Association, CommitteeRole, CommitteeRoleKind, Contact, ContactMessage
from audit.models import PrivilegedKind
from audit.services import Actor, privileged_action_log
from core.text import fold
from links.models import Link, Party
from links.selectors import with_list_data, with_status_on

ROLE_ORDER = {kind: position for position, kind in enumerate(CommitteeRoleKind.values)}


def associations_for_list(*, q: str = "", country: str = "") -> QuerySet[Association]:
    """Associations not removed, by name; `q` matches any part of the name (case and accents
    aside), `country` keeps those running a link with a party in that country. Each comes with
    its links, fetched in a constant number of queries."""
    rows = Association.objects.filter(removed=False)
    if q.strip():
        rows = rows.filter(folded__contains=fold(q))
    if country:
        runs = Association.links.through.objects.filter(
            association_id=OuterRef("pk"),
            link_id__in=Party.objects.filter(country=country.upper()).values("link_id"),
        )
        rows = rows.filter(Exists(runs))
    links = with_list_data(Link.objects.order_by("pk"))
    return rows.prefetch_related(Prefetch("links", queryset=links)).order_by("name", "id")


def association_for_page(pk: int, today: dt.date | None = None) -> Association:
    """One association with everything its page shows but the contacts (see contacts_visible_to):
    its links with their status today, and its committee. Raises Association.DoesNotExist."""
    today = today or dt.date.today()
    links = with_list_data(with_status_on(Link.objects.order_by("pk"), today))
    return Association.objects.prefetch_related(
        Prefetch("links", queryset=links),
        Prefetch("committee_roles", queryset=CommitteeRole.objects.order_by("term_start", "id")),
    ).get(pk=pk, removed=False)


@dataclass(frozen=True)
class Committee:
    current: list[CommitteeRole]  # in office today (or from a date to come), chair first
    past: list[CommitteeRole]  # terms that have ended, the most recent first


def committee_of(association: Association, today: dt.date | None = None) -> Committee:
    """Split the (prefetched) committee roles into current and past terms."""
    today = today or dt.date.today()
    roles = list(association.committee_roles.all())
    current = [r for r in roles if r.term_end is None or r.term_end >= today]
    past = [r for r in roles if r.term_end is not None and r.term_end < today]
    current.sort(key=lambda r: (ROLE_ORDER.get(r.role, len(ROLE_ORDER)), r.term_start, r.pk))
    past.sort(key=lambda r: (r.term_end, r.term_start, r.pk), reverse=True)
    return Committee(current=current, past=past)


def contacts_visible_to(user: object, association: Association) -> list[Contact]:
    """The association's contacts that `user` may see: the public ones for everyone, all of them
    for its own editors, moderators and admins (accounts.policy).

    A moderator or admin shown private details of an association they do not edit for has that
    recorded in the log of privileged actions: seeing a volunteer's phone number is an act
    someone may later need to account for.
    """
    contacts = Contact.objects.filter(association=association, removed=False).order_by("name", "id")
    if not can(user, Action.READ_PRIVATE_CONTACTS, association):
        return list(contacts.filter(public=True))
    rows = list(contacts)
    if association.pk not in roles_of(user).association_ids and any(not c.public for c in rows):
        privileged_action_log(
            actor=Actor(user=user),
            kind=PrivilegedKind.CONTACT_READ,
            summary=f"Shown the private contacts of {association.name}",
            target=association,
        )
    return rows


@dataclass(frozen=True)
class ContactSummary:
    private: int  # how many contacts are kept private: the page says so, without saying who
    reachable: bool  # whether any contact has an email address, so that the hub can forward messages


def contact_summary(association: Association) -> ContactSummary:
    """What anyone may know about the association's contacts, in one query."""
    counts = Contact.objects.filter(association=association, removed=False).aggregate(
        private=Count("pk", filter=Q(public=False)), with_email=Count("pk", filter=~Q(email=""))
    )
    return ContactSummary(private=counts["private"], reachable=counts["with_email"] > 0)


# ---------------------------------------------------------------- contact messages and privacy


def verified_addresses(user: object) -> set[str]:
    """The account's email addresses that it has confirmed (allauth's EmailAddress), lower-cased.

    `user.email` counts only as one of those rows (allauth keeps it equal to the primary address):
    set by hand, or not yet confirmed, it is no proof that messages sent from it are this
    person's, and they would be another person's data to hand over or erase.
    """
    from allauth.account.models import EmailAddress

    return {
        email.lower() for email in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    }


def contact_messages_from(user: object) -> QuerySet[ContactMessage]:
    """The contact messages sent from any of the account's verified addresses (case aside): the
    messages have no link to accounts, only the address the sender typed."""
    addresses = verified_addresses(user)
    if not addresses:
        return ContactMessage.objects.none()
    matches = Q()
    for address in sorted(addresses):
        matches |= Q(sender_email__iexact=address)
    return ContactMessage.objects.filter(matches)


def contact_messages_sent_by(user: object) -> list[dict[str, object]]:
    """The person's part of the data download: each message they sent, as they sent it.

    Not whether it was reported, nor why: that is the association's report to the moderators.
    """
    rows = contact_messages_from(user).select_related("association").order_by("created_at", "pk")
    return [
        {
            "sent_at": m.created_at,
            "to_association": m.association.name,
            "your_name": m.sender_name,
            "your_email": m.sender_email,
            "message": m.body,
        }
        for m in rows
    ]


def contact_messages_expired(*, days: int, now: dt.datetime | None = None) -> QuerySet[ContactMessage]:
    """Messages the hub no longer needs (the privacy notice): written and forwarded more than `days`
    ago and never reported, or reported and marked reviewed more than `days` ago. A reported
    message nobody has reviewed yet stays, however old."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    old = Q(created_at__lt=cutoff) & (Q(sent_at__isnull=True) | Q(sent_at__lt=cutoff))
    done = Q(reported_at__isnull=True) | Q(reviewed_at__lt=cutoff)
    return ContactMessage.objects.filter(old & done)
