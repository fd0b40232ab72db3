"""Reads about accounts and their roles."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import RoleGrant


def live_grants_of(user: object) -> QuerySet[RoleGrant]:
    return RoleGrant.objects.filter(user=user, revoked_at__isnull=True).select_related("association", "place")
