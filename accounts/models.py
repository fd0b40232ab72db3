"""Who may do what: roles granted to accounts, each with its scope and its own history.

Sign-up, sign-in, email verification, password reset and the second factor are django-allauth's
(see the README); this app adds the hub's roles on top. A contributor is any account with a
verified email address, so that role needs no row; the others are granted, and revoked, by an
admin, and both are kept: a grant is never deleted, only ended.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ASSOCIATION_EDITOR = "association_editor", _("association editor")
    COUNCIL_OFFICER = "council_officer", _("council officer")
    MODERATOR = "moderator", _("moderator")
    ADMIN = "admin", _("admin")


# Roles that act on the whole registry (and so must not name an association or a place).
GLOBAL_ROLES = (Role.MODERATOR, Role.ADMIN)


class RoleGrant(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    # The scope: an association editor edits the links of one association; a council officer those
    # of one of the council's places (a grant per place).
    association = models.ForeignKey(
        "associations.Association", null=True, blank=True, on_delete=models.PROTECT, related_name="editor_grants"
    )
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="officer_grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="role_grant_role_valid"),
            models.CheckConstraint(
                condition=(
                    Q(role=Role.ASSOCIATION_EDITOR, association__isnull=False, place__isnull=True)
                    | Q(role=Role.COUNCIL_OFFICER, association__isnull=True, place__isnull=False)
                    | Q(role__in=GLOBAL_ROLES, association__isnull=True, place__isnull=True)
                ),
                name="role_grant_scope_fits_role",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("granted_at")),
                name="role_grant_revoked_after_granted",
            ),
            # One live grant of a role per scope: granting it again is a no-op, not a duplicate.
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(revoked_at__isnull=True, association__isnull=True, place__isnull=True),
                name="role_grant_one_live_global",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "association"],
                condition=Q(revoked_at__isnull=True, association__isnull=False),
                name="role_grant_one_live_per_association",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "place"],
                condition=Q(revoked_at__isnull=True, place__isnull=False),
                name="role_grant_one_live_per_place",
            ),
        ]

    def __str__(self) -> str:
        scope = self.association or self.place
        if scope:
            return gettext("%(role)s for %(scope)s") % {"role": self.get_role_display(), "scope": scope}
        return str(self.get_role_display())

    @property
    def in_english(self) -> str:
        """The grant as the privileged log writes it: in English, whatever the page's language."""
        with translation.override(settings.LANGUAGE_CODE):
            return str(self)

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


# Consents and erasures live in their own module (accounts.privacy); imported so Django loads them.
from accounts.privacy_models import Consent, ConsentScope, Erasure  # noqa: E402, F401
