"""Fixed-window rate limits counted in Django's cache: the API's anonymous reads, contact forms,
proposals. cache.add/incr are atomic on shared caches (the database cache, Redis, Memcached), so
several server processes count together when they share one (CACHE_URL)."""

from __future__ import annotations

import math
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext


@lru_cache(maxsize=32)
def parse_rate(rate: str) -> tuple[int, int]:
    """'120/min' -> (120, 60). Periods: s, sec, m, min, h, hour, d, day, optionally with a count ('100/5min')."""
    periods = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
    count, _, period = rate.replace(" ", "").partition("/")
    digits = "".join(ch for ch in period if ch.isdigit())
    unit = period[len(digits) :]
    if not count.isdigit() or unit not in periods:
        raise ValueError(f"A rate must look like '120/min' or '5/h', not {rate!r}.")
    return int(count), (int(digits) if digits else 1) * periods[unit]


def client_ip(request: HttpRequest) -> str:
    """The client's address. X-Forwarded-For is trusted only as far as NINJA_NUM_PROXIES says."""
    proxies = getattr(settings, "NINJA_NUM_PROXIES", None)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def consume(scope: str, who: str, rate: str) -> int | None:
    """Count one use of `scope` by `who` against `rate`; None if allowed, else seconds to wait."""
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    key = f"rate:{scope}:{period}:{window}:{who}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * period - now))


def wait_in_words(seconds: int) -> str:
    """'about 3 minutes': how long to wait, for a message to a person (in their language)."""
    if seconds < 90:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    if seconds < 90 * 60:
        minutes = round(seconds / 60)
        return ngettext("about %(n)d minute", "about %(n)d minutes", minutes) % {"n": minutes}
    hours = round(seconds / 3600)
    return ngettext("about %(n)d hour", "about %(n)d hours", hours) % {"n": hours}
