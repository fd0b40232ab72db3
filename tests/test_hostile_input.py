"""Hostile input (issue 5): the corpus of tests/hostile.py thrown at every form, filter and API parameter.

Every case proves the same four things: no server error (status < 500); a refused value gets a
4xx whose message names the field (the HTML error summary, the API's JSON `errors`, the admin's
error list under the field); the payloads <script>alert(1)</script> and "><img src=x onerror=...>
never appear unescaped in any HTML answer; a refused write writes nothing (rows are counted
before and after). CSV downloads neutralise spreadsheet formulas.

The targets are read from the code, not listed by hand: the search form's fields (which the
search page, its downloads, the statistics page, its CSVs and the API's /links and /statistics
all use), the API's filter forms and JSON input schemas, and each admin page's own form.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import Client, RequestFactory
from pydantic.fields import FieldInfo

from accounts.models import Role
from accounts.policy import UserRoles
from accounts.testing import account_create
from api.filters import PlaceFilters, SourceFilters
from api.schemas import EventIn, LinkIn, SourceIn
from api.tests.conftest import Registry, build_registry
from api.tokens import api_token_create
from associations.models import Association
from audit.services import Actor
from core.partial_dates import PartialDate
from health.models import Activity
from imports.models import NameResolution, Outcome
from knowledge.api import GuideFilters, QuestionFilters
from knowledge.models import Guide
from knowledge.services import SourceSpec, guide_create
from links.forms import SearchForm
from links.models import Link, Party, StatusEvent
from links.services import link_create, status_event_record
from matching.forms import ProfileFilterForm, SuggestionFilterForm
from matching.services import introduction_express, profile_create
from places.models import Institution, Place
from places.services import institution_create, place_create
from sources.models import Citation, Source
from sources.services import CitationSpec, source_create
from tests import hostile as H

pytestmark = pytest.mark.django_db

# ================================================================== shared


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:
    """The API tests' five links, plus rows whose every text field is hostile, a staff user with an
    API token, and an ambiguous import name: built once, rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        reg: Registry = build_registry()
        actor = Actor.system("hostile input tests")
        evil = source_create(
            actor=actor, title=H.SCRIPT, kind="news", publisher=H.IMG, author=H.FORMULAS[0], note=H.IMG
        )
        cite = [CitationSpec(source=evil, quote=H.SCRIPT, claim=H.IMG, locator=H.FORMULAS[1])]
        bad_town = place_create(actor=actor, name=H.FORMULAS[0], country="GB", note=H.SCRIPT)
        markup_town = place_create(actor=actor, name=H.SCRIPT, country="FR", other_names={"de": [H.IMG]})
        school = institution_create(actor=actor, name=H.IMG, kind="school", place=bad_town, note=H.SCRIPT)
        evil_link = link_create(
            actor=actor,
            parties=[(bad_town, H.SCRIPT), markup_town, school],
            kind="formal",
            citations=cite,
            name=H.SCRIPT,
            purposes=["culture"],
            agreement=PartialDate.parse("1999"),
            endorsing_body=H.IMG,
            description=H.IMG + H.FORMULAS[2],
        )
        status_event_record(
            actor=actor,
            link=evil_link,
            when=PartialDate.parse("2022-03"),
            status="paused",
            citations=cite,
            reason=H.SCRIPT,
            category="war",
            deciding_body=H.IMG,
            decision_note=H.FORMULAS[3],
        )
        resolution = NameResolution.objects.create(
            key="hostile|US",
            name=H.SCRIPT,
            country="US",
            outcome=Outcome.AMBIGUOUS,
            candidates=[{"geonames_id": 4_409_896, "name": H.IMG}],
        )
        NameResolution.objects.create(key="formula|GB", name=H.FORMULAS[0], country="GB", outcome=Outcome.UNMATCHED)
        staff = account_create("hostile-staff@example.org", role=Role.MODERATOR, password=None)
        _token, key = api_token_create(user=staff, name="hostile input tests")
        seeker = account_create("hostile-seeker@example.org", password=None)
        _token, seeker_key = api_token_create(user=seeker, name="hostile input tests")
        hostile_profile = {"about": H.IMG, "contact_name": H.SCRIPT, "contact_email": "evil@example.org"}
        profile = profile_create(
            actor=Actor(user=seeker), seeker="other", name=H.SCRIPT, place=bad_town, offers=["youth"], **hostile_profile
        )
        partner = profile_create(
            actor=Actor(user=account_create("hostile-partner@example.org", password=None)),
            seeker="council",
            name=H.IMG,
            place=markup_town,
            wants=["youth"],
            **hostile_profile,
        )
        introduction = introduction_express(
            actor=Actor(user=seeker), from_profile=profile, to_profile=partner, note=H.SCRIPT
        )
        # An institution as `profile` is, not introduced, in a place not linked with its own: the
        # real ranking suggests it.
        suggested = profile_create(
            actor=Actor(user=account_create("hostile-school@example.org", password=None)),
            seeker="school",
            name=H.SCRIPT,
            place=reg.places["lyon"],
            wants=["youth"],
            **hostile_profile,
        )
        guide = guide_create(
            actor=Actor(user=staff),
            title=H.SCRIPT,
            summary=H.IMG,
            body=H.SCRIPT,
            sources=[SourceSpec(url="https://example.org/", passage=H.IMG)],
            places=[markup_town],
            links=[evil_link],
        )
        yield {
            "reg": reg,
            "guide": guide,
            "evil_link": evil_link,
            "evil_source": evil,
            "bad_town": bad_town,
            "markup_town": markup_town,
            "school": school,
            "resolution": resolution,
            "staff": staff,
            "key": key,
            "profile": profile,
            "introduction": introduction,
            "suggested": suggested,
            "seeker_key": seeker_key,
        }
        transaction.set_rollback(True)


@pytest.fixture
def w(world, db, settings) -> dict[str, Any]:
    settings.API_ANON_RATE = "100000/min"  # hundreds of anonymous requests a test: not what is tested here
    cache.clear()
    return world


@pytest.fixture
def staff_client(w) -> Client:
    client = Client()
    client.force_login(w["staff"])
    return client


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def unescaped_markup(response) -> list[str]:
    """The hostile markup found raw in an HTML answer (it must only ever appear escaped)."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    text = body_of(response).decode("utf-8", "replace")
    return [payload for payload in H.MARKUP if payload in text]


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Link, Party, StatusEvent, Source, Citation, Place, Institution))


def short(value: object) -> str:
    text = repr(value)
    return text if len(text) < 40 else text[:37] + "..."


class Problems(list):
    """What went wrong, collected over a loop of payloads, so one failure shows them all."""

    def check(self, ok: bool, what: str) -> None:
        if not ok:
            self.append(what)

    def assert_none(self) -> None:
        assert not self, f"{len(self)} problem(s):\n" + "\n".join(self[:40])


# ================================================================== URL parameters of pages and the API


def search_kind(field: forms.Field, *, api: bool = False) -> H.Kind:
    """The corpus kind of a search form field: what it must refuse and what accept."""
    if isinstance(field, forms.BooleanField):
        # A checkbox: on pages any value ticks it; the API wants true/false (a typo is not a filter).
        return H.Kind(rejects=H.CODE.rejects, accepts=("", "true", "false", "on")) if api else H.LENIENT
    if isinstance(field, forms.DateField):
        return H.DATE
    if isinstance(field, forms.IntegerField):
        return H.NUMBER
    if isinstance(field, forms.ChoiceField):
        return H.CODE
    if isinstance(field, forms.CharField) and field.max_length:
        return H.FREE_TEXT
    return H.CODE  # the country codes


def kinds_of(form_class: type[forms.Form], *, api: bool = False) -> dict[str, H.Kind]:
    return {name: search_kind(field, api=api) for name, field in form_class.base_fields.items()}


SEARCH = kinds_of(SearchForm)
SEARCH_API = kinds_of(SearchForm, api=True)
PAGE_EXTRAS = {"page": H.LENIENT, **{name: H.LENIENT for name in H.UNKNOWN_PARAMETERS[:1]}}
LIMIT = H.Kind(rejects=(*H.BAD_NUMBERS, H.SCRIPT, "201"), accepts=("1", "200"))
CURSOR = H.Kind(rejects=(H.SQL[0], H.SCRIPT, H.NUL, "   ", "eyJpZCI6IC0xfQ", H.OVERLONG), accepts=("",))
API_EXTRAS = {"limit": LIMIT, "cursor": CURSOR, **{name: H.LENIENT for name in H.UNKNOWN_PARAMETERS}}

# target -> its parameters and their kinds. HTML pages and the statistics CSV say what is wrong
# in the page (or in plain text); the API in JSON.
QUERY_TARGETS: dict[str, dict[str, H.Kind]] = {
    "/search": SEARCH | PAGE_EXTRAS,
    "/statistics/": SEARCH | PAGE_EXTRAS,
    "/api/v1/links": SEARCH_API | API_EXTRAS,
    "/api/v1/statistics": SEARCH_API | {"stats_country": H.CODE, "bogus": H.LENIENT},
    "/api/v1/places": kinds_of(PlaceFilters) | API_EXTRAS,
    "/api/v1/sources": kinds_of(SourceFilters) | API_EXTRAS,
    "/api/v1/links/{link}": {"as_of": H.DATE, "bogus": H.LENIENT},
    "/api/v1/places/{place}": {"bogus": H.LENIENT},
    "/api/v1/sources/{source}": {"bogus": H.LENIENT},
    "/api/v1/profiles": kinds_of(ProfileFilterForm, api=True) | API_EXTRAS,
    "/api/v1/profiles/{profile}": {"bogus": H.LENIENT},
    # A tag is a slug: it refuses markup and SQL as a code does.
    "/api/v1/guides": kinds_of(GuideFilters, api=True) | {"tag": H.CODE} | API_EXTRAS,
    "/api/v1/guides/{guide}": {"bogus": H.LENIENT},
    "/api/v1/questions": kinds_of(QuestionFilters, api=True) | {"tag": H.CODE} | API_EXTRAS,
}
# Read with the API token of a profile's owner (the one who may read them).
OWNER_QUERY_TARGETS: dict[str, dict[str, H.Kind]] = {
    "/api/v1/profiles/{profile}/suggestions": kinds_of(SuggestionFilterForm, api=True)
    | {name: H.LENIENT for name in H.UNKNOWN_PARAMETERS},
    "/api/v1/introductions/{introduction}": {"bogus": H.LENIENT},
}
# The downloads share their page's form: each parameter gets one refused and one accepted value.
DOWNLOADS = {
    "/search.csv": SEARCH,
    "/search.json": SEARCH,
    "/search.geojson": SEARCH,
    "/statistics/by_kind.csv": SEARCH,
    "/statistics/top_places.csv": SEARCH,
    "/feeds/changes.atom": SEARCH,  # the changes feed filters like the search page
}
LABELS = {name: str(field.label) for name, field in SearchForm.base_fields.items()}


def url_for(template: str, w: dict[str, Any]) -> str:
    return template.format(
        link=w["evil_link"].pk,
        place=w["markup_town"].pk,
        source=w["evil_source"].pk,
        profile=w["profile"].pk,
        introduction=w["introduction"].pk,
        guide=w["guide"].slug,
    )


def check_refusal(problems: Problems, response, url: str, name: str, value: object) -> None:
    """A refused parameter: a 400 whose message names it."""
    case = f"{url} {name}={short(value)}"
    problems.check(response.status_code == 400, f"{case}: {response.status_code}, expected 400")
    if response.status_code != 400:
        return
    text = body_of(response).decode("utf-8", "replace")
    kind = response.get("Content-Type", "")
    if kind.startswith("application/json"):
        data = json.loads(text)
        message = data.get("detail", "")
        problems.check(name in (data.get("errors") or {}), f"{case}: JSON errors do not name it: {text[:200]}")
        problems.check(f"{name}:" in message, f"{case}: detail does not name it")
    elif kind.startswith("text/html"):
        problems.check("There is a problem with" in text, f"{case}: no error summary")
        start = text.find('class="error-summary"')
        message = text[start : text.find("</div>", start)]
        label = LABELS.get(name, name)
        if name == "country" and "statistics" in url:
            label = "Statistics for the links of"
        problems.check(label in message, f"{case}: the error summary does not name {label!r}")
    else:  # the statistics CSV's plain-text errors
        message = text
        problems.check(LABELS.get(name, name) in text or name in text, f"{case}: plain-text error does not name it")
    problems.check(H.OVERLONG not in message, f"{case}: the message echoes all 10,001 characters back")


def throw(client: Client, url: str, params: dict[str, H.Kind], values_for, problems: Problems) -> None:
    for name, kind in params.items():
        for value, refused in values_for(kind):
            response = client.get(url, {name: value})
            case = f"{url} {name}={short(value)}"
            problems.check(response.status_code < 500, f"{case}: {response.status_code}")
            problems.check(not unescaped_markup(response), f"{case}: unescaped markup")
            if refused:
                check_refusal(problems, response, url, name, value)
            else:
                problems.check(response.status_code == 200, f"{case}: {response.status_code}, expected 200")


def every_value(kind: H.Kind) -> list[tuple[str, bool]]:
    return [(v, True) for v in kind.rejects] + [(v, False) for v in kind.accepts]


def one_of_each(kind: H.Kind) -> list[tuple[str, bool]]:
    """The first refused value (both markups, where a field refuses anything) and the first accepted."""
    return [(v, True) for v in kind.rejects[:1]] + [(v, False) for v in kind.accepts[:1]]


def sampled(kind: H.Kind) -> list[tuple[str, bool]]:
    """Every value of free text (it reaches the page's own queries); one refused and one accepted
    value of any other field (it stops at the form the search page has already taken every value in)."""
    return every_value(kind) if kind is H.FREE_TEXT else one_of_each(kind)


# The statistics page shares the search page's form, and costs more per request.
SAMPLED = {"/statistics/"}


@pytest.mark.parametrize("target", QUERY_TARGETS)
def test_every_query_parameter_refuses_hostile_values_in_plain_words(client, w, target):
    problems = Problems()
    values = sampled if target in SAMPLED else every_value
    throw(client, url_for(target, w), QUERY_TARGETS[target], values, problems)
    problems.assert_none()


@pytest.mark.parametrize("target", OWNER_QUERY_TARGETS)
def test_every_query_parameter_of_an_owners_read_refuses_hostile_values_in_plain_words(w, target):
    from matching import ranking

    ranking.forget()  # the ranking keeps its arrays per process: build them from this module's world
    problems = Problems()
    client = Client(headers={"Authorization": f"Bearer {w['seeker_key']}"})
    if target.endswith("/suggestions"):  # the values below reach the real ranking, which has one to give
        assert [s["profile_id"] for s in client.get(url_for(target, w)).json()] == [w["suggested"].pk]
    throw(client, url_for(target, w), OWNER_QUERY_TARGETS[target], every_value, problems)
    problems.assert_none()


@pytest.mark.parametrize("target", DOWNLOADS)
def test_downloads_refuse_what_their_page_refuses(client, w, target):
    problems = Problems()
    throw(client, target, DOWNLOADS[target], one_of_each, problems)
    problems.assert_none()


def test_every_parameter_in_the_openapi_document_is_a_target_above(client, w):
    """The targets above come from the forms; the OpenAPI document lists no parameter they miss."""
    document = client.get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        target = re.sub(r"\{(id|slug)\}", "{" + path.split("/")[3].rstrip("s") + "}", path)
        get = operations.get("get")
        if not get:
            continue
        documented = {p["name"] for p in get.get("parameters", []) if p["in"] == "query"}
        targets = QUERY_TARGETS | OWNER_QUERY_TARGETS
        assert documented <= set(targets[target]), (target, documented - set(targets[target]))


RAW_QUERIES = [
    # (raw query string, the parameter it refuses, or "" when it is read as harmless text)
    *[(f"q={raw}", "") for raw in (*H.INVALID_UTF8, *H.BROKEN_ESCAPES)],  # read as U+FFFD or literally
    *[(f"country={raw}", "country") for raw in H.INVALID_UTF8],
    ("q=Test%00ford", "q"),
    ("%ff%fe=1", ""),  # an unknown parameter with an undecodable name
]
RAW_TARGETS = ["/search", "/statistics/", "/search.csv", "/api/v1/links", "/api/v1/places"]


@pytest.mark.parametrize("target", RAW_TARGETS)
def test_undecodable_query_strings_are_read_safely(client, w, target):
    problems = Problems()
    for query, refused in RAW_QUERIES:
        response = client.get(f"{target}?{query}")
        problems.check(response.status_code < 500, f"{target}?{query}: {response.status_code}")
        if refused:
            check_refusal(problems, response, target, refused, query)
        else:
            problems.check(response.status_code == 200, f"{target}?{query}: {response.status_code}, expected 200")
    problems.assert_none()


@pytest.mark.parametrize("target", ["/search", "/statistics/", "/search.csv", "/api/v1/links", "/api/v1/statistics"])
def test_a_scalar_parameter_given_twice_is_refused_by_name(client, w, target):
    """country=GB&country=FR used to search FR silently; now it says which parameter to give once."""
    good = {
        "q": "Test",
        "country": "GB",
        "partner_country": "FR",
        "subdivision": "GB-ENG",
        "kind": "formal",
        "purpose": "culture",
        "as_of": "2022-01-01",
        "year_from": "1950",
        "year_to": "2000",
        "needs_verification": "true",
        "health": "dormant",
        "limit": "5",
        "stats_country": "GB",
    }
    problems = Problems()
    for name in QUERY_TARGETS.get(target, SEARCH):
        if name not in good:
            continue
        response = client.get(target, {name: [good[name], good[name]]})
        check_refusal(problems, response, target, name, "twice")
    response = client.get(target, {"status": ["paused", "ended"]})
    problems.check(response.status_code == 200, f"{target} status twice: {response.status_code}")
    problems.assert_none()


def odd_paths(w: dict[str, Any]) -> list[tuple[str, set[int]]]:
    link, place, source = w["evil_link"].pk, w["markup_town"].pk, w["evil_source"].pk
    huge = 10**30
    return [
        *[(f"/links/{pk}/", {404}) for pk in (0, huge, 2**63)],
        ("/links/-1/", {404}),
        (f"/links/{link}/%3Cscript%3Ealert(1)%3C%2Fscript%3E", {404}),
        (f"/links/{link}/%ff%fe", {404}),
        (f"/links/{link}/not-its-name", {301}),  # the canonical address, whatever slug was typed
        *[(f"/places/{pk}/", {404}) for pk in (0, huge)],
        (f"/places/{place}/{'x' * 5000}", {301}),
        *[(f"/sources/{pk}/", {404}) for pk in (0, huge)],
        *[(f"{w['evil_source'].get_absolute_url()}?page={page}", {200}) for page in H.BAD_NUMBERS + (H.SCRIPT,)],
        *[
            (f"{w['markup_town'].get_absolute_url()}?page={page}&decisions={page}", {200})
            for page in (*H.BAD_NUMBERS, H.SCRIPT)
        ],
        (f"/sources/{source}/%ed%a0%80", {404}),
        ("/statistics/%3Cscript%3E.csv", {404}),
        (f"/statistics/{'a' * 5000}.csv", {404}),
        ("/statistics/status_on_date.csv", {404}),  # needs an as_of: says so
        # Pages that take no parameters ignore them.
        *[
            (f"{page}?q={H.SCRIPT}&page=-1&x=%ff", {200})
            for page in ("/", "/open-data", "/sources/", "/api/v1/docs", "/api/v1/openapi.json")
        ],
        (f"/api/v1/?q={H.SCRIPT}", {302}),  # to the docs page
        *[(f"/api/v1/links/{pk}", {400, 404}) for pk in (0, -1, huge, "abc", "1e309", "NaN", "%00")],
        *[(f"/api/v1/places/{pk}", {400, 404}) for pk in (0, huge, "abc")],
        *[(f"/api/v1/sources/{pk}", {400, 404}) for pk in (0, huge, "abc")],
    ]


def test_odd_ids_and_slugs_in_page_addresses_are_404s_in_plain_words(client, w):
    problems = Problems()
    for path, expected in odd_paths(w):
        response = client.get(path)
        problems.check(response.status_code in expected, f"{path[:80]}: {response.status_code}, expected {expected}")
        problems.check(not unescaped_markup(response), f"{path[:80]}: unescaped markup")
        if response.status_code == 404 and path.startswith("/api/"):
            problems.check("There is no" in response.json()["detail"], f"{path}: {response.content[:100]}")
        elif response.status_code == 404:
            text = response.content.decode()
            problems.check("Page not found" in text and "<main" in text, f"{path[:80]}: not the site's 404 page")
        elif response.status_code == 400:
            problems.check("id" in response.json()["errors"], f"{path}: {response.content[:100]}")
    problems.assert_none()


def test_a_404_says_what_was_not_found(client, w):
    assert "There is no place with this number" in client.get("/places/0/").content.decode()
    assert "There is no source with this number" in client.get("/sources/0/").content.decode()
    assert "No link with this number" in client.get("/links/0/").content.decode()
    assert "No such statistics table" in client.get("/statistics/nope.csv").content.decode()


# ================================================================== CSV downloads and stored markup


def csv_cells(response) -> list[list[str]]:
    text = body_of(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def formula_cells(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and cell != "-"]


@pytest.mark.parametrize(
    "url",
    [
        "/search.csv?q=",
        "/statistics/top_places.csv?country=GB",
        "/statistics/top_places.csv?country=FR",
        "/imports/unmatched.csv",
    ],
)
def test_csv_downloads_neutralise_formulas(client, staff_client, w, url):
    response = (staff_client if url.startswith("/imports/") else client).get(url)
    assert response.status_code == 200
    rows = csv_cells(response)
    cells = [cell for row in rows for cell in row]
    assert any(cell.startswith("'=cmd|") for cell in cells), "the hostile name is in the file, made inert"
    assert formula_cells(rows) == []


def test_stored_hostile_text_is_escaped_on_every_page(client, staff_client, w):
    """Rows whose every text field is markup: every page that shows them shows them escaped."""
    link, place, source = w["evil_link"], w["markup_town"], w["evil_source"]
    event = link.events.get()
    pages = [
        "/",
        link.get_absolute_url(),
        place.get_absolute_url(),
        w["bad_town"].get_absolute_url(),
        source.get_absolute_url(),
        "/sources/",
        "/search?q=",
        f"/search?q={H.SCRIPT}",
        "/statistics/?country=FR",
        "/statistics/?country=GB&as_of=2023-01-01",
    ]
    admin_pages = [
        "/admin/links/link/",
        f"/admin/links/link/{link.pk}/change/",
        f"/admin/links/statusevent/{event.pk}/change/",
        "/admin/places/place/",
        f"/admin/places/place/{place.pk}/change/",
        f"/admin/places/institution/{w['school'].pk}/change/",
        "/admin/sources/source/",
        f"/admin/sources/source/{source.pk}/change/",
        f"/admin/sources/source/?q={H.SCRIPT}",
        "/admin/audit/changerecord/",
        "/imports/review",
    ]
    problems = Problems()
    for who, urls in ((client, pages), (staff_client, admin_pages)):
        for url in urls:
            response = who.get(url)
            problems.check(response.status_code == 200, f"{url}: {response.status_code}")
            problems.check(not unescaped_markup(response), f"{url}: unescaped {unescaped_markup(response)}")
            problems.check("&lt;script&gt;" in response.content.decode(), f"{url}: the escaped payload is missing")
    problems.assert_none()


# ================================================================== API writes (staff token)


def json_post(client: Client, url: str, body: Any, key: str, content_type: str = "application/json"):
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(url, data=data, content_type=content_type, headers={"Authorization": f"Bearer {key}"})


def good_bodies(w: dict[str, Any]) -> dict[str, dict[str, Any]]:
    reg = w["reg"]
    citation = {"source_id": reg.source.pk, "quote": "Resolved.", "claim": "link", "locator": "p. 1"}
    return {
        "/api/v1/links": {
            "parties": [
                {"place_id": reg.places["lyon"].pk, "role": ""},
                {"place_id": reg.places["volgograd"].pk, "role": ""},
            ],
            "kind": "friendship",
            "purposes": ["culture"],
            "first_contact": "1958",
            "agreement": "1972-10",
            "name": "",
            "description": "",
            "endorsing_body": "",
            "parent_id": None,
            "citations": [citation],
        },
        "/api/v1/links/{link}/events": {
            "date": "2023-01-01",
            "status": "paused",
            "reason": "",
            "category": "",
            "deciding_body": "",
            "decision_note": "",
            "citations": [citation],
        },
        "/api/v1/sources": {
            "title": "Minutes",
            "kind": "news",
            "publisher": "",
            "author": "",
            "url": "",
            "document": "",
            "published": "2020",
            "note": "",
        },
    }


SCHEMAS = {"/api/v1/links": LinkIn, "/api/v1/links/{link}/events": EventIn, "/api/v1/sources": SourceIn}
DATE_FIELDS = {"first_contact", "agreement", "date", "published"}
CHOICE_FIELDS = {"kind", "status", "category"}
JSON_TEXT_REJECTS = (H.NUL, H.LONE_SURROGATE, *H.JSON_WRONG_TYPES)


def json_kind(name: str, info: FieldInfo) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """(refused values, accepted values) for a field of an API input schema."""
    annotation = str(info.annotation)
    max_length = next((m.max_length for m in info.metadata if hasattr(m, "max_length")), None)
    optional = not info.is_required()
    if name in DATE_FIELDS:
        return (*H.BAD_DATES, H.SCRIPT, H.NUL, 1947), ((None,) if optional else ())
    if name in CHOICE_FIELDS:
        # Only a status change's category may be empty ("no category").
        return (H.SCRIPT, H.SQL[0], H.OVERLONG, H.NUL, H.LONE_SURROGATE, 1, None), (("",) if name == "category" else ())
    if name.endswith("_id"):
        # A party's id may be null only when the other one is given: here it is the only one.
        return H.JSON_BAD_IDS, ((None,) if optional and name == "parent_id" else ())
    if name == "url":
        return ("javascript:alert(1)", H.SCRIPT, H.SQL[0], "https://" + H.OVERLONG, H.NUL), (
            "https://example.org/a?b=c",
        )
    if annotation.startswith("list"):
        return ("culture", {}, None, [H.SCRIPT], [None]), ()
    long_ok = () if max_length else (H.OVERLONG,)
    long_refused = (H.OVERLONG,) if max_length else ()
    return (*JSON_TEXT_REJECTS, *long_refused), (H.EVERYTHING, *long_ok)


def json_cases() -> list[tuple[str, str]]:
    cases = [(url, name) for url, schema in SCHEMAS.items() for name in schema.model_fields]
    cases += [("/api/v1/links", f"parties.1.{name}") for name in ("place_id", "institution_id", "role")]
    cases += [("/api/v1/links", f"citations.0.{name}") for name in ("source_id", "quote", "claim", "locator")]
    return cases


def field_info(url: str, dotted: str) -> FieldInfo:
    from api.schemas import CitationIn, PartyIn

    parts = dotted.split(".")
    if len(parts) == 1:
        return SCHEMAS[url].model_fields[dotted]
    return (PartyIn if parts[0] == "parties" else CitationIn).model_fields[parts[-1]]


def with_value(body: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    body = json.loads(json.dumps(body))
    parts = dotted.split(".")
    if len(parts) == 1:
        body[dotted] = value
    else:
        rows = body[parts[0]]
        index = int(parts[1])
        row = dict(rows[index])
        if parts[2].endswith("_id") and parts[0] == "parties":
            row = {"role": row.get("role", "")}  # the id under test is the party's only one
        row[parts[2]] = value
        rows[index] = row
    return body


@pytest.mark.parametrize("url, field", json_cases(), ids=[f"{u.split('/')[-1]}-{f}" for u, f in json_cases()])
def test_every_json_field_of_every_write_refuses_hostile_values(client, w, url, field):
    problems = Problems()
    target = url_for(url, w)
    good = good_bodies(w)[url]
    refused, accepted = json_kind(field.split(".")[-1], field_info(url, field))
    root = field.split(".")[0]
    for value, should_refuse in [(v, True) for v in refused] + [(v, False) for v in accepted]:
        before = counts()
        response = json_post(client, target, with_value(good, field, value), w["key"])
        case = f"POST {url} {field}={short(value)}"
        problems.check(response.status_code < 500, f"{case}: {response.status_code}")
        if should_refuse:
            problems.check(response.status_code == 400, f"{case}: {response.status_code}, expected 400")
            problems.check(counts() == before, f"{case}: refused, yet rows were written")
            if response.status_code == 400:
                data = response.json()
                named = [key for key in data.get("errors", {}) if key.split(".")[0] == root]
                problems.check(bool(named), f"{case}: errors do not name {root}: {data}")
                problems.check(f"{root}" in data["detail"], f"{case}: detail does not name {root}")
        else:
            problems.check(response.status_code == 201, f"{case}: {response.status_code} {response.content[:300]}")
            if response.status_code == 201 and value == H.EVERYTHING:
                saved = response.json()
                page = client.get(saved.get("web_url") or f"/links/{saved['link_id']}/", follow=True)
                problems.check(page.status_code == 200, f"{case}: its page answers {page.status_code}")
                problems.check(not unescaped_markup(page), f"{case}: the saved value is shown unescaped")
    problems.assert_none()


@pytest.mark.parametrize("what, body, content_type", H.BAD_BODIES, ids=[b[0] for b in H.BAD_BODIES])
@pytest.mark.parametrize("url", SCHEMAS)
def test_malformed_bodies_are_refused_in_plain_words(client, w, url, what, body, content_type):
    before = counts()
    response = json_post(client, url_for(url, w), body, w["key"], content_type=content_type)
    assert response.status_code == 400, response.content[:300]
    data = response.json()
    assert data["detail"] and data["errors"], data
    assert counts() == before


@pytest.mark.parametrize("url", SCHEMAS)
def test_a_body_over_the_size_limit_is_a_413_in_plain_words(client, w, url):
    body = json.dumps(good_bodies(w)[url] | {"note": "x" * H.HUGE_BODY}).encode()
    before = counts()
    response = json_post(client, url_for(url, w), body, w["key"])
    assert response.status_code == 413
    assert "larger than the 2.5 MB the API accepts" in response.json()["detail"]
    assert counts() == before


def test_json_sent_as_text_plain_is_read_as_json(client, w):
    """The API reads the body as JSON whatever its Content-Type says (the token, not the content type,
    is what keeps cross-site forms out)."""
    body = json.dumps(good_bodies(w)["/api/v1/sources"]).encode()
    response = json_post(client, "/api/v1/sources", body, w["key"], content_type="text/plain")
    assert response.status_code == 201


@pytest.mark.parametrize(
    "header", ["Bearer " + H.SCRIPT, "Bearer " + H.OVERLONG, "Bearer ' OR 1=1 --", "Basic x", "Bearer"]
)
def test_hostile_authorization_headers_are_401s(client, w, header):
    before = counts()
    response = client.post(
        "/api/v1/sources",
        data=json.dumps(good_bodies(w)["/api/v1/sources"]),
        content_type="application/json",
        headers={"Authorization": header},
    )
    assert response.status_code == 401
    assert "token" in response.json()["detail"]
    assert counts() == before


# ================================================================== admin forms (staff)


def admin_forms(w: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each admin add page's good POST (every field, with its inline rows)."""
    reg = w["reg"]
    lyon, volgograd, link = reg.places["lyon"], reg.places["volgograd"], reg.links["russia"]

    def management(prefix: str, total: int) -> dict[str, str]:
        return {
            f"{prefix}-TOTAL_FORMS": str(total),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }

    citation = {
        "citations-0-source": str(reg.source.pk),
        "citations-0-quote": "Resolved.",
        "citations-0-claim": "",
        "citations-0-locator": "",
    }
    return {
        "place": {
            "name": "Newtown",
            "kind": "town",
            "country": "GB",
            "subdivision": "GB-ENG",
            "geonames_id": "",
            "wikidata_id": "",
            "latitude": "",
            "longitude": "",
            "population": "",
            "note": "",
            "edit_version": "",
        },
        "institution": {"name": "New School", "kind": "school", "place": str(lyon.pk), "note": "", "edit_version": ""},
        "association": {
            "name": "Lyon Friends",
            "website": "https://example.org/friends",
            "meeting_place": "The town hall",
            "description": "We meet monthly.",
            "links": [str(link.pk)],
            "edit_version": "",
        },
        "guide": {
            "kind": "guide",
            "title": "Hosting families",
            "summary": "How to find them.",
            "body": "Ask the school.",
            "tags": "hosting",
            "places": [str(lyon.pk)],
            "links": [str(link.pk)],
            "decision": "",
            "note": "",
            "edit_version": "",
            **management("sources", 1),
            "sources-0-source": "",
            "sources-0-url": "https://example.org/hosting",
            "sources-0-passage": "Schools found the families.",
        },
        "source": {
            "title": "Minutes",
            "kind": "news",
            "publisher": "Council",
            "author": "",
            "url": "https://example.org/minutes",
            "document": "",
            "published": "2020",
            "note": "",
            "edit_version": "",
        },
        "link": {
            "name": "",
            "kind": "formal",
            "purposes": ["2"],
            "first_contact": "1950",
            "agreement": "1956-05",
            "parent": "",
            "endorsing_body": "",
            "description": "",
            "edit_version": "",
            **management("parties", 2),
            **management("citations", 1),
            **management("events", 0),
            "parties-0-place": str(lyon.pk),
            "parties-0-institution": "",
            "parties-0-role": "",
            "parties-1-place": str(volgograd.pk),
            "parties-1-institution": "",
            "parties-1-role": "",
            **citation,
        },
        "statusevent": {
            "link": str(link.pk),
            "date": "2023-01-01",
            "status": "paused",
            "category": "war",
            "reason": "",
            "deciding_body": "",
            "decision_note": "",
            "sequence": "",
            "edit_version": "",
            **management("citations", 1),
            **citation,
        },
        "activity": {
            "link": str(link.pk),
            "when": "2023-05",
            "kind": "visit",
            "title": "Choir visit",
            "description": "",
            "travelling_party": "",
            "participants": "",
            "participants_under_30": "",
            "cost": "",
            "cost_currency": "",
            "source": "",
            "source_url": "",
            "removal_reason": "",
            "edit_version": "",
        },
    }


APP = {
    "place": "places",
    "institution": "places",
    "source": "sources",
    "link": "links",
    "statusevent": "links",
    "activity": "health",
    "guide": "knowledge",
    "association": "associations",
}
MODELS = {
    "place": Place,
    "institution": Institution,
    "source": Source,
    "link": Link,
    "statusevent": StatusEvent,
    "activity": Activity,
    "guide": Guide,
    "association": Association,
}
# Admin text fields whose own rules refuse markup and injections (a code, an identifier).
CODED_TEXT = {"country", "subdivision", "wikidata_id", "cost_currency"}
NUMERIC = (forms.IntegerField, forms.DecimalField)


def admin_fields(name: str) -> list[tuple[str, forms.Field]]:
    """The fields of an admin add page, read from its ModelAdmin: the form's own and each inline's."""
    model_admin = admin.site._registry[MODELS[name]]
    request = RequestFactory().get("/")
    request.user = get_user_model()(is_staff=True)
    request.user._hub_roles = UserRoles(signed_in=True, verified=True, moderator=True)  # a moderator, unsaved
    form = model_admin.get_form(request)
    fields = [(field_name, field) for field_name, field in form.base_fields.items() if field_name != "edit_version"]
    for formset, inline in model_admin.get_formsets_with_inlines(request):
        if not inline.has_add_permission(request, None):
            continue
        prefix = formset.get_default_prefix()
        for field_name, field in formset.form.base_fields.items():
            if field_name not in ("id", "DELETE", "link", "status_event"):
                fields.append((f"{prefix}-0-{field_name}", field))
    return fields


def admin_values(field_name: str, field: forms.Field) -> list[tuple[Any, bool]]:
    """(value, refused?) for an admin form field, by what the field is."""
    bare = field_name.split("-")[-1]
    if isinstance(field, forms.CharField) and not isinstance(field, forms.URLField) and bare not in CODED_TEXT:
        return [(v, False) for v in H.ADMIN_TEXT.accepts] + [(v, True) for v in H.ADMIN_TEXT.rejects]
    rejects: list[Any] = list(H.ADMIN_OTHER.rejects)
    if isinstance(field, forms.URLField):
        rejects += ["javascript:alert(1)", H.UNSTORABLE]
    if bare in CODED_TEXT:
        rejects += [H.SQL[0], H.UNSTORABLE]
    if isinstance(field, NUMERIC):
        rejects += ["1e309", "NaN"]
    if bare in {"date", "first_contact", "agreement", "published", "when"}:
        rejects += [H.BAD_DATES[0], H.BAD_DATES[2]]
    if bare == "purposes":
        return [([v], True) for v in rejects]
    return [(v, True) for v in rejects]


def admin_cases() -> list[tuple[str, str]]:
    """Every field of every admin add page, except the link page's citations: the same inline as the
    status event page's, tested there."""
    return [
        (name, field_name)
        for name in MODELS
        for field_name, field in admin_fields(name)
        if not (name == "link" and field_name.startswith("citations-"))
        and not isinstance(field, forms.BooleanField)  # a checkbox: any value sent means ticked
    ]


@pytest.mark.parametrize("form, field", admin_cases(), ids=[f"{n}-{f}" for n, f in admin_cases()])
def test_every_admin_form_field_refuses_hostile_values_by_name(staff_client, w, form, field):
    good = admin_forms(w)[form]
    url = f"/admin/{APP[form]}/{form}/add/"
    form_field = dict(admin_fields(form))[field]
    problems = Problems()
    for value, refused in admin_values(field, form_field):
        data = dict(good)
        data[field] = value
        if form in ("place", "institution") and field != "name":
            data["name"] = f"{good['name']} {len(problems)}-{short(value)[:10]}"  # unique, not the payload
        if field == "parties-0-place":
            data["parties-0-institution"] = ""
        before = counts()
        response = staff_client.post(url, data)
        case = f"{url} {field}={short(value)}"
        problems.check(response.status_code < 500, f"{case}: {response.status_code}")
        problems.check(not unescaped_markup(response), f"{case}: unescaped markup")
        if refused:
            problems.check(response.status_code == 200, f"{case}: {response.status_code}, expected the form again")
            problems.check(counts() == before, f"{case}: refused, yet rows were written")
            text = response.content.decode()
            problems.check(f'id="id_{field}_error"' in text, f"{case}: no error under the field")
        else:
            problems.check(response.status_code == 302, f"{case}: {response.status_code}, expected it saved")
            if response.status_code == 200:
                errors = re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', response.content.decode())
                problems.append(f"   errors: {errors[:3]}")
    problems.assert_none()


@pytest.mark.parametrize("form", MODELS)
def test_admin_forms_read_undecodable_and_oversized_bodies_safely(staff_client, w, form):
    from urllib.parse import urlencode

    good = admin_forms(w)[form]
    url = f"/admin/{APP[form]}/{form}/add/"
    text_fields = [f for f, field in admin_fields(form) if isinstance(field, forms.CharField) and "-" not in f]
    # Invalid UTF-8 in every free-text field: decoded as U+FFFD, saved or refused, never a 500.
    pairs = [(k, v) for k, v in good.items() if k not in text_fields and not isinstance(v, list)]
    body = urlencode(pairs) + "".join(f"&{f}=a%ed%a0%80%ff" for f in text_fields)
    if "purposes" in good:
        body += "&purposes=2"
    response = staff_client.post(url, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 302)
    # A body over the 2.5 MB limit: a 400 that says why and that nothing was saved.
    before = counts()
    response = staff_client.post(url, {**good, "note" if "note" in good else "reason": "x" * H.HUGE_BODY})
    assert response.status_code == 400
    assert "larger than the 2.5 MB" in response.content.decode()
    assert counts() == before
    # Far more fields than any form has.
    response = staff_client.post(
        url, data="&".join(f"f{i}=1" for i in range(1500)), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "more fields" in response.content.decode()


ADMIN_SEARCHES = [H.NUL, H.SCRIPT, H.SQL[0], "x" * 1000, "%ff"]


@pytest.mark.parametrize(
    "model",
    [
        "links/link",
        "links/statusevent",
        "places/place",
        "places/institution",
        "sources/source",
        "knowledge/guide",
        "knowledge/question",
        "knowledge/answer",
    ],
)
def test_admin_search_and_autocomplete_take_hostile_terms(staff_client, w, model):
    problems = Problems()
    name = model.split("/")[1]
    for term in ADMIN_SEARCHES:
        response = staff_client.get(f"/admin/{model}/", {"q": term})
        problems.check(response.status_code == 200, f"{model} q={short(term)}: {response.status_code}")
        problems.check(not unescaped_markup(response), f"{model} q={short(term)}: unescaped markup")
    field = {
        "link": ("links", "statusevent", "link"),
        "place": ("places", "institution", "place"),
        "source": ("sources", "citation", "source"),
        "institution": ("links", "party", "institution"),
    }.get(name)
    if field:
        for term in ADMIN_SEARCHES:
            response = staff_client.get(
                "/admin/autocomplete/",
                {"term": term, "app_label": field[0], "model_name": field[1], "field_name": field[2]},
            )
            problems.check(response.status_code < 500, f"autocomplete {name} {short(term)}: {response.status_code}")
    for params in ({"kind__exact": H.SCRIPT}, {"purposes__id__exact": str(10**30)}, {"o": H.SQL[0]}, {"p": "-1"}):
        response = staff_client.get(f"/admin/{model}/", params)
        # 302: Django's "?e=1" (a filter it cannot apply); 400: a lookup this page does not offer.
        problems.check(response.status_code in (200, 302, 400), f"{model} {params}: {response.status_code}")
    problems.assert_none()


# ================================================================== the import review page


def test_the_review_page_and_its_choice_form_take_hostile_input(staff_client, w):
    resolution = w["resolution"]
    url = f"/imports/review/{resolution.pk}/choose"
    problems = Problems()
    for page in (*H.BAD_NUMBERS, H.SCRIPT, H.NUL):
        response = staff_client.get("/imports/review", {"page": page})
        problems.check(response.status_code == 200, f"review page={short(page)}: {response.status_code}")
        problems.check(not unescaped_markup(response), f"review page={short(page)}: unescaped markup")
    for value in (*H.SQL, H.SCRIPT, H.NUL, *H.BAD_NUMBERS, H.OVERLONG, "", "1"):
        before = counts(), NameResolution.objects.filter(outcome=Outcome.CHOSEN).count()
        response = staff_client.post(url, {"geonames_id": value}, follow=True)
        case = f"choose geonames_id={short(value)}"
        problems.check(response.status_code == 200, f"{case}: {response.status_code}")
        problems.check(not unescaped_markup(response), f"{case}: unescaped markup")
        text = response.content.decode()
        problems.check("Choose one of the places" in text or "is not in the gazetteer" in text, f"{case}: no message")
        problems.check(
            (counts(), NameResolution.objects.filter(outcome=Outcome.CHOSEN).count()) == before,
            f"{case}: refused, yet something changed",
        )
    for pk in (0, 10**30):
        response = staff_client.post(f"/imports/review/{pk}/choose", {"geonames_id": "1"})
        problems.check(response.status_code == 404, f"choose for {pk}: {response.status_code}")
    problems.assert_none()


def test_the_sql_in_the_corpus_was_only_ever_data(client, w):
    """After '1; DROP TABLE links_link' everywhere, every table is still there and still full."""
    before = counts()
    for url in ("/search", "/api/v1/links", "/api/v1/places", "/api/v1/sources"):
        for value in H.SQL:
            assert client.get(url, {"q": value}).status_code == 200
    assert counts() == before
    assert Link.objects.count() == 6 and Place.objects.count() == 7
