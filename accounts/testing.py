"""Accounts for tests, made the way the hub makes them (verified address, roles through grants)."""

from __future__ import annotations

import time

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth import get_user_model

from accounts.models import Role, RoleGrant
from accounts.services import _staff_flag_refresh

PASSWORD = "a long test password 4 the hub"  # noqa: S105


def account_create(
    email: str,
    *,
    verified: bool = True,
    role: str = "",
    association=None,
    place=None,
    second_factor: bool = False,
    password: str | None = PASSWORD,
):
    """An account with `email`, optionally verified, holding `role` (granted without an admin:
    tests set the stage; granting through the services is tested on its own)."""
    user = get_user_model().objects.create_user(username=email.split("@")[0][:150], email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    if role:
        RoleGrant.objects.create(user=user, role=role, association=association, place=place, reason="test")
        _staff_flag_refresh(user)
    if second_factor:
        user.totp_secret = generate_totp_secret()
        TOTP.activate(user, user.totp_secret)
    return user


def totp_code(user) -> str:
    """The code the account's authenticator app would show now."""
    from allauth.mfa import app_settings

    return format_hotp_value(hotp_value(user.totp_secret, int(time.time()) // app_settings.TOTP_PERIOD))


ROLES = {
    "visitor": {},
    "unverified": {"verified": False},
    "contributor": {},
    "association_editor": {"role": Role.ASSOCIATION_EDITOR},
    "council_officer": {"role": Role.COUNCIL_OFFICER},
    "moderator": {"role": Role.MODERATOR},
    "admin": {"role": Role.ADMIN, "second_factor": True},
}
