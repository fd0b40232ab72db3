"""The REST API (django-ninja): anonymous reads of the registry, and token writes through the services.

Reads: links (with the search page's filters), places, sources and statistics, each list
cursor-paginated in id order, each answer with ETag / Last-Modified (304 when unchanged),
rate-limited for anonymous clients. Writes: an API token, and the same services (and
so the same rules and the same change log) as the admin.

No `from __future__ import annotations` here: django-ninja reads the endpoints' annotations
through the `revalidated` decorator, so they must be real objects, not strings.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Router, Status

from accounts.policy import Action, NewLink, can
from api import filters, serializers
from api.conditional import revalidated
from api.errors import NON_FIELD, ApiError, bad_request, from_django, install, not_found, refuse_repeats
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from api.schemas import (
    MAX_ID,
    CitationIn,
    ErrorOut,
    EventCreated,
    EventIn,
    LinkDetail,
    LinkIn,
    LinkOut,
    PlaceDetail,
    PlaceOut,
    SourceDetail,
    SourceIn,
    SourceOut,
    StatisticsOut,
    page_of,
)
from api.security import AccountToken, AnonymousReadThrottle, TokenWriteThrottle
from audit.services import Actor
from core.partial_dates import PartialDate
from core.text import fold
from core.versioning import EditConflict
from links.forms import SearchForm
from links.models import EventCategory, Link, LinkKind, LinkStatus
from links.selectors import (
    link_for_page,
    search_links,
    status_breakdown,
    status_on,
    timeline,
    with_list_data,
    with_text_matched,
)
from links.services import link_create, status_event_record
from places.models import Institution, Place, PlaceName
from places.selectors import links_of_place
from proposals.models import ProposalKind
from proposals.review import Submission, review_reasons
from sources.models import Citation, Source, SourceKind
from sources.services import CitationSpec, source_create

DESCRIPTION = """\
The Twinning Hub registry as data: links between places and institutions, with their parties,
dates, purposes, status history and sources; places; sources; statistics.

* **Lists** are ordered by id and paginated with a cursor: follow `next` until it is null.
  `limit` sets the page size (1–200, default 50).
* **Filters** on `/links` and `/statistics` are those of the search page, with the same names,
  so a search URL's query string works here unchanged.
* **Revalidation**: every answer has `ETag` and `Last-Modified`; send them back as
  `If-None-Match` / `If-Modified-Since` to get `304 Not Modified` when nothing has changed.
* **Rate limit**: without a token, 120 requests a minute per address; over it the answer is
  `429` with `Retry-After` (seconds).
* **Writes** need an API token: `Authorization: Bearer <key>`. A token acts as its account and may
  change what that account's roles allow (the README's table: moderators anywhere, an
  association editor its association's links, a council officer its places' links); anything
  else is refused with 403 and the reason. Every write is checked
  by the same rules as the admin and recorded in the change log under the token's user.
* **Errors** are JSON: `{"detail": "...", "errors": {"field": ["..."]}}`.
"""

api = NinjaAPI(
    title="Twinning Hub API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url=None,  # our own server-rendered page at /api/v1/docs (Swagger UI would load from a CDN)
)
install(api)

READ_ERRORS = {304: None, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut}
LIST_ERRORS = {304: None, 400: ErrorOut, 429: ErrorOut}

# One router: a GET and a POST on the same path must share it. Reads are throttled, writes need a token.
router = Router()
READ = {"throttle": AnonymousReadThrottle(), "tags": ["read"]}
WRITE = {"auth": AccountToken(), "throttle": TokenWriteThrottle(), "tags": ["write (token)"]}

LinkPage = page_of(LinkOut, "LinkPage")
PlacePage = page_of(PlaceOut, "PlacePage")
SourcePage = page_of(SourceOut, "SourcePage")

LIMIT = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Rows per page, 1–{MAX_LIMIT}.")
CURSOR = Query(None, description="Where the previous page ended: take it from that page's `next` URL.", max_length=200)


def _today() -> dt.date:
    return dt.date.today()


def _check_id(kind: str, pk: int) -> None:
    if not 1 <= pk <= MAX_ID:
        raise not_found(kind, pk)


# ================================================================== reads


@router.get(
    "/links",
    **READ,
    response={200: LinkPage, **LIST_ERRORS},
    url_name="link_list",
    operation_id="listLinks",
    summary="Search links",
    description="Links matching the search page's filters, ordered by id (not by the search page's relevance "
    "order, so that pages are stable), each with its parties, purposes, dates and status on `as_of` (or today).",
    openapi_extra={"parameters": filters.search_parameters()},
)
@revalidated
def list_links(
    request: HttpRequest, response: HttpResponse, limit: int = LIMIT, cursor: str | None = CURSOR
) -> dict[str, Any]:
    search = with_text_matched(filters.link_search(request))  # looked up once for the rows and the count
    today = _today()
    on = search.as_of or today
    rows = with_list_data(search_links(search, today=today))
    # The status counts are kept per registry version; their sum is the number of matches.
    count = sum(n for _, n in status_breakdown(search, today=today))
    return paginate(
        request,
        rows,
        limit=limit,
        cursor=cursor,
        serialize=lambda page: [serializers.link_out(x, on) for x in page],
        count=count,
    )


@router.get(
    "/links/{id}",
    **READ,
    response={200: LinkDetail, **READ_ERRORS},
    url_name="link_detail",
    operation_id="getLink",
    summary="One link, with its history and sources",
    description="The link's parties, kind, purposes, dates (to the precision known), status today and, with "
    "`as_of`, on that date; its status events oldest first with their sources and quotes; the sources for the "
    "link itself; the imported lists that list it and any unresolved 'needs verification' flags.",
    openapi_extra={
        "parameters": [filters.search_parameter("as_of", "The date to give the status on, as well as today.")]
    },
)
@revalidated
def get_link(request: HttpRequest, response: HttpResponse, id: int) -> dict[str, Any]:
    _check_id("link", id)
    as_of = None
    refuse_repeats(request, "as_of")
    if "as_of" in request.GET:
        form = SearchForm({"as_of": request.GET["as_of"]})
        if not form.is_valid():
            raise bad_request(filters.form_errors(form), "Some parameters are not valid")
        as_of = form.cleaned_data["as_of"]
    try:
        link = link_for_page(id)
    except Link.DoesNotExist:
        raise not_found("link", id) from None
    return serializers.link_detail(link, _today(), as_of)


def _place_rows(request: HttpRequest) -> Any:
    form = filters.PlaceFilters(request.GET)
    if not form.is_valid():
        raise bad_request(filters.form_errors(form), "Some filters are not valid")
    rows = Place.objects.all()
    for word in fold(form.cleaned_data["q"]).split():
        rows = rows.filter(Exists(PlaceName.objects.filter(place=OuterRef("pk"), folded__contains=word)))
    if form.cleaned_data["country"]:
        rows = rows.filter(country=form.cleaned_data["country"])
    return rows


@router.get(
    "/places",
    **READ,
    response={200: PlacePage, **LIST_ERRORS},
    url_name="place_list",
    operation_id="listPlaces",
    summary="List places",
    description="Places (towns, cities, districts, regions ...) ordered by id, with their country, "
    "ISO 3166-2 subdivision, GeoNames id and coordinates.",
    openapi_extra={"parameters": filters.form_parameters(filters.PlaceFilters)},
)
@revalidated
def list_places(
    request: HttpRequest, response: HttpResponse, limit: int = LIMIT, cursor: str | None = CURSOR
) -> dict[str, Any]:
    rows = _place_rows(request)
    return paginate(
        request, rows, limit=limit, cursor=cursor, serialize=lambda page: [serializers.place_out(p) for p in page]
    )


@router.get(
    "/places/{id}",
    **READ,
    response={200: PlaceDetail, **READ_ERRORS},
    url_name="place_detail",
    operation_id="getPlace",
    summary="One place, with its links",
    description="The place, its names in other languages, its institutions, and every link it is a party to "
    "(itself or through an institution in it) with its status today.",
)
@revalidated
def get_place(request: HttpRequest, response: HttpResponse, id: int) -> dict[str, Any]:
    _check_id("place", id)
    place = Place.objects.prefetch_related("names", "institutions").filter(pk=id).first()
    if place is None:
        raise not_found("place", id)
    today = _today()
    return serializers.place_out(place) | {
        "note": place.note,
        "names": [{"name": n.name, "language": n.language} for n in place.names.all()],
        "institutions": [serializers.institution_out(i) for i in place.institutions.all()],
        "links": [serializers.link_ref(link, today) for link in links_of_place(place, today)],
        "version": place.version,
    }


def _source_rows(request: HttpRequest) -> Any:
    form = filters.SourceFilters(request.GET)
    if not form.is_valid():
        raise bad_request(filters.form_errors(form), "Some filters are not valid")
    rows = Source.objects.annotate(citation_count=Count("citations"))
    for word in form.cleaned_data["q"].split():
        rows = rows.filter(Q(title__icontains=word) | Q(publisher__icontains=word))
    if form.cleaned_data["kind"]:
        rows = rows.filter(kind=form.cleaned_data["kind"])
    return rows


@router.get(
    "/sources",
    **READ,
    response={200: SourcePage, **LIST_ERRORS},
    url_name="source_list",
    operation_id="listSources",
    summary="List sources",
    description="Sources (documents, web pages, datasets) ordered by id, each with how many facts cite it.",
    openapi_extra={"parameters": filters.form_parameters(filters.SourceFilters)},
)
@revalidated
def list_sources(
    request: HttpRequest, response: HttpResponse, limit: int = LIMIT, cursor: str | None = CURSOR
) -> dict[str, Any]:
    rows = _source_rows(request)
    return paginate(
        request, rows, limit=limit, cursor=cursor, serialize=lambda page: [serializers.source_out(s) for s in page]
    )


@router.get(
    "/sources/{id}",
    **READ,
    response={200: SourceDetail, **READ_ERRORS},
    url_name="source_detail",
    operation_id="getSource",
    summary="One source, with the number of facts citing it",
)
@revalidated
def get_source(request: HttpRequest, response: HttpResponse, id: int) -> dict[str, Any]:
    _check_id("source", id)
    counts = {
        field: Count("citations", filter=Q(**{f"citations__{field}__isnull": False})) for field in Citation.CITED_FIELDS
    }
    source = (
        Source.objects.annotate(citation_count=Count("citations"), **{f"n_{k}": v for k, v in counts.items()})
        .filter(pk=id)
        .first()
    )
    if source is None:
        raise not_found("source", id)
    return serializers.source_out(source) | {
        "document": source.document,
        "note": source.note,
        "cites": {f"{field}s": getattr(source, f"n_{field}") for field in Citation.CITED_FIELDS},
        "version": source.version,
    }


@router.get(
    "/statistics",
    **READ,
    response={200: StatisticsOut, **LIST_ERRORS},
    url_name="statistics",
    operation_id="getStatistics",
    summary="Statistics for a country",
    description="Counts of the links matching the search page's filters, for the country `stats_country` "
    "(the UK by default): partners by country and continent, kinds, purposes, decade founded, partners' "
    "income groups, status today and status changes over time. The same numbers as the statistics page.",
    openapi_extra={"parameters": [*filters.search_parameters(), filters.stats_country_parameter()]},
)
@revalidated
def get_statistics(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
    search = filters.link_search(request)
    country = filters.stats_country(request)
    try:
        from stats.selectors import link_statistics
    except ImportError:
        raise ApiError(503, "Statistics are not available yet: they are being built.") from None
    return link_statistics(search, country=country).as_dict()


# ================================================================== writes


def _sources(citations: Sequence[CitationIn], problems: dict[str, list[str]]) -> list[CitationSpec]:
    found = Source.objects.in_bulk([c.source_id for c in citations])
    specs = []
    for number, citation in enumerate(citations):
        source = found.get(citation.source_id)
        if source is None:
            problems.setdefault(f"citations.{number}.source_id", []).append(
                f"There is no source with id {citation.source_id}. Add it first with POST /sources."
            )
            continue
        specs.append(CitationSpec(source=source, quote=citation.quote, claim=citation.claim, locator=citation.locator))
    return specs


def _date(value: str | None, field: str, problems: dict[str, list[str]]) -> PartialDate | None:
    if value is None or not value.strip():
        return None
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        problems.setdefault(field, []).append(str(exc))
        return None


def _choice(value: str, field: str, choices: type, what: str, problems: dict[str, list[str]]) -> None:
    if value not in choices.values:
        problems.setdefault(field, []).append(f"'{value}' is not {what}. Use one of: {', '.join(choices.values)}.")


def refused(exc: ValidationError, what: str, names: dict[str, str] | None = None) -> ApiError:
    """A service's ValidationError as a 400 (an EditConflict as a 409), with its messages per field."""
    if isinstance(exc, EditConflict):
        return ApiError(409, " ".join(exc.messages), {NON_FIELD: list(exc.messages)})
    return bad_request(from_django(exc, names), what)


def _actor(request: HttpRequest) -> Actor:
    return Actor(user=request.auth.user)


def _unreviewed(request: HttpRequest, kind: str, action: Action, target: object) -> None:
    """The API writes directly, so it takes only what the pages would apply at once: a change the
    review rules would send to a moderator (a new editor's first changes, a protected link) is
    refused with the reasons, to be proposed on the hub's pages instead."""
    reasons = review_reasons(Submission(request.auth.user, kind, action, target))
    if reasons and can(request.auth.user, action, target):
        raise PermissionDenied(
            f"This change needs a moderator's review: {' '.join(reasons)} Propose it on the hub's pages instead; "
            "nothing was saved."
        )


def _place_of(party: Place | Institution) -> int:
    return party.place_id if isinstance(party, Institution) else party.pk


LINK_FIELD_NAMES = {"parent": "parent_id"}


@router.post(
    "/links",
    **WRITE,
    response={201: LinkDetail, **WRITE_ERRORS},
    operation_id="createLink",
    summary="Add a link",
    description="Add a link between two or more parties (places or institutions), citing at least one source. "
    "Dates may be a year, a month or a day. Answers 201 with the link as GET /links/{id} shows it.",
)
def create_link(request: HttpRequest, payload: LinkIn, response: HttpResponse) -> Status:
    problems: dict[str, list[str]] = {}
    _choice(payload.kind, "kind", LinkKind, "a kind of link", problems)
    place_ids = [p.place_id for p in payload.parties if p.place_id]
    institution_ids = [p.institution_id for p in payload.parties if p.institution_id]
    places = Place.objects.in_bulk(place_ids)
    institutions = Institution.objects.select_related("place").in_bulk(institution_ids)
    parties: list[tuple[Place | Institution, str]] = []
    for number, party in enumerate(payload.parties):
        if bool(party.place_id) == bool(party.institution_id):
            problems.setdefault(f"parties.{number}", []).append(
                "Give each party as either {'place_id': ...} or {'institution_id': ...}, not both or neither."
            )
        elif party.place_id and party.place_id not in places:
            problems.setdefault(f"parties.{number}.place_id", []).append(f"There is no place with id {party.place_id}.")
        elif party.institution_id and party.institution_id not in institutions:
            problems.setdefault(f"parties.{number}.institution_id", []).append(
                f"There is no institution with id {party.institution_id}."
            )
        else:
            target = places[party.place_id] if party.place_id else institutions[party.institution_id]
            parties.append((target, party.role))
    if len(payload.parties) < 2:
        problems.setdefault("parties", []).append(
            "A link needs at least two parties. Add the partner place or institution."
        )
    if not payload.citations:
        problems.setdefault("citations", []).append("Cite at least one source for this link.")
    citations = _sources(payload.citations, problems)
    first_contact = _date(payload.first_contact, "first_contact", problems)
    agreement = _date(payload.agreement, "agreement", problems)
    parent = None
    if payload.parent_id is not None:
        parent = Link.objects.filter(pk=payload.parent_id).first()
        if parent is None:
            problems.setdefault("parent_id", []).append(f"There is no link with id {payload.parent_id}.")
    if problems:
        raise bad_request(problems, "The link was not saved")
    _unreviewed(request, ProposalKind.LINK_NEW, Action.EDIT, NewLink(frozenset(_place_of(p) for p, _ in parties)))
    try:
        link = link_create(
            actor=_actor(request),
            parties=parties,
            kind=payload.kind,
            citations=citations,
            name=payload.name,
            purposes=payload.purposes,
            first_contact=first_contact,
            agreement=agreement,
            endorsing_body=payload.endorsing_body,
            description=payload.description,
            parent=parent,
        )
    except ValidationError as exc:
        raise refused(exc, "The link was not saved", LINK_FIELD_NAMES) from None
    response["Location"] = serializers.api_url("link_detail", link.pk)
    return Status(201, serializers.link_detail(link_for_page(link.pk), _today(), None))


@router.post(
    "/links/{id}/events",
    **WRITE,
    response={201: EventCreated, **WRITE_ERRORS},
    operation_id="createStatusEvent",
    summary="Record a status change of a link",
    description="Record that a link was proposed, became active, was paused, ended or reaffirmed on a date, "
    "with the reason, the deciding body and at least one source. Answers 201 with the event and the link's "
    "status today.",
)
def create_event(request: HttpRequest, id: int, payload: EventIn, response: HttpResponse) -> Status:
    _check_id("link", id)
    link = Link.objects.filter(pk=id).first()
    if link is None:
        raise not_found("link", id)
    problems: dict[str, list[str]] = {}
    when = _date(payload.date, "date", problems)
    if when is None and "date" not in problems:
        problems["date"] = ["Give the date of this status change (a year is enough)."]
    _choice(payload.status, "status", LinkStatus, "a status", problems)
    if payload.category:
        _choice(payload.category, "category", EventCategory, "a category", problems)
    if not payload.citations:
        problems.setdefault("citations", []).append(
            "A status change must cite its source (a council minute, letter, article ...)."
        )
    citations = _sources(payload.citations, problems)
    if problems:
        raise bad_request(problems, "The status change was not saved")
    _unreviewed(request, ProposalKind.EVENT_NEW, Action.RECORD_DECISION, link)
    try:
        event = status_event_record(
            actor=_actor(request),
            link=link,
            when=when,
            status=payload.status,
            citations=citations,
            reason=payload.reason,
            category=payload.category,
            deciding_body=payload.deciding_body,
            decision_note=payload.decision_note,
        )
    except ValidationError as exc:
        raise refused(exc, "The status change was not saved") from None
    link = link_for_page(link.pk)
    today = _today()
    label = next(label for _when, label, e in timeline(link) if e.pk == event.pk)
    saved = next(e for e in link.events.all() if e.pk == event.pk)
    response["Location"] = serializers.api_url("link_detail", link.pk)
    return Status(
        201,
        serializers.event_out(saved, label)
        | {"link_id": link.pk, "link_status": serializers.status_out(status_on(link, today), today)},
    )


@router.post(
    "/sources",
    **WRITE,
    response={201: SourceDetail, **WRITE_ERRORS},
    operation_id="createSource",
    summary="Add a source",
    description="Add a source (a document, web page or dataset) that links and status changes can then cite.",
)
def create_source(request: HttpRequest, payload: SourceIn, response: HttpResponse) -> Status:
    problems: dict[str, list[str]] = {}
    _choice(payload.kind, "kind", SourceKind, "a kind of source", problems)
    published = _date(payload.published, "published", problems)
    if not payload.title.strip():
        problems.setdefault("title", []).append("Give the source's title.")
    if problems:
        raise bad_request(problems, "The source was not saved")
    try:
        source = source_create(
            actor=_actor(request),
            title=payload.title,
            kind=payload.kind,
            publisher=payload.publisher,
            author=payload.author,
            url=payload.url,
            document=payload.document,
            published=published,
            note=payload.note,
        )
    except ValidationError as exc:
        raise refused(exc, "The source was not saved") from None
    response["Location"] = serializers.api_url("source_detail", source.pk)
    source.citation_count = 0
    return Status(
        201,
        serializers.source_out(source)
        | {
            "document": source.document,
            "note": source.note,
            "cites": {f"{field}s": 0 for field in Citation.CITED_FIELDS},
            "version": source.version,
        },
    )


api.add_router("", router)

from matching.api import router as matching_router  # noqa: E402 (it imports this module's neighbours)

api.add_router("", matching_router)

from knowledge.api import router as knowledge_router  # noqa: E402 (as the partner-finding router above)

api.add_router("", knowledge_router)
