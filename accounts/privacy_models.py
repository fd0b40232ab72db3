"""What the hub records under its privacy notice: who accepted which version, and which accounts
were erased. (Imported by accounts.models, so that Django loads them with the app.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConsentScope(models.TextChoices):
    """What a consent covers. Contact forms or newsletters may add their own scopes later."""

    ACCOUNT = "account", _("holding an account and what it contributes, as the privacy notice describes")


class Consent(models.Model):
    """A person said they had read a version of the privacy notice, at a time, for a purpose.

    Rows are added, never changed: a new version of the notice asks again and adds a row, so the
    history of what each account accepted stays on record.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    notice_version = models.CharField(max_length=20)
    covers = models.CharField(max_length=20, choices=ConsentScope.choices, default=ConsentScope.ACCOUNT)
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "notice_version", "covers"], name="consent_once_per_version"),
            models.CheckConstraint(condition=models.Q(covers__in=ConsentScope.values), name="consent_covers_valid"),
        ]

    def __str__(self) -> str:
        return f"Account {self.user_id} accepted notice {self.notice_version} on {self.given_at:%Y-%m-%d}"


class Erasure(models.Model):
    """An account its owner erased. The account row stays (edits and logs point at it), emptied of
    everything that identified the person; this row says when, and that it was deliberate."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erasure")
    erased_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-erased_at", "-id"]

    def __str__(self) -> str:
        return f"Account {self.user_id} erased on {self.erased_at:%Y-%m-%d}"
