"""What the API reads and writes, as pydantic schemas: they are the OpenAPI document's components."""

import datetime as dt
import re
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from core.partial_dates import DatePrecision
from links.models import EventCategory, LinkKind, LinkStatus
from links.selectors import UNKNOWN
from places.models import InstitutionKind, PlaceKind
from sources.models import SourceKind

MAX_ID = 2**63 - 1
Precision = Literal["year", "month", "day"]
assert set(DatePrecision.values) == {"year", "month", "day"}
StatusValue = Literal["proposed", "active", "paused", "ended", "unknown"]
assert set(StatusValue.__args__) == ({s.value for s in LinkStatus} - {LinkStatus.REAFFIRMED} | {UNKNOWN})


_SURROGATES = re.compile("[\ud800-\udfff]")


def _storable(value: str) -> str:
    """Text the database can store: no NUL, and no lone UTF-16 surrogate (JSON can spell one as
    "\\ud800"; neither SQLite nor PostgreSQL can encode it, which used to be a server error)."""
    if "\x00" in value:
        raise ValueError("Text may not contain the NUL character (\\u0000).")
    if _SURROGATES.search(value):
        raise ValueError(
            "Text may not contain a lone surrogate such as \\ud800: it is half of a character, not text. "
            "Send the whole character (an emoji is one \\ud83d\\ude00 pair, or the character itself)."
        )
    return value


Text = Annotated[str, AfterValidator(_storable)]


# ------------------------------------------------------------------ shared


class Out(BaseModel):
    """What the API answers. Plain pydantic models: the endpoints build dicts, and validating a
    page of links this way takes a fifth of the time django-ninja's attribute-reading Schema does."""


class ErrorOut(Out):
    detail: str = Field(description="What went wrong, in plain words.")
    errors: dict[str, list[str]] | None = Field(
        None, description="For 400 answers: the messages for each parameter or field (dotted path for nested ones)."
    )


class PartialDateOut(Out):
    """A date known to a year, a month or a day."""

    iso: str = Field(description="As precise as it is known: '1947', '2018-03' or '2022-03-22'.", examples=["2018-03"])
    precision: Precision
    start: dt.date = Field(description="The first day it could mean.")
    end: dt.date = Field(description="The last day it could mean.")
    text: str = Field(description="In words, e.g. 'March 2018'.")


def page_of(item: type[BaseModel], name: str) -> type[BaseModel]:
    """A page of a list: {"results", "next", "count"}."""
    return type(
        name,
        (Out,),
        {
            "__annotations__": {"results": list[item], "next": str | None, "count": int},
            "__module__": __name__,
            "__doc__": f"One page of {item.__name__} rows, ordered by id.",
            "next": Field(description="The URL of the next page, or null on the last page."),
            "count": Field(description="How many rows match, on all pages."),
        },
    )


# ------------------------------------------------------------------ places


class PlaceRef(Out):
    id: int
    name: str
    kind: str = Field(description=f"One of: {', '.join(PlaceKind.values)}.")
    country: str = Field(description="ISO 3166-1 alpha-2 code.", examples=["GB"])
    country_name: str
    subdivision: str = Field(description="ISO 3166-2 first-level code, or empty.", examples=["GB-ENG"])
    geonames_id: int | None
    api_url: str
    web_url: str


class PlaceOut(PlaceRef):
    kind_label: str
    subdivision_name: str
    latitude: float | None
    longitude: float | None
    population: int | None


class PlaceNameOut(Out):
    name: str
    language: str = Field(description="ISO 639 code, or empty for an alternate spelling.")


class InstitutionOut(Out):
    id: int
    name: str
    kind: str = Field(description=f"One of: {', '.join(InstitutionKind.values)}.")
    kind_label: str


class StatusBrief(Out):
    """A link's status on one date."""

    on: dt.date = Field(description="The date the status is for.")
    status: StatusValue = Field(description="'unknown' before the link's first recorded event.")
    label: str


class LinkRef(Out):
    id: int
    title: str
    kind: str
    status: StatusBrief
    api_url: str
    web_url: str


class PlaceDetail(PlaceOut):
    note: str
    names: list[PlaceNameOut]
    institutions: list[InstitutionOut] = Field(description="Institutions in this place that the registry knows.")
    links: list[LinkRef] = Field(description="Every link the place is a party to, itself or through an institution.")
    version: int


# ------------------------------------------------------------------ sources


class SourceRef(Out):
    id: int
    title: str
    publisher: str
    url: str = Field(description="The source's own address on the web, if any.")
    published: PartialDateOut | None
    api_url: str


class SourceOut(SourceRef):
    kind: str = Field(description=f"One of: {', '.join(SourceKind.values)}.")
    kind_label: str
    author: str
    citation_count: int = Field(description="How many facts in the registry cite this source.")
    web_url: str


class SourceDetail(SourceOut):
    document: str
    note: str
    cites: dict[str, int] = Field(description="How many places, institutions, links and status events cite it.")
    version: int


class CitationOut(Out):
    id: int
    source: SourceRef
    claim: str = Field(description="Which fact this supports, e.g. 'agreement date'.")
    quote: str = Field(description="The passage of the source that supports the fact.")
    locator: str = Field(description="Page, section or paragraph.")


# ------------------------------------------------------------------ links


class PartyOut(Out):
    """One side of a link: a place, or an institution in a place."""

    type: Literal["place", "institution"]
    name: str
    role: str
    place: PlaceRef = Field(description="The place itself, or the institution's place.")
    institution: InstitutionOut | None
    country: str
    geonames_id: int | None


class PurposeOut(Out):
    slug: str
    name: str


class LinkOut(Out):
    id: int
    title: str = Field(description="The link's own name, or its parties' names joined by dashes.")
    name: str
    kind: str = Field(description=f"One of: {', '.join(LinkKind.values)}.")
    kind_label: str
    parties: list[PartyOut]
    purposes: list[PurposeOut]
    first_contact: PartialDateOut | None
    agreement: PartialDateOut | None
    parent_id: int | None
    status: StatusBrief = Field(description="The status on `as_of`, or today.")
    api_url: str
    web_url: str


class StatusOut(StatusBrief):
    certain: bool = Field(
        description="False when the date falls inside the period of a year or month the deciding event is dated to."
    )
    inferred: bool = Field(description="True when active is inferred from a later pause, end or reaffirmation.")
    since: PartialDateOut | None = Field(description="When the event that gives this status happened.")
    event_id: int | None


class EventOut(Out):
    id: int
    date: PartialDateOut
    sequence: int = Field(description="Order among events on the same date (0 first).")
    status: str = Field(description=f"One of: {', '.join(LinkStatus.values)}.")
    status_label: str
    label: str = Field(description="What happened, in words: 'Paused', 'Reinstated', 'Reported active' ...")
    resulting_status: str = Field(description="What the event leaves the link as (a reaffirmation leaves it active).")
    reason: str
    category: str = Field(description=f"Empty, or one of: {', '.join(EventCategory.values)}.")
    category_label: str
    deciding_body: str
    decision_note: str
    citations: list[CitationOut]


class EventCreated(EventOut):
    link_id: int
    link_status: StatusOut = Field(description="The link's status today, after this event.")


class GapOut(Out):
    source: SourceRef
    snapshot_date: dt.date
    resolved_at: dt.datetime | None = Field(description="When a later snapshot listed the link again.")


class ListingOut(Out):
    dataset: str
    first_listed: dt.date
    first_source: SourceRef
    last_listed: dt.date
    last_source: SourceRef
    gaps: list[GapOut]


class FlagOut(Out):
    """A reason to check the link: a list that used to include it no longer does."""

    message: str
    dataset: str
    source: SourceRef
    since: dt.date


class ActivityOut(Out):
    id: int
    kind: str = Field(description="visit, exchange, project, fundraiser, online, commemoration, cultural or other.")
    kind_label: str
    title: str
    date: PartialDateOut
    description: str
    travelling_party: str | None = Field(description="For a visit or an exchange: the party that travelled.")
    participants: int | None
    participants_under_30: int | None
    cost: str | None = Field(description="A decimal, in `cost_currency`, where known.")
    cost_currency: str = Field(description="ISO 4217 code, or empty.")
    source_url: str


class ReviewSummaryOut(Out):
    owner: str = Field(description="Who wrote the review: an association, or the council of one of the link's places.")
    owner_kind: str = Field(description="association or council.")
    summary: str = Field(description="The summary its owner published; the review's answers are private.")
    published_at: dt.datetime


class HealthOut(Out):
    state: str = Field(description="active, quiet, dormant or unknown: whether anything still happens on the link.")
    state_label: str
    reasons: list[str] = Field(description="Why, in words (the link page's).")
    reason_codes: list[str]
    last_activity_on: dt.date | None
    last_verified_at: dt.datetime | None
    last_verified_by: str = Field(description="contact, council_officer, moderator, or empty if never verified.")
    last_verified_answer: str = Field(description="active, paused, ended, other_runs, or empty.")


class LinkDetail(LinkOut):
    description: str
    endorsing_body: str
    parent: LinkRef | None
    sub_links: list[LinkRef]
    status: StatusOut = Field(description="The status today.")
    status_on: StatusOut | None = Field(description="The status on `as_of`, when it is given.")
    events: list[EventOut] = Field(description="Status events, oldest first.")
    citations: list[CitationOut] = Field(description="Sources for the link itself.")
    listings: list[ListingOut] = Field(description="Imported lists that list this link.")
    needs_verification: list[FlagOut] = Field(description="Unresolved flags: lists that stopped listing the link.")
    activities: list[ActivityOut] = Field(description="Activities on the link (visits, exchanges ...), oldest first.")
    health: HealthOut = Field(description="Whether anything still happens on it, apart from its decided status.")
    review_summaries: list[ReviewSummaryOut] = Field(
        description="Published summaries of political-dispute reviews by its association or councils, oldest first."
    )
    version: int = Field(description="Bumped by every edit of the link's own fields.")
    created_at: dt.datetime
    updated_at: dt.datetime


# ------------------------------------------------------------------ statistics


# Plain pydantic models (not ninja Schemas, which read attributes): extra keys of the rows
# (a chart's "url", a series) pass through untouched.
class StatisticRow(BaseModel):
    model_config = ConfigDict(extra="allow")
    key: Any = Field(description="What is counted (a country code, a kind, a decade ...).")
    label: str
    count: int


class StatisticsOut(BaseModel):
    """What stats.selectors.link_statistics(...).as_dict() returns: the statistics page's numbers."""

    model_config = ConfigDict(extra="allow")
    country: str
    sections: dict[str, list[StatisticRow]]
    totals: dict[str, Any]


# ------------------------------------------------------------------ writes

# Strict: JSON's true is not the id 1, nor "12" the id 12 (pydantic's lax mode took both).
Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
DATE_HELP = "A year (1947), a year and month (2018-03) or a full date (2022-03-22)."


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


class PartyIn(Input):
    place_id: Id | None = Field(None, description="A place's id (give this or institution_id).")
    institution_id: Id | None = Field(None, description="An institution's id (give this or place_id).")
    role: Text = Field("", max_length=200, description="Optional, e.g. 'newly merged district'.")


class CitationIn(Input):
    source_id: Id = Field(description="The id of a source (POST /sources to add one).")
    quote: Text = Field("", description="The passage of the source that supports the fact.")
    claim: Text = Field("", max_length=200, description="Which fact it supports, e.g. 'agreement date'.")
    locator: Text = Field("", max_length=100, description="Page, section or paragraph.")


class LinkIn(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "parties": [{"place_id": 1}, {"place_id": 2}],
                "kind": "formal",
                "purposes": ["culture", "education"],
                "agreement": "1956-05",
                "citations": [{"source_id": 1, "quote": "The charter was signed in May 1956.", "claim": "agreement"}],
            }
        },
    )
    parties: list[PartyIn] = Field(description="Two or more parties, each {'place_id'} or {'institution_id'}.")
    kind: Text = Field(description=f"One of: {', '.join(LinkKind.values)}.", max_length=20)
    purposes: list[Text] = Field([], description="Purpose slugs, e.g. ['culture', 'education'].")
    first_contact: Text | None = Field(None, description=f"When the parties first met. {DATE_HELP}")
    agreement: Text | None = Field(None, description=f"When the pact, charter or MoU was signed. {DATE_HELP}")
    name: Text = Field("", max_length=300, description="Only where the link has a name of its own.")
    description: Text = ""
    endorsing_body: Text = Field("", max_length=300)
    parent_id: Id | None = Field(None, description="The link this one grew out of or belongs to.")
    citations: list[CitationIn] = Field(description="At least one source for the link.")


class EventIn(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "date": "2022-03-22",
                "status": "paused",
                "reason": "In response to the invasion of Ukraine.",
                "category": "war",
                "deciding_body": "Full council",
                "decision_note": "Unanimous cross-party resolution",
                "citations": [{"source_id": 1, "quote": "Council resolved unanimously to pause the link."}],
            }
        },
    )
    date: Text = Field(description=f"When the status changed. {DATE_HELP}")
    status: Text = Field(description=f"One of: {', '.join(LinkStatus.values)}.", max_length=12)
    reason: Text = Field("", description="Why, ideally as the decision-maker put it.")
    category: Text = Field("", description=f"Empty, or one of: {', '.join(EventCategory.values)}.", max_length=20)
    deciding_body: Text = Field("", max_length=300, description="Who decided, e.g. 'full council'.")
    decision_note: Text = Field("", max_length=500, description="How, e.g. 'unanimous cross-party resolution'.")
    citations: list[CitationIn] = Field(description="At least one source for the change.")


class SourceIn(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "title": "Minutes of full council, 22 March 2022",
                "kind": "official",
                "publisher": "Coventry City Council",
                "url": "https://example.org/minutes/2022-03-22",
                "published": "2022-03-22",
            }
        },
    )
    title: Text = Field(max_length=500)
    kind: Text = Field("other", description=f"One of: {', '.join(SourceKind.values)}.", max_length=10)
    publisher: Text = Field("", max_length=300)
    author: Text = Field("", max_length=300)
    url: Text = Field("", max_length=1000, description="Its address on the web, if any.")
    document: Text = Field("", max_length=300, description="Where a copy is kept, if not at a URL.")
    published: Text | None = Field(None, description=f"When it was published. {DATE_HELP}")
    note: Text = ""
