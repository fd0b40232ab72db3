"""A browser-free HTTP client for the reliability tests: cookies, CSRF, HTML forms, JSON.

Used against a real server (gunicorn on loopback), where Django's test client cannot go.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from typing import Any
from urllib.parse import urlencode


@dataclass
class Page:
    status: int
    url: str
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class FormFields(HTMLParser):
    """The fields a browser would submit from the form with id `form_id` (or, given "action=/path",
    the form posting there), as (name, value) pairs in page order."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: tuple[str, bool, list[str], list[str]] | None = None  # name, multiple, selected, all
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            key, _, wanted = self.form_id.partition("=")
            self.inside = a.get("action") == wanted if key == "action" and wanted else a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind in {"checkbox", "radio"} else "")))
        elif tag == "select" and name:
            self._select = (name, "multiple" in a, [], [])
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select[3].append(value)
            if "selected" in a:
                self._select[2].append(value)
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            name, multiple, selected, options = self._select
            if not selected and not multiple and options:
                selected = options[:1]  # a browser submits a single select's first option
            self.fields += [(name, value) for value in selected]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.fields.append((name, "".join(text).removeprefix("\n")))
            self._textarea = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    parser = FormFields(form_id)
    parser.feed(html)
    if not parser.fields:
        raise AssertionError(f"no form with id {form_id!r} on the page")
    return parser.fields


def replace(fields: list[tuple[str, str]], **values: str) -> list[tuple[str, str]]:
    """The fields with these names' values replaced ('parties-0-role' is written parties__0__role)."""
    values = {k.replace("__", "-"): v for k, v in values.items()}
    missing = set(values) - {name for name, _ in fields}
    if missing:
        raise AssertionError(f"the form has no field(s) {sorted(missing)}")
    return [(name, values.get(name, value)) for name, value in fields]


class Browser:
    """One person's session: keeps cookies, follows redirects, sends the CSRF token with forms."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _open(self, request: urllib.request.Request, timeout: float) -> Page:
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return Page(response.status, response.url, response.read().decode())
        except urllib.error.HTTPError as error:
            return Page(error.code, error.url, error.read().decode())

    def get(self, path: str, timeout: float = 30) -> Page:
        return self._open(urllib.request.Request(self.base_url + path), timeout)

    def post_form(self, path: str, fields: list[tuple[str, str]], timeout: float = 30) -> Page:
        body = urlencode(fields).encode()
        request = urllib.request.Request(self.base_url + path, data=body, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        return self._open(request, timeout)

    def sign_in(self, username: str, password: str) -> None:
        """Sign in on the hub's sign-in page (the admin's sends people there), by email address."""
        page = self.get("/admin/")
        assert "/accounts/login/" in page.url, f"the admin did not send {username} to the sign-in page"
        fields = form_fields(page.text, "action=/accounts/login/")
        fields = replace(fields, login=f"{username}@example.org", password=password)
        landed = self.post_form("/accounts/login/", fields)
        assert landed.url.endswith("/admin/"), f"{username} could not sign in: {landed.text[:500]}"


def post_json(url: str, body: dict[str, Any], token: str, timeout: float = 30) -> Page:
    """POST JSON with a bearer token; a dropped connection raises (OSError), an HTTP error returns its page."""
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Page(response.status, response.url, response.read().decode())
    except urllib.error.HTTPError as error:
        return Page(error.code, error.url, error.read().decode())
