"""Bearer tokens for writes, and the rate limit on anonymous reads.

A token acts as its account: what a write may change is the policy's answer for that account
(accounts.policy, checked by the services), so the API and the pages never disagree.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from api.models import ApiToken, hash_key
from api.tokens import note_use, token_for_key
from core.ratelimit import client_ip, consume, parse_rate

DEFAULT_ANON_RATE = "120/min"
TOKEN_HELP = "Send an API token in the header 'Authorization: Bearer <key>'."


def bearer_key(request: HttpRequest) -> str | None:
    """The key of an 'Authorization: Bearer <key>' header, or None if there is no such header."""
    value = request.headers.get("Authorization", "")
    scheme, _, key = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return key.strip()


def staff_token(request: HttpRequest) -> ApiToken | None:
    """The request's token if it is valid and its account active (looked up once per request)."""
    if not hasattr(request, "_api_token"):
        key = bearer_key(request)
        token = token_for_key(key) if key else None
        if token is not None and (token.is_revoked or not token.user.is_active):
            token = None
        request._api_token = token
    return request._api_token


class AccountToken(HttpBearer):
    """Bearer-token authentication for writes: an unrevoked token of an active account passes; the
    services then check what that account may change."""

    def __call__(self, request: HttpRequest) -> ApiToken:
        value = request.headers.get("Authorization")
        if not value:
            raise AuthenticationError(401, f"Writing needs an API token. {TOKEN_HELP}")
        key = bearer_key(request)
        if key is None:
            raise AuthenticationError(401, f"The Authorization header is not a bearer token. {TOKEN_HELP}")
        return self.authenticate(request, key)

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = token_for_key(token)
        if found is None:
            raise AuthenticationError(401, "This API token is not known. Check that it was copied whole.")
        if found.is_revoked:
            raise AuthenticationError(
                401, f"This API token was revoked on {found.revoked_at:%d %B %Y}. Ask an administrator for a new one."
            )
        if not found.user.is_active:
            raise AuthorizationError(403, "The account this API token belongs to is no longer active.")
        note_use(found)
        request.user = found.user
        return found


class AnonymousReadThrottle(BaseThrottle):
    """At most API_ANON_RATE reads (default 120 a minute) per client address; token holders and staff are not limited.

    A fixed window in the cache (core.ratelimit), shared by the server's processes when they share one.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        self._local.wait = None
        if _is_staff(request):
            return True
        rate = getattr(settings, "API_ANON_RATE", DEFAULT_ANON_RATE)
        limit, period = parse_rate(rate)
        wait = consume("api-anon", client_ip(request), rate)
        if wait is None:
            return True
        self._local.wait = wait
        self._local.limit, self._local.period = limit, period
        request._api_rate = (limit, period, self._local.wait)
        return False

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


class TokenWriteThrottle(BaseThrottle):
    """At most API_WRITE_RATE writes (default 600 an hour) per token, so that a leaked or runaway
    token cannot flood the registry, or the moderators, faster than a person could check it."""

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        self._local.wait = None
        key = bearer_key(request)
        if key is None:
            return True  # no token: authentication refuses it first
        rate = getattr(settings, "API_WRITE_RATE", "600/h")
        limit, period = parse_rate(rate)
        wait = consume("api-write", hash_key(key)[:24], rate)
        if wait is None:
            return True
        self._local.wait = wait
        request._api_rate = (limit, period, wait)
        request._api_rate_kind = "write"
        return False

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


def _is_staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    return staff_token(request) is not None
