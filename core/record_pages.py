"""A registry record named the way a person can name it without JavaScript: its number, or the address
of its page on this hub, typed or pasted into a plain text box (see record_number)."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation

# A registry record is named by the address of its page on this hub or by its number, typed into a
# plain text box, rather than chosen from a list: the registry holds thousands of places, links and
# sources, and a <select> that long (or one that needs JavaScript to search it) is a wall for a
# volunteer on a keyboard or a screen reader. Every record's page is one search away, its address
# is in the browser's address bar to copy, and its number is in that address; pasting or typing it
# works the same with or without JavaScript, and a wrong one is named back in plain words.
_NUMBER = re.compile(r"^(?:n[o°º]\.?|#)?\s*(\d{1,12})$", re.IGNORECASE)


class NotARecordPage(ValueError):
    """Typed text that is neither a number nor the address of a record's page on this hub."""


def record_number(text: str, *, namespace: str, hosts: Collection[str]) -> int:
    """The number of the record that `text` names: "12", "#12", "No. 12", or the address of its page
    on this hub in any language ("https://hub.example/fr/places/12/leeds", "/places/12/", "places/12").
    `hosts` are this hub's own host names; an address on another site is refused."""
    text = text.strip()
    number = _NUMBER.match(text)
    if number:
        return int(number[1])
    if "://" not in text and not text.startswith("/"):
        first = text.split("/", 1)[0]
        text = f"https://{text}" if "." in first else f"/{text}"
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
    except ValueError as exc:
        raise NotARecordPage(text) from exc
    if host and host not in hosts:
        raise NotARecordPage(text)
    path = parts.path
    for code, _name in settings.LANGUAGES:  # /fr/places/12/ is the same page as /places/12/
        if path.startswith(f"/{code}/"):
            path = path[len(code) + 1 :]
            break
    match = None
    with translation.override(settings.LANGUAGE_CODE):  # the default language's addresses have no prefix
        for candidate in (path, f"{path}/"):  # "/places/12" as well as "/places/12/"
            try:
                match = resolve(candidate)
                break
            except Resolver404:
                continue
    if match is None:
        raise NotARecordPage(text)
    if match.namespace != namespace or match.url_name not in ("detail", "detail_short"):
        raise NotARecordPage(text)
    return int(match.kwargs["pk"])


def hosts_of(request: Any) -> set[str]:
    """This hub's host names: the one the page was asked for and the one its emails use (SITE_URL)."""
    hosts = {urlsplit(f"//{request.get_host()}").hostname or ""}
    hosts.add(urlsplit(settings.SITE_URL).hostname or "")
    return {host.lower() for host in hosts if host}
