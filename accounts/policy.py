"""Who may do what, in one place: the table in the README, as code.

Services call `authorize(actor, action, target)` before they write, so a page, the API and the
admin site all get the same answer; templates call `can()` only to decide what to offer.
Processes (imports, the demo loader: `Actor.system`) are run by whoever operates the machine
and are not checked here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

if TYPE_CHECKING:
    from audit.services import Actor


class Action(StrEnum):
    PROPOSE = "propose"  # suggest a change that a moderator reviews
    EDIT = "edit"  # change a record at once, without review
    RECORD_DECISION = "record_decision"  # record a status event (a council's decision) at once
    MODERATE = "moderate"  # approve or reject proposals
    REVERT = "revert"  # undo any change
    REMOVE = "remove"  # remove a record (kept in history) or restore it
    READ_PRIVATE_CONTACTS = "read_private_contacts"
    MANAGE_ROLES = "manage_roles"
    READ_PRIVILEGED_LOG = "read_privileged_log"


# What a refusal of each action says, as whole sentences (so that each language can word its own).
REFUSALS = {
    Action.PROPOSE: _("You cannot propose changes."),
    Action.EDIT: _("You cannot change this record directly."),
    Action.RECORD_DECISION: _("You cannot record a status change directly."),
    Action.MODERATE: _("You cannot review proposals."),
    Action.REVERT: _("You cannot revert changes."),
    Action.REMOVE: _("You cannot remove or restore records."),
    Action.READ_PRIVATE_CONTACTS: _("You cannot see these contact details."),
    Action.MANAGE_ROLES: _("You cannot grant or revoke roles."),
    Action.READ_PRIVILEGED_LOG: _("You cannot read the log of privileged actions."),
}


@dataclass(frozen=True)
class UserRoles:
    """One account's live roles, read once (see roles_of)."""

    signed_in: bool = False
    verified: bool = False  # a verified email address: a contributor
    moderator: bool = False
    admin: bool = False  # only with a second factor (see roles_of)
    admin_needs_second_factor: bool = False  # an admin grant that waits for a second factor
    association_ids: frozenset[int] = field(default_factory=frozenset)
    place_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def contributor(self) -> bool:
        return self.verified

    @property
    def trusted_everywhere(self) -> bool:
        return self.moderator or self.admin

    def labels(self) -> list[str]:
        labels = []
        if self.admin:
            labels.append(str(Role.ADMIN.label))
        if self.moderator:
            labels.append(str(Role.MODERATOR.label))
        if self.place_ids:
            labels.append(str(Role.COUNCIL_OFFICER.label))
        if self.association_ids:
            labels.append(str(Role.ASSOCIATION_EDITOR.label))
        if self.contributor:
            labels.append(gettext("contributor"))
        return labels or [gettext("visitor")]


VISITOR = UserRoles()


def roles_of(user: object) -> UserRoles:
    """The live roles of `user`, cached on the user object for the rest of the request.

    A contributor has a verified email address. An admin grant (or a superuser account) counts
    only once the account has a second factor (TOTP), unless ADMIN_SECOND_FACTOR_REQUIRED is off;
    moderators may use one and are not made to.
    """
    if user is None or isinstance(user, AnonymousUser) or not getattr(user, "is_authenticated", False):
        return VISITOR
    cached = getattr(user, "_hub_roles", None)
    if cached is not None:
        return cached
    if not user.is_active or user.pk is None:
        return VISITOR
    from allauth.account.models import EmailAddress

    grants = list(user.role_grants.filter(revoked_at__isnull=True).values_list("role", "association_id", "place_id"))
    held = {role for role, _, _ in grants}
    admin_granted = Role.ADMIN in held or user.is_superuser
    second_factor = _has_second_factor(user) if admin_granted else False
    admin = admin_granted and (second_factor or not settings.ADMIN_SECOND_FACTOR_REQUIRED)
    roles = UserRoles(
        signed_in=True,
        verified=EmailAddress.objects.filter(user=user, verified=True).exists(),
        moderator=Role.MODERATOR in held,
        admin=admin,
        admin_needs_second_factor=admin_granted and not admin,
        association_ids=frozenset(a for role, a, _ in grants if role == Role.ASSOCIATION_EDITOR),
        place_ids=frozenset(p for role, _, p in grants if role == Role.COUNCIL_OFFICER),
    )
    user._hub_roles = roles
    return roles


def _has_second_factor(user: object) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def forget_roles(user: object) -> None:
    """Drop the roles cached on `user` (after a grant, a revocation or a new second factor)."""
    if hasattr(user, "_hub_roles"):
        del user._hub_roles


def can(user: object, action: Action, target: object = None) -> bool:
    """Whether `user` may do `action` to `target` (a link, event, place, association … or nothing)."""
    roles = roles_of(user)
    if action is Action.PROPOSE:
        return roles.contributor
    if action in (Action.MODERATE, Action.REVERT, Action.REMOVE):
        return roles.trusted_everywhere
    if action in (Action.MANAGE_ROLES, Action.READ_PRIVILEGED_LOG):
        return roles.admin
    if roles.trusted_everywhere:
        return action in (Action.EDIT, Action.RECORD_DECISION, Action.READ_PRIVATE_CONTACTS)
    if action is Action.EDIT and target is _source_model():
        # Sources belong to no one: whoever may edit some links directly may add the sources they
        # cite. Changing an existing source (cited perhaps by thousands of links) is moderators'.
        return bool(roles.association_ids or roles.place_ids)
    if action is Action.EDIT:
        return (_in_association_scope(roles, target) or _in_council_scope(roles, target)) and not _protected(target)
    if action is Action.RECORD_DECISION:
        return _in_council_scope(roles, target) and not _protected(target)
    if action is Action.READ_PRIVATE_CONTACTS:
        return _in_association_scope(roles, target)
    return False


def authorize(actor: Actor, action: Action, target: object = None) -> None:
    """Raise PermissionDenied, in plain words, unless `actor` may do `action` to `target`."""
    if actor.user is None:  # a process run by the operator (import, demo loader)
        return
    if can(actor.user, action, target):
        return
    roles = roles_of(actor.user)
    hint = ""
    if roles.admin_needs_second_factor:
        hint = gettext("Your admin role works once you have set up a second factor (an authenticator app).")
    elif not roles.signed_in:
        hint = gettext("Sign in first.")
    elif not roles.contributor:
        hint = gettext("Confirm your email address first: follow the link in the email we sent you.")
    elif action in (Action.EDIT, Action.RECORD_DECISION):
        hint = gettext("You can propose the change instead; a moderator will review it.")
    raise PermissionDenied(f"{REFUSALS[action]} {hint}".rstrip())


# ---------------------------------------------------------------- scopes


@dataclass(frozen=True)
class NewLink:
    """The target of creating a link: the places it would join (a council officer may create
    links of their own places directly)."""

    place_ids: frozenset[int]


def _source_model() -> type:
    from sources.models import Source

    return Source


def _link_ids(target: object) -> list[int]:
    """The links a target belongs to: itself, an event's or a party's link."""
    from links.models import Link, Party, StatusEvent
    from sources.models import Citation

    if isinstance(target, Link):
        return [target.pk] if target.pk else []
    if isinstance(target, (StatusEvent, Party)):
        return [target.link_id] if target.link_id else []
    if isinstance(target, Citation):
        if target.link_id:
            return [target.link_id]
        if target.status_event_id:
            return [target.status_event.link_id]
    return []


def _protected(target: object) -> bool:
    """A protected link (contested, often vandalised) is changed directly by moderators only."""
    from links.models import Link

    link_ids = _link_ids(target)
    return bool(link_ids) and Link.all_objects.filter(pk__in=link_ids, protected=True).exists()


def _in_association_scope(roles: UserRoles, target: object) -> bool:
    from associations.models import Association

    if not roles.association_ids or target is None:
        return False
    if isinstance(target, Association):
        return target.pk in roles.association_ids
    link_ids = _link_ids(target)
    return (
        bool(link_ids)
        and Association.links.through.objects.filter(
            link_id__in=link_ids, association_id__in=roles.association_ids
        ).exists()
    )


def _in_council_scope(roles: UserRoles, target: object) -> bool:
    from links.models import Party
    from places.models import Place

    if not roles.place_ids or target is None:
        return False
    from places.models import Institution

    if isinstance(target, Place):
        return target.pk in roles.place_ids
    if isinstance(target, Institution):
        return target.place_id in roles.place_ids
    if isinstance(target, NewLink):
        return bool(target.place_ids & roles.place_ids)
    link_ids = _link_ids(target)
    return bool(link_ids) and Party.objects.filter(link_id__in=link_ids, place_id__in=roles.place_ids).exists()
