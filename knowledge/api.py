"""The knowledge bank in the API, read-only: published guides and case studies, and the questions
to the network with their answers, as the public pages show them (nothing unpublished or hidden,
no author's account details).

Lists are ordered by id with a cursor, like every list of the API; `q` filters guides by the same
full-text search as the knowledge bank's page (knowledge.search.matching), without its ranking,
so that pages are stable. Every answer has ETag / Last-Modified (knowledge writes are logged, so
the registry's data version covers them).

No `from __future__ import annotations` here: django-ninja reads the annotations.
"""

from typing import Any

from django import forms
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router
from pydantic import Field

from api.conditional import revalidated
from api.errors import ApiError, bad_request
from api.filters import form_errors, form_parameters
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from api.schemas import MAX_ID, ErrorOut, Out, page_of
from api.security import AnonymousReadThrottle
from core.fields import contains_code
from core.forms import ChoiceField, OneValueEach
from knowledge import search
from knowledge.models import Answer, EntryKind, Guide, GuideKind, GuideSource, GuideStatus, Question

router = Router(tags=["knowledge bank"])

READ = {"throttle": AnonymousReadThrottle()}
READ_ERRORS = {304: None, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut}
LIST_ERRORS = {304: None, 400: ErrorOut, 429: ErrorOut}
LIMIT = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Rows per page, 1–{MAX_LIMIT}.")
CURSOR = Query(None, description="Where the previous page ended: take it from that page's `next` URL.", max_length=200)


TAG_INVALID = "A tag is made of lowercase letters, digits and hyphens, e.g. young-members."


def _tag_field() -> forms.SlugField:
    return forms.SlugField(
        label="Tag",
        required=False,
        max_length=40,
        help_text="A tag, e.g. young-members.",
        error_messages={"invalid": TAG_INVALID},
    )


class GuideFilters(OneValueEach, forms.Form):
    q = forms.CharField(
        label="Words",
        required=False,
        max_length=200,
        help_text="Guides whose title or text has every word (English stemming: 'volunteers' finds 'volunteer').",
    )
    tag = _tag_field()
    kind = ChoiceField(label="Kind", required=False, choices=[("", "Any"), *GuideKind.choices])
    place = forms.IntegerField(
        label="Place", required=False, min_value=1, max_value=MAX_ID, help_text="The id of a place it is about."
    )
    link = forms.IntegerField(
        label="Link", required=False, min_value=1, max_value=MAX_ID, help_text="The id of a link it is about."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["invalid_choice"] = (
            "'%(value)s' is not a kind of guide. Use one of: " + ", ".join(GuideKind.values) + "."
        )


class QuestionFilters(OneValueEach, forms.Form):
    tag = _tag_field()


class GuidePlaceRef(Out):
    id: int
    name: str
    country: str


class GuideLinkRef(Out):
    id: int
    url: str = Field(description="The link in this API.")


class GuideOut(Out):
    id: int
    slug: str
    kind: str = Field(description="guide or case_study.")
    title: str
    summary: str
    tags: list[str]
    places: list[GuidePlaceRef]
    links: list[GuideLinkRef]
    published_at: str | None
    updated_at: str
    web_url: str


class GuideSourceOut(Out):
    source_id: int | None = Field(description="A source in the registry (see /sources/{id}), or null.")
    url: str = Field(description="The web address cited, or empty when the source is in the registry.")
    passage: str = Field(description="The passage the guide relies on.")


class GuideDetail(GuideOut):
    body: str = Field(description="The text, in Markdown as its author wrote it.")
    sources: list[GuideSourceOut]
    version: int


class AnswerOut(Out):
    id: int
    body: str = Field(description="Markdown.")
    created_at: str
    web_url: str


class QuestionOut(Out):
    id: int
    title: str
    body: str = Field(description="Markdown.")
    tags: list[str]
    created_at: str
    answers: list[AnswerOut] = Field(description="Oldest first; those a moderator hid are left out.")
    web_url: str


GuidePage = page_of(GuideOut, "GuidePage")
QuestionPage = page_of(QuestionOut, "QuestionPage")


def guide_out(guide: Guide) -> dict[str, Any]:
    return {
        "id": guide.pk,
        "slug": guide.slug,
        "kind": guide.kind,
        "title": guide.title,
        "summary": guide.summary,
        "tags": list(guide.tags),
        "places": [{"id": p.pk, "name": p.name, "country": p.country} for p in guide.places.all()],
        "links": [{"id": x.pk, "url": reverse("api:link_detail", kwargs={"id": x.pk})} for x in guide.links.all()],
        "published_at": guide.published_at.isoformat() if guide.published_at else None,
        "updated_at": guide.updated_at.isoformat(),
        "web_url": guide.get_absolute_url(),
    }


def _guides() -> Any:
    return Guide.objects.filter(status=GuideStatus.PUBLISHED).prefetch_related("places", "links")


def _guide_rows(request: HttpRequest) -> Any:
    form = GuideFilters(request.GET)
    if not form.is_valid():
        raise bad_request(form_errors(form), "Some filters are not valid")
    data = form.cleaned_data
    rows = _guides()
    if data["q"].strip():
        found = search.matching(data["q"]).filter(kind=EntryKind.GUIDE).values("object_id")
        rows = rows.filter(pk__in=found)
    if data["tag"]:
        rows = rows.filter(contains_code("tags", data["tag"]))
    if data["kind"]:
        rows = rows.filter(kind=data["kind"])
    if data["place"] is not None:
        rows = rows.filter(pk__in=Guide.places.through.objects.filter(place_id=data["place"]).values("guide_id"))
    if data["link"] is not None:
        rows = rows.filter(pk__in=Guide.links.through.objects.filter(link_id=data["link"]).values("guide_id"))
    return rows


@router.get(
    "/guides",
    **READ,
    response={200: GuidePage, **LIST_ERRORS},
    url_name="guide_list",
    operation_id="listGuides",
    summary="Guides and case studies",
    description="Published guides and case studies, ordered by id, filtered by words (the knowledge bank's "
    "full-text search, without its ranking), tag, kind, and the place or link they are about.",
    openapi_extra={"parameters": form_parameters(GuideFilters)},
)
@revalidated
def list_guides(
    request: HttpRequest, response: HttpResponse, limit: int = LIMIT, cursor: str | None = CURSOR
) -> dict[str, Any]:
    rows = _guide_rows(request)
    return paginate(request, rows, limit=limit, cursor=cursor, serialize=lambda page: [guide_out(g) for g in page])


@router.get(
    "/guides/{slug}",
    **READ,
    response={200: GuideDetail, **READ_ERRORS},
    url_name="guide_detail",
    operation_id="getGuide",
    summary="One guide or case study, with its sources",
    description="A published guide: its text in Markdown, the places and links it is about, and the sources it "
    "cites with the passages it relies on.",
)
@revalidated
def get_guide(request: HttpRequest, response: HttpResponse, slug: str) -> dict[str, Any]:
    guide = None
    if len(slug) <= 80:
        sources = Prefetch("sources", queryset=GuideSource.objects.order_by("position", "id"))
        guide = _guides().prefetch_related(sources).filter(slug=slug).first()
    if guide is None:
        raise ApiError(404, f"There is no published guide at '{slug[:40]}'. The list is at /api/v1/guides.")
    return guide_out(guide) | {
        "body": guide.body,
        "sources": [{"source_id": s.source_id, "url": s.url, "passage": s.passage} for s in guide.sources.all()],
        "version": guide.version,
    }


def question_out(question: Question) -> dict[str, Any]:
    return {
        "id": question.pk,
        "title": question.title,
        "body": question.body,
        "tags": list(question.tags),
        "created_at": question.created_at.isoformat(),
        "answers": [
            {
                "id": a.pk,
                "body": a.body,
                "created_at": a.created_at.isoformat(),
                "web_url": f"{question.get_absolute_url()}#answer-{a.pk}",
            }
            for a in question.visible_answers
        ],
        "web_url": question.get_absolute_url(),
    }


@router.get(
    "/questions",
    **READ,
    response={200: QuestionPage, **LIST_ERRORS},
    url_name="question_list",
    operation_id="listQuestions",
    summary="Questions to the network, with their answers",
    description="The questions on the board (not those a moderator hid), ordered by id, each with its answers.",
    openapi_extra={"parameters": form_parameters(QuestionFilters)},
)
@revalidated
def list_questions(
    request: HttpRequest, response: HttpResponse, limit: int = LIMIT, cursor: str | None = CURSOR
) -> dict[str, Any]:
    form = QuestionFilters(request.GET)
    if not form.is_valid():
        raise bad_request(form_errors(form), "Some filters are not valid")
    answers = Prefetch(
        "answers", queryset=Answer.objects.filter(hidden=False).order_by("created_at", "id"), to_attr="visible_answers"
    )
    rows = Question.objects.filter(hidden=False).prefetch_related(answers)
    if form.cleaned_data["tag"]:
        rows = rows.filter(contains_code("tags", form.cleaned_data["tag"]))
    return paginate(request, rows, limit=limit, cursor=cursor, serialize=lambda page: [question_out(q) for q in page])
