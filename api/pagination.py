"""Cursor pagination: every list is ordered by id, and `cursor` says where the last page ended.

A cursor is opaque to clients (base64 of the last row's sort key). Unlike page numbers, it
never repeats or skips a row when rows are added while a client walks the pages.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from api.errors import bad_request, refuse_repeats

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
M = TypeVar("M", bound=Model)


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"id": last_id}, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id a cursor points after; a 400 in plain words if it is not one this API gave out."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        last_id = data["id"]
        if not isinstance(last_id, int) or isinstance(last_id, bool) or not 0 <= last_id < 2**63:
            raise ValueError
        return last_id
    except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error):
        raise bad_request(
            {"cursor": ["This cursor is not one the API gave out. Use the 'next' link of a page, or leave it out."]}
        ) from None


def paginate(
    request: HttpRequest,
    rows: QuerySet[M],
    *,
    limit: int,
    cursor: str | None,
    serialize: Callable[[Sequence[M]], list[Any]],
    count: int | None = None,
) -> dict[str, Any]:
    """One page of `rows` in id order: {"results", "next", "count"}, in a constant number of queries.

    `serialize` turns the page's rows (a list) into result items; `count` counts every row
    that matches, on all pages (counted here unless the caller knows it already).
    """
    refuse_repeats(request, "limit", "cursor")
    after = decode_cursor(cursor) if cursor else None
    ordered = rows.order_by("pk")
    count = ordered.count() if count is None else count
    page = ordered.filter(pk__gt=after) if after is not None else ordered
    items = list(page[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    next_url = None
    if more:
        query = request.GET.copy()
        query["cursor"] = encode_cursor(items[-1].pk)
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"results": serialize(items), "next": next_url, "count": count}
