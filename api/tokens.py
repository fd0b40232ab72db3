"""Making, checking and revoking API tokens. A key is shown once; only its hash is kept."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from api.models import ApiToken, hash_key

KEY_PREFIX = "th_"
# last_used_at is written at most this often per token, so that reads do not write on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def api_token_create(*, user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """Make a token for `user`. Returns the token and its key; the key is not stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name that says what it is for, e.g. 'import script'."})
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise ValidationError({"name": "Keep the token's name under 100 characters."})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_key(key), key_prefix=key[:10])
    return token, key


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_for_key(key: str) -> ApiToken | None:
    """The token this key belongs to (revoked or not), with its user; None if the key is unknown."""
    key = key.strip()
    if not key or len(key) > 200:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()


def note_use(token: ApiToken) -> None:
    """Record that the token was used (at most once a minute, in one UPDATE)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def user_for_username(username: str) -> AbstractBaseUser:
    model = get_user_model()
    try:
        return model.objects.get(**{model.USERNAME_FIELD: username})
    except model.DoesNotExist as exc:
        raise ValidationError(f"There is no user called '{username}'.") from exc
