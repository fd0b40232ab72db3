"""Security, tested (issue 6): the Content-Security-Policy and other headers on every kind of page,
CSRF on every form, secure cookies and HSTS with the production settings, `check --deploy`, and
user-written text rendered through a safe subset of Markdown (core.markdown).

The production tests read the settings as the production environment makes them (in a
subprocess, DEBUG=false) rather than restating them, so a change to settings.py is what they test.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client, override_settings

from audit.services import Actor
from core.markdown import ALLOWED_TAGS, INLINE_TAGS, LINK_REL, render_markdown, render_markdown_inline
from core.partial_dates import PartialDate
from links.models import Link
from links.services import link_create, status_event_record
from places.services import place_create
from sources.services import CitationSpec, source_create
from tests import hostile as H

ROOT = Path(__file__).resolve().parent.parent

# ================================================================== a small registry with hostile text

DESCRIPTION = (
    "Twinned **since 1947**, renewed every decade.\n" + H.SCRIPT + "\n\n[Minutes](https://example.org/m) " + H.IMG
)
REASON = "The *invasion* of Ukraine. " + H.SCRIPT + " [x](javascript:alert(1))"
QUOTE = "With a **heavy heart** we pause the link. " + H.IMG
NOTE = "Kept in the county archive.\n\n- box 12\n- folder 3\n\n" + H.SCRIPT


@dataclass
class Registry:
    """One link between two places with a status event, each text field holding Markdown and markup."""

    link: Link
    place: Any
    source: Any
    urls: dict[str, str] = field(default_factory=dict)
    proposal_pk: int | None = None


def registry_build() -> Registry:
    """Built through the services, as the hub builds it; also used by the browser test."""
    actor = Actor.system("security tests")
    source = source_create(
        actor=actor,
        title="Council minutes " + H.SCRIPT,
        kind="official",
        publisher="Testford Council",
        published=PartialDate.parse("2022-03-22"),
        url="https://example.org/minutes",
        note=NOTE,
    )
    cite = [CitationSpec(source=source, quote=QUOTE)]
    town = place_create(actor=actor, name="Testford", country="GB", note=NOTE)
    partner = place_create(actor=actor, name="Partnerstadt", country="DE")
    link = link_create(
        actor=actor,
        parties=[town, partner],
        kind="formal",
        citations=cite,
        purposes=["culture"],
        agreement=PartialDate.parse("1947"),
        description=DESCRIPTION,
    )
    status_event_record(
        actor=actor,
        link=link,
        when=PartialDate.parse("2022-03-22"),
        status="paused",
        citations=cite,
        reason=REASON,
        category="war",
        deciding_body="Full council",
    )
    from associations.services import association_create, contact_add

    association = association_create(actor=actor, name="Testford Twinning " + H.SCRIPT, links=[link])
    contact_add(actor=actor, association=association, name="Secretary", email="secretary@example.org")
    from associations.governance import member_counts_record
    from associations.models import AgeBand
    from associations.services import committee_role_add

    committee_role_add(  # held for long: the page's reminder for editors names them
        actor=actor, association=association, person="Chair " + H.SCRIPT, role="chair", term_start=dt.date(2010, 1, 1)
    )
    this_year = dt.date.today().year
    member_counts_record(  # the generational mix's chart and table
        actor=actor, association=association, year=this_year, counts=dict.fromkeys(AgeBand.values, 3)
    )
    from health.services import activity_create

    activity_create(
        actor=actor,
        link=link,
        kind="visit",
        title="Choir visit " + H.SCRIPT,
        when=PartialDate.parse("2023-05"),
        description="We sang **together**. " + H.SCRIPT + " " + H.IMG,
        source_url="https://example.org/visit",
    )
    from health.verification import request_send, requests_create, token_for

    (asked,) = requests_create(link)
    request_send(request_id=asked.pk, attempt=1)  # the "Is this link still active?" email
    verify_token = token_for(asked)
    from accounts.testing import account_create
    from matching.services import profile_create

    profile = profile_create(
        actor=Actor(user=account_create("seeker@example.org")),
        seeker="association",
        name="Testford Seekers " + H.SCRIPT,
        place=town,
        offers=["youth"],
        about=DESCRIPTION,
        contact_name="Private Person",
        contact_email="private@example.org",
    )
    from knowledge.services import SourceSpec, guide_create

    guide = guide_create(
        actor=actor,
        title="Volunteers " + H.SCRIPT,
        summary="Younger members " + H.SCRIPT,
        body=DESCRIPTION + " volunteers",
        tags="young members",
        sources=[SourceSpec(url="https://example.org/report", passage=QUOTE)],
        places=[town],
        links=[link],
    )
    from documents.models import DocumentTemplate
    from events.services import event_create

    event = event_create(  # on the calendar, and in the link's iCalendar feed
        actor=actor, title="Meet-up " + H.SCRIPT, kind="online", start_date=dt.date.today() + dt.timedelta(days=3),
        description=DESCRIPTION, link=link, url="https://example.org/meet",
    )  # fmt: skip
    from documents.seeds import seed_templates_load

    seed_templates_load()  # a browser test's database is flushed between tests, migrations' data with it
    agreement = DocumentTemplate.objects.get(kind="agreement", language="en")
    from knowledge.services import answer_post, question_ask

    question = question_ask(
        actor=Actor(user=account_create("asker@example.org")), title="Funding? " + H.SCRIPT, body=DESCRIPTION
    )
    answer_post(actor=Actor(user=account_create("helper@example.org")), question=question, body=NOTE)
    urls = {
        "knowledge bank": "/knowledge/?tag=young-members",
        "ask the network": "/knowledge/questions/",
        "a question": question.get_absolute_url(),
        "knowledge search": "/knowledge/?q=volunteers+script",
        "guide page": guide.get_absolute_url(),
        "events calendar": "/events/",
        "event page": event.get_absolute_url(),
        "document templates": f"/documents/?link={link.pk}",
        "fill in a document": f"/documents/{agreement.pk}/?link={link.pk}",
        "link history": f"/links/{link.pk}/history/",
        "associations": "/associations/",
        "partner search": "/partners/",
        "partner profile": profile.get_absolute_url(),
        "association page": association.get_absolute_url(),
        "association contact form": f"/associations/{association.pk}/contact",
        "record members by age": f"/associations/{association.pk}/members/add",
        "correct members by age": f"/associations/{association.pk}/members/{this_year}/correct",
        "privacy notice": "/privacy",
        "is this link still active?": f"/verify/{verify_token}/",
        "confirm it has paused": f"/verify/{verify_token}/paused/",
        "home": "/",
        "search": "/search?q=Testford",
        "link page": link.get_absolute_url(),
        "place page": town.get_absolute_url(),
        "source page": source.get_absolute_url(),
        "sources": "/sources/",
        "statistics": "/statistics/",
        "map": "/map",
        "open data": "/open-data",
        "sign-in": "/accounts/login/",
        "sign-up": "/accounts/signup/",
        "password reset": "/accounts/password/reset/",
        "API docs": "/api/v1/docs",
        "404": "/no-such-page",
    }
    return Registry(link=link, place=town, source=source, urls=urls)


@pytest.fixture
def registry(db) -> Registry:
    return registry_build()


# ================================================================== reading pages


@dataclass
class PageParts:
    """What a page's HTML holds that the Content-Security-Policy or CSRF care about."""

    inline_scripts: list[str] = field(default_factory=list)  # <script> without src, by type
    style_blocks: int = 0
    style_attributes: list[str] = field(default_factory=list)
    handler_attributes: list[str] = field(default_factory=list)  # onclick=, onerror=, ...
    script_urls: list[str] = field(default_factory=list)  # href/src/action starting javascript:
    post_forms: list[dict[str, Any]] = field(default_factory=list)  # action and whether it has a token


# A <script> of these types is a data block: browsers never run it, and CSP does not apply.
DATA_BLOCK_TYPES = {"application/ld+json", "application/json"}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts = PageParts()
        self._form: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "script" and "src" not in values:
            self.parts.inline_scripts.append(values.get("type", "text/javascript").lower())
        if tag == "style":
            self.parts.style_blocks += 1
        for name, value in values.items():
            if name == "style":
                self.parts.style_attributes.append(f"<{tag} style={value!r}>")
            if name.startswith("on"):
                self.parts.handler_attributes.append(f"<{tag} {name}={value!r}>")
            if name in {"href", "src", "action", "formaction"} and value.strip().lower().startswith("javascript:"):
                self.parts.script_urls.append(f"<{tag} {name}={value!r}>")
        if tag == "form" and values.get("method", "get").lower() == "post":
            self._form = {"action": values.get("action", ""), "token": ""}
            self.parts.post_forms.append(self._form)
        if tag == "input" and self._form is not None and values.get("name") == "csrfmiddlewaretoken":
            self._form["token"] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def page_parts(html: str) -> PageParts:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.parts


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


EXPECTED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# The kinds of page: registry_build's urls, by name.
PAGE_NAMES = [
    "knowledge bank",
    "knowledge search",
    "guide page",
    "events calendar",
    "event page",
    "document templates",
    "fill in a document",
    "link history",
    "associations",
    "association page",
    "association contact form",
    "partner search",
    "partner profile",
    "privacy notice",
    "is this link still active?",
    "confirm it has paused",
    "home",
    "search",
    "link page",
    "place page",
    "source page",
    "sources",
    "statistics",
    "map",
    "open data",
    "sign-in",
    "sign-up",
    "password reset",
    "API docs",
    "404",
]

# ================================================================== every page: headers, no inline code, CSRF


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_kind_of_page_has_a_strict_policy_and_nothing_inline(client, registry, name):
    response = client.get(registry.urls[name])
    assert response.status_code == (404 if name == "404" else 200), name
    assert response["Content-Type"].startswith("text/html")

    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, policy
    assert csp_directives(policy) == EXPECTED_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]

    parts = page_parts(response.content.decode())
    assert set(parts.inline_scripts) <= DATA_BLOCK_TYPES, f"inline scripts on {name}: {parts.inline_scripts}"
    assert parts.style_blocks == 0, f"<style> on {name}"
    assert parts.style_attributes == [], parts.style_attributes
    assert parts.handler_attributes == [], parts.handler_attributes
    assert parts.script_urls == [], parts.script_urls


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_post_form_carries_a_csrf_token(client, registry, name):
    parts = page_parts(client.get(registry.urls[name]).content.decode())
    for form in parts.post_forms:
        assert len(form["token"]) >= 32, f"a form posting to {form['action']!r} on {name} has no CSRF token"


SIGNED_IN_PAGES = {
    "your account": lambda r: "/account/",
    "correct a link": lambda r: f"/proposals/links/{r.link.pk}/correct",
    "report a status change": lambda r: f"/proposals/links/{r.link.pk}/status",
    "add a link": lambda r: "/proposals/links/new",
    "proposals queue": lambda r: "/proposals/",
    "a proposal": lambda r: f"/proposals/{r.proposal_pk}/",
    "link history, as a moderator": lambda r: f"/links/{r.link.pk}/history/",
    "your partner search": lambda r: "/partners/mine",
    "make a partner profile": lambda r: "/partners/new",
    "reports about partner profiles": lambda r: "/partners/reports/",
    "record an activity": lambda r: f"/health/links/{r.link.pk}/activities/new",
    "edit an activity": lambda r: f"/health/activities/{r.link.activities.get().pk}/edit",
    "confirm a link is still active": lambda r: f"/health/links/{r.link.pk}/verify",
    "council dashboard": lambda r: f"/health/council/?place={r.place.pk}",
    "association page, as a moderator": lambda r: r.urls["association page"],
    "record members by age": lambda r: r.urls["record members by age"],
    "correct members by age": lambda r: r.urls["correct members by age"],
    "write a guide": lambda r: "/knowledge/new",
    "edit a guide": lambda r: r.urls["guide page"] + "edit",
    "guides waiting for review": lambda r: "/knowledge/review/",
    "add an event": lambda r: f"/events/links/{r.link.pk}/new",
    "add an event of a place": lambda r: f"/events/places/{r.place.pk}/new",
    "add an event of the whole network": lambda r: "/events/new",
    "edit an event": lambda r: r.urls["event page"] + "edit",
    "event page, as a moderator": lambda r: r.urls["event page"],
    "propose an event": lambda r: "/proposals/calendar/new",
    "propose an activity": lambda r: f"/proposals/links/{r.link.pk}/activity",
    "ask a question": lambda r: "/knowledge/questions/new",
    "a question, as a moderator": lambda r: r.urls["a question"],
}


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_pages_have_the_policy_nothing_inline_and_tokens_on_their_forms(client, registry, name):
    from accounts.models import Role
    from accounts.testing import account_create
    from proposals.changes import Citing
    from proposals.services import change_submit

    contributor = account_create("contributor@example.org")
    registry.proposal_pk = change_submit(
        actor=Actor(user=contributor),
        kind="link_change",
        target=registry.link,
        payload={"endorsing_body": H.SCRIPT},
        citing=Citing(first_hand="I am " + H.SCRIPT),
    ).proposal.pk
    client.force_login(account_create("moderator@example.org", role=Role.MODERATOR))
    response = client.get(SIGNED_IN_PAGES[name](registry))
    assert response.status_code == 200, name
    policy = response["Content-Security-Policy"]
    assert csp_directives(policy) == EXPECTED_CSP
    html = response.content.decode()
    parts = page_parts(html)
    assert set(parts.inline_scripts) <= DATA_BLOCK_TYPES and parts.style_blocks == 0
    assert parts.style_attributes == [] and parts.handler_attributes == []
    assert H.SCRIPT not in html, f"unescaped user text on {name}"
    for form in parts.post_forms:
        assert len(form["token"]) >= 32, f"a form posting to {form['action']!r} on {name} has no CSRF token"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_the_form_test_finds_the_forms_that_post(client, url):
    """The test above must not pass by finding no forms: sign-in, sign-up and password reset post."""
    forms = page_parts(client.get(url).content.decode()).post_forms
    assert forms and all(form["token"] for form in forms)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_a_post_without_the_csrf_token_is_refused(url):
    client = Client(enforce_csrf_checks=True)
    client.get(url)
    answer = client.post(url, {"login": "someone@example.org", "email": "someone@example.org", "password": "x"})
    assert answer.status_code == 403


def test_user_written_text_is_rendered_from_markdown_and_its_markup_is_inert(client, registry):
    link_page = client.get(registry.urls["link page"]).content.decode()
    assert "<strong>since 1947</strong>" in link_page
    assert '<a href="https://example.org/m" rel="nofollow noopener">Minutes</a>' in link_page
    assert "<strong>Reason:</strong> The <em>invasion</em> of Ukraine." in link_page
    assert "“With a <strong>heavy heart</strong> we pause the link." in link_page
    assert "javascript:" not in link_page.replace("[x](javascript:alert(1))", "")  # shown as the text typed
    place_page = client.get(registry.urls["place page"]).content.decode()
    assert "<li>box 12</li>" in place_page
    assert "The <em>invasion</em> of Ukraine." in place_page
    source_page = client.get(registry.urls["source page"]).content.decode()
    assert "<li>folder 3</li>" in source_page
    assert "<strong>heavy heart</strong>" in source_page
    for html in (link_page, place_page, source_page):
        for payload in H.MARKUP:
            assert payload not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # still there, as text


# ================================================================== production settings


SECURITY_SETTINGS = (
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
)


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a production server: nothing of the developer's, a random 64-character key."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not name.startswith("SECURE_")
        and name != "DJANGO_SETTINGS_MODULE"
    }
    return clean | {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "hub.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        **extra,
    }


def production_settings(tmp_path: Path, **extra: str) -> dict[str, Any]:
    """The security settings as settings.py makes them under the production environment."""
    script = (
        "import json, django; from django.conf import settings; django.setup();"
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {SECURITY_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=production_env(tmp_path, **extra) | {"DJANGO_SETTINGS_MODULE": "twinning_hub.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_manage_check_deploy_passes_with_production_environment(tmp_path):
    env = production_env(tmp_path)
    assert len(env["SECRET_KEY"]) >= 50
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_hsts_subdomains_and_preload_can_be_turned_off_for_a_shared_domain(tmp_path):
    values = production_settings(tmp_path, SECURE_HSTS_INCLUDE_SUBDOMAINS="false", SECURE_HSTS_PRELOAD="false")
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict[str, Any]:
    values = production_settings(tmp_path_factory.mktemp("production"))
    assert values["DEBUG"] is False
    return values


def cookie_flags(response, name: str) -> dict[str, Any]:
    morsel = response.cookies[name]
    return {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]), "samesite": morsel["samesite"]}


@pytest.mark.django_db
def test_production_redirects_plain_http_to_https(production):
    with override_settings(**production):
        answer = Client().get("/search")
    assert answer.status_code == 301
    assert answer["Location"] == "https://testserver/search"


@pytest.mark.django_db
def test_production_sends_hsts_over_https_and_behind_the_proxy(production):
    with override_settings(**production):
        direct = Client().get("/", secure=True)
        proxied = Client().get("/", headers={"X-Forwarded-Proto": "https"})
    for answer in (direct, proxied):
        assert answer.status_code == 200
        assert answer["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_production_cookies_are_secure_and_httponly(production):
    from accounts.testing import PASSWORD, account_create

    account_create("secretary@example.org")
    with override_settings(**production):
        client = Client()
        page = client.get("/accounts/login/", secure=True)
        answer = client.post("/accounts/login/", {"login": "secretary@example.org", "password": PASSWORD}, secure=True)
    assert page.status_code == 200
    assert cookie_flags(page, "csrftoken") == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert answer.status_code == 302, "signed in"
    assert "sessionid" in answer.cookies
    for name in answer.cookies:
        flags = cookie_flags(answer, name)
        assert flags["secure"] and flags["httponly"], f"cookie {name}: {flags}"


# ================================================================== safe Markdown


def inert_problems(html: str, allowed_tags: frozenset[str]) -> list[str]:
    """Everything in rendered HTML that could run, load or restyle: it must come out empty."""
    problems: list[str] = []

    class Check(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag not in allowed_tags:
                problems.append(f"tag <{tag}>")
            for name, value in attrs:
                if tag == "a" and name == "href":
                    if urlsplit(value or "").scheme.lower() not in {"http", "https", "mailto"}:
                        problems.append(f"href {value!r}")
                elif tag == "a" and name == "rel":
                    if value != LINK_REL:
                        problems.append(f"rel {value!r}")
                else:
                    problems.append(f"attribute {name}={value!r} on <{tag}>")

        def handle_comment(self, data: str) -> None:
            problems.append(f"comment {data!r}")

    checker = Check(convert_charrefs=True)
    checker.feed(html)
    checker.close()
    problems += [f"raw payload {payload!r}" for payload in H.MARKUP if payload in html]
    return problems


HOSTILE_MARKDOWN = [
    H.SCRIPT,
    H.IMG,
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    '<a href="https://example.org" onclick="alert(1)" style="color:red">x</a>',
    "<div><p><b><i><script>alert(1)</script></i></b></p></div>",
    "<<script>script>alert(1)<</script>/script>",
    "<!-- a comment --><style>body{display:none}</style>",
    "<iframe src=https://example.org></iframe><object data=x></object>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java&#x09;script:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "![x](https://example.org/x.png)",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "[x](//evil.example/path)",
    "[x](/relative)",
    '[x](https://example.org "title onmouseover=alert(1)")',
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
    "> <img src=x onerror=alert(1)>",
    "Test\x00ford <scr\x00ipt>alert(1)</script>",
    "*" * 5_000 + "<script>alert(1)</script>",
    "[" * 5_000 + "](javascript:alert(1))",
    "> " * 5_000 + "deep",
    "- " * 5_000 + "deep",
]


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN, ids=lambda text: repr(text[:40]))
def test_hostile_markdown_comes_out_inert(text):
    block, inline = render_markdown(text), render_markdown_inline(text)
    assert inert_problems(block, ALLOWED_TAGS) == []
    assert inert_problems(inline, INLINE_TAGS) == []
    assert "\x00" not in block and "\x00" not in inline


def hostile_corpus() -> list[str]:
    """Every string value of tests/hostile.py."""
    values: list[str] = []
    for value in vars(H).values():
        candidates = value if isinstance(value, tuple) else (value,)
        values += [item for item in candidates if isinstance(item, str)]
    return values


def test_the_hostile_input_corpus_comes_out_inert():
    corpus = hostile_corpus()
    assert len(corpus) > 30
    for text in corpus:
        assert inert_problems(render_markdown(text), ALLOWED_TAGS) == [], repr(text[:60])
        assert inert_problems(render_markdown_inline(text), INLINE_TAGS) == [], repr(text[:60])


def test_very_long_input_renders_in_linear_time():
    for text in ("x" * 1_000_000, "[" * 100_000, "*a" * 50_000, "<" * 100_000):
        started = time.perf_counter()
        html = render_markdown(text)
        assert time.perf_counter() - started < 5, repr(text[:10])
        assert inert_problems(html, ALLOWED_TAGS) == []


@pytest.mark.parametrize(
    ("text", "block", "inline"),
    [
        ("Paused after the invasion of Ukraine.", "<p>Paused after the invasion of Ukraine.</p>", None),
        ("Fish & chips < 5 pounds", "<p>Fish &amp; chips &lt; 5 pounds</p>", "Fish &amp; chips &lt; 5 pounds"),
        ("First line\nsecond line", "<p>First line<br>\nsecond line</p>", "First line<br>\nsecond line"),
        ("One.\n\nTwo.", "<p>One.</p>\n<p>Two.</p>", "One.<br>\n<br>\nTwo."),
        ("# Not a heading", "<p># Not a heading</p>", "# Not a heading"),
        ("***", "<p>***</p>", "***"),
        ("1947 – 2022", "<p>1947 – 2022</p>", "1947 – 2022"),
        ("", "", ""),
    ],
)
def test_plain_text_reads_as_it_was_typed(text, block, inline):
    assert render_markdown(text) == block
    assert render_markdown_inline(text) == (inline if inline is not None else text)


def test_the_safe_subset_is_rendered():
    html = render_markdown(
        "*em* **strong** `code`\n\n- one\n- two\n\n1. first\n\n> quoted\n\n    indented code\n\n"
        "[site](https://example.org/a?b=1&c=2) <mailto:sec@example.org> [plain](http://example.org)"
    )
    for piece in (
        "<em>em</em>",
        "<strong>strong</strong>",
        "<code>code</code>",
        "<ul>\n<li>one</li>",
        "<ol>\n<li>first</li>",
        "<blockquote>\n<p>quoted</p>\n</blockquote>",
        "<pre><code>indented code\n</code></pre>",
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener">site</a>',
        '<a href="mailto:sec@example.org" rel="nofollow noopener">mailto:sec@example.org</a>',
        '<a href="http://example.org" rel="nofollow noopener">plain</a>',
    ):
        assert piece in html
    assert inert_problems(html, ALLOWED_TAGS) == []


def test_inline_markdown_makes_no_blocks():
    """Inside "Reason: …" or between quotation marks a paragraph or list would break the sentence."""
    html = render_markdown_inline("- a list?\n\n> a quote?\n\n*but* emphasis")
    assert "<p>" not in html and "<li>" not in html and "<blockquote>" not in html
    assert "<em>but</em>" in html
