"""Conditional GETs: ETag and Last-Modified from the registry's data version, and 304 answers.

Every write to the registry creates an audit.ChangeRecord, so the newest one (with the newest
import run, whose "needs verification" flags are written without one) is a version of the
whole registry. A response's ETag combines that version with the full request path and query;
it also changes at midnight, because statuses "today" move on with the date.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from audit.models import ChangeRecord
from imports.models import ImportRun

# Bump when the shape of responses changes, so that cached copies are not revalidated as current.
REPRESENTATION = "api-v1.1"


@dataclass(frozen=True)
class DataVersion:
    token: str
    last_modified: dt.datetime

    def etag_for(self, request: HttpRequest) -> str:
        digest = hashlib.sha256(f"{self.token}|{request.get_full_path()}".encode()).hexdigest()[:32]
        return f'W/"{digest}"'


def data_version() -> DataVersion:
    """The registry's version now: newest change record, newest import run, and today's date (two queries)."""
    # The newest record by id (the primary key's index; SQLite scans a table for two MAX()es at once).
    change = ChangeRecord.objects.order_by("-id").values("id", "at").first() or {"id": 0, "at": None}
    run = ImportRun.objects.order_by("-id").values("id", "status", "started_at", "finished_at").first()
    today_start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    moments = [today_start, change["at"]] + ([run["finished_at"] or run["started_at"]] if run else [])
    last_modified = max(m for m in moments if m is not None)
    token = "|".join(
        [
            REPRESENTATION,
            f"c{change['id'] or 0}-{change['at'].isoformat() if change['at'] else ''}",
            f"r{run['id']}-{run['status']}-{run['finished_at']}" if run else "r0",
            timezone.localdate().isoformat(),
        ]
    )
    return DataVersion(token=token, last_modified=last_modified)


def versioned_key(name: str, parts: object) -> str:
    """A cache key for `parts` in the registry as it is now: any write gives every key a new value."""
    return f"{name}:{hashlib.sha256(f'{data_version().token}|{parts!r}'.encode()).hexdigest()}"


def versioned_cache(name: str, parts: object, compute: Callable[[], Any], timeout: int = 24 * 3600) -> Any:
    """`compute()`'s answer, kept in the cache until the registry changes.

    The key holds the registry's data version, and every write records a change record, so an
    answer is never older than the data: the first request after a write computes afresh.
    """
    from django.core.cache import cache

    key = versioned_key(name, parts)
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=timeout)
    return found


def registry_cached_page(
    *, reads: tuple[str, ...] = ()
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve a public page to anonymous visitors from the cache while the registry is unchanged.

    Such a page depends only on the registry, its language, its path and the query parameters it
    `reads`; the cache key holds the registry's data version, so the first view after any write renders
    afresh: never stale. A request with other parameters is answered but not kept (so a flood
    of made-up URLs cannot churn the cache). Signed-in people (whose pages differ: staff see
    editing links) and anything but a 200 are not cached. settings.PAGE_CACHE=False turns it
    off (to measure rendering itself).
    """
    from django.conf import settings
    from django.core.cache import cache

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            cacheable = (
                settings.PAGE_CACHE
                and request.method in ("GET", "HEAD")
                and not request.user.is_authenticated
                and set(request.GET) <= set(reads)
                and all(len(request.GET.getlist(name)) == 1 for name in request.GET)
            )
            if not cacheable:
                return view(request, *args, **kwargs)
            parameters = sorted((name, request.GET[name]) for name in request.GET)
            # The path says the language too (/fr/…), but the key never relies on it.
            key = versioned_key("page", (translation.get_language(), request.path, parameters))
            kept = cache.get(key)
            if kept is not None:
                content, headers = kept
                response = HttpResponse(content, headers=headers)
                response["X-Registry-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                cache.set(key, (response.content, dict(response.items())), timeout=3600)
                response["X-Registry-Cache"] = "miss"
            return response

        return inner

    return decorate


def revalidated(view: Callable[..., Any]) -> Callable[..., Any]:
    """Give a GET endpoint ETag and Last-Modified, and answer 304 (no body) when the client's copy is current.

    The endpoint must take a `response: HttpResponse` argument (django-ninja's temporal
    response); the headers are set on it, so they reach a 200 answer but not an error.
    """

    @functools.wraps(view)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        version = data_version()
        etag = version.etag_for(request)
        # Whole seconds: that is all an HTTP date can carry, so If-Modified-Since compares cleanly.
        last_modified = int(version.last_modified.timestamp())
        # None, or a 304 (or a 412 for a failed If-Match / If-Unmodified-Since) without a body.
        answered = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if answered is not None:
            answered["ETag"] = etag
            answered["Last-Modified"] = http_date(last_modified)
            return answered
        temporal = kwargs["response"]
        temporal["ETag"] = etag
        temporal["Last-Modified"] = http_date(last_modified)
        temporal["Cache-Control"] = "no-cache"
        return view(request, *args, **kwargs)

    return inner
