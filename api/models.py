"""API tokens: how accounts authenticate writes to the REST API (what they may change is their roles').

Only a SHA-256 hash of each key is stored; the key itself is shown once, when it is
made (`manage.py create_api_token`), and cannot be recovered afterwards.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models


def hash_key(key: str) -> str:
    """The stored form of a key: its SHA-256 digest in hex. Keys are random, so no salt is needed."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'council import script'.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(
        max_length=12, editable=False, help_text="The first characters of the key, to tell tokens apart."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        state = " (revoked)" if self.revoked_at else ""
        return f"{self.name} for {self.user} ({self.key_prefix}…){state}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
