"""Writes to accounts: granting and revoking roles. Each is authorised and logged as privileged."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import GLOBAL_ROLES, Role, RoleGrant
from accounts.policy import Action, authorize, forget_roles
from audit.models import PrivilegedKind
from audit.services import Actor, privileged_action_log


def _staff_flag_refresh(user: AbstractBaseUser) -> None:
    """Moderators and admins use the admin site; nobody else does. Kept with the grants."""
    staff = user.is_superuser or user.role_grants.filter(revoked_at__isnull=True, role__in=GLOBAL_ROLES).exists()
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def role_grant(
    *, actor: Actor, user: AbstractBaseUser, role: str, association=None, place=None, reason: str = ""
) -> RoleGrant:
    """Give `user` a role (scoped to an association or a place where the role needs one)."""
    authorize(actor, Action.MANAGE_ROLES)
    if role not in Role.values:
        raise ValidationError({"role": gettext("There is no role called %(role)r.") % {"role": role}})
    live = RoleGrant.objects.filter(user=user, role=role, association=association, place=place, revoked_at=None)
    existing = live.first()
    if existing is not None:
        return existing
    grant = RoleGrant(
        user=user,
        role=role,
        association=association,
        place=place,
        granted_by=actor.user,
        reason=reason,
    )
    if role == Role.ASSOCIATION_EDITOR and association is None:
        raise ValidationError(
            {"association": gettext("An association editor edits one association's links: choose it.")}
        )
    if role == Role.COUNCIL_OFFICER and place is None:
        raise ValidationError({"place": gettext("A council officer acts for one of the council's places: choose it.")})
    if role in GLOBAL_ROLES and (association is not None or place is not None):
        raise ValidationError(
            {
                "role": gettext("A %(role)s acts on the whole registry: leave the scope empty.")
                % {"role": Role(role).label}
            }
        )
    grant.save()
    _staff_flag_refresh(user)
    forget_roles(user)
    privileged_action_log(
        actor=actor,
        kind=PrivilegedKind.ROLE_GRANT,
        summary=f"Granted {grant.in_english} to account {user.pk}",
        subject_user_id=user.pk,
        target=grant,
        reason=reason,
    )
    return grant


@transaction.atomic
def role_revoke(*, actor: Actor, grant: RoleGrant, reason: str = "") -> RoleGrant:
    """End a grant. The row stays: who held which role, and when, remains on record."""
    authorize(actor, Action.MANAGE_ROLES)
    updated = RoleGrant.objects.filter(pk=grant.pk, revoked_at=None).update(
        revoked_at=timezone.now(), revoked_by=actor.user
    )
    grant.refresh_from_db()
    if updated:
        _staff_flag_refresh(grant.user)
        forget_roles(grant.user)
        privileged_action_log(
            actor=actor,
            kind=PrivilegedKind.ROLE_REVOKE,
            summary=f"Revoked {grant.in_english} from account {grant.user_id}",
            subject_user_id=grant.user_id,
            target=grant,
            reason=reason,
        )
    return grant
