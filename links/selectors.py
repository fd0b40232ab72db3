"""Reads of links: status on a date (in the database), search with facets, and page data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from core.partial_dates import PartialDate
from core.text import fold
from links.models import HAS_OWN_TEXT, RESULTING_STATUS, UNKNOWN, Link, LinkStatus, Party, StatusEvent
from places.local_names import local_names_prefetch
from places.models import Institution, PlaceName

# A link whose first recorded event pauses, ends or reaffirms it was evidently active before
# that event (you cannot pause what was not running). Before that event, and not before the
# link began where that is known, it counts as active, marked as inferred.
IMPLIES_ACTIVE_BEFORE = (LinkStatus.PAUSED, LinkStatus.ENDED, LinkStatus.REAFFIRMED)


@dataclass(frozen=True)
class StatusOnDate:
    """A link's status on a date, the event it comes from, and how sure that is."""

    status: str  # one of LinkStatus (never "reaffirmed": that leaves a link active) or "unknown"
    event: StatusEvent | None
    # False when the date asked about falls inside the period of a partial date (e.g. an event
    # known only as "2018", asked about on 2018-06-01): it may or may not have happened yet.
    certain: bool = True
    # True when the status is inferred from a later event (see IMPLIES_ACTIVE_BEFORE).
    inferred: bool = False

    @property
    def label(self) -> str:
        return gettext("status not recorded") if self.status == UNKNOWN else str(LinkStatus(self.status).label)


def _events_in_order(link: Link) -> list[StatusEvent]:
    return sorted(link.events.all(), key=lambda e: (e.date, e.sequence, e.id))


def status_on(link: Link, on: dt.date) -> StatusOnDate:
    """The status of `link` on `on`: that left by its latest event dated on or before `on`.

    A partial date counts from the first day of its period (so an event known only as
    "2018" applies from 1 January 2018); if `on` falls inside that period the answer is
    marked uncertain. Events on the same date are ordered by their sequence.
    Uses prefetched events when present, so it costs no query on a prefetched link.
    """
    events = _events_in_order(link)
    current: StatusEvent | None = None
    for event in events:
        if event.date <= on:
            current = event
        else:
            break
    if current is None:
        began = link.began_on
        if events and events[0].status in IMPLIES_ACTIVE_BEFORE and (began is None or began.start <= on):
            return StatusOnDate(LinkStatus.ACTIVE, None, certain=False, inferred=True)
        return StatusOnDate(UNKNOWN, None, certain=True)
    return StatusOnDate(RESULTING_STATUS[current.status], current, certain=current.when.end <= on)


def with_status_on(links: QuerySet[Link], on: dt.date, name: str = "status_on_date") -> QuerySet[Link]:
    """Annotate each link with its status on `on`, computed by the database in one query.

    The same rule as status_on(): the latest event on or before `on`; a reaffirmation
    leaves the link active; before a first event that pauses, ends or reaffirms it, active.
    Before today, two correlated look-ups in a COALESCE (see below), at most.
    From today on, the answer is the stored Link.current_status (events are never dated in the
    future), read without touching the events.
    """
    if on >= dt.date.today():
        return links.annotate(**{name: F("current_status")})
    events = StatusEvent.objects.filter(link=OuterRef("pk"))
    # The status the latest event on or before `on` left (a reaffirmation leaves a link active) ...
    latest = events.filter(date__lte=on).order_by("-date", "-sequence", "-id")
    left = Case(When(status=LinkStatus.REAFFIRMED, then=Value(LinkStatus.ACTIVE.value)), default=F("status"))
    # ... else, before the first event, active if that first event pauses, ends or reaffirms the
    # link and the link had begun by `on` (or has no start date), otherwise unknown ...
    began = Coalesce(OuterRef("first_contact"), OuterRef("agreement"), output_field=DateField())
    implied = Case(
        When(
            Q(status__in=IMPLIES_ACTIVE_BEFORE) & (Q(began__isnull=True) | Q(began__lte=on)),
            then=Value(LinkStatus.ACTIVE.value),
        ),
        default=Value(UNKNOWN),
    )
    first = events.order_by("date", "sequence", "id").annotate(began=began)
    # ... and unknown without events. COALESCE stops at the first answer, so a link costs one
    # index probe when an event applies, two otherwise.
    return links.annotate(
        **{
            name: Coalesce(
                Subquery(latest.annotate(left=left).values("left")[:1]),
                Subquery(first.annotate(implied=implied).values("implied")[:1]),
                Value(UNKNOWN),
                output_field=CharField(),
            )
        }
    )


def filter_status_on(links: QuerySet[Link], on: dt.date, statuses: list[str]) -> QuerySet[Link]:
    """Links whose status on `on` is one of `statuses` (including 'unknown'), decided in the database."""
    return with_status_on(links, on).filter(status_on_date__in=statuses)


# ---------------------------------------------------------------- search


@dataclass
class LinkSearch:
    """The search page's filters. Every field maps to one URL parameter of the same name."""

    q: str = ""
    country: str = ""
    partner_country: str = ""
    subdivision: str = ""
    kind: str = ""
    purpose: str = ""
    status: list[str] = field(default_factory=list)
    as_of: dt.date | None = None
    year_from: int | None = None
    year_to: int | None = None
    needs_verification: bool = False
    health: str = ""  # a health.models.HealthState value; "unknown" includes links not worked out yet
    # The links `q` matches, when already looked up (see with_text_matched); not a URL parameter.
    text: TextMatch | None = field(default=None, compare=False, repr=False)


def _parties_in(country: str) -> QuerySet[Party]:
    """Parties in `country` (a place there, or an institution in a place there): one index range."""
    return Party.objects.filter(country=country)


def _with_party_in(country: str) -> Q:
    """Links with a party in `country`, read from the (country, link) index of parties."""
    return Q(pk__in=_parties_in(country).order_by().values("link_id"))


# A word matching more places or links than this stays a sub-select (a rare, broad query such
# as "san"); below it, the matches travel to the next query as a list of ids.
MATERIALISE_AT_MOST = 2000


def _ids_or_query(query: QuerySet) -> list[int] | QuerySet:
    """The values of a one-column `query` as a list when there are at most MATERIALISE_AT_MOST, else the query."""
    ids = list(query[: MATERIALISE_AT_MOST + 1])
    return ids if len(ids) <= MATERIALISE_AT_MOST else query


@dataclass(frozen=True)
class TextMatch:
    """The links a free-text query matches, found once and shared by a page's results and counts.

    `anywhere`: every word is in a party's name (in any language), the link's name or its
    description. `on_names`: every word is in a party's or the link's name (these rank first).
    Each is a filter on link ids: a list when small, a sub-select otherwise.
    """

    anywhere: Q
    on_names: Q


IdSet = list[int] | QuerySet


def _word_match(word: str) -> tuple[list[IdSet], list[IdSet]]:
    """_word_match_uncached's answer, kept per registry version when it is lists of ids (most words)."""
    from api.conditional import versioned_cache  # the API builds on links, not the other way

    looked_up: list[tuple[list[IdSet], list[IdSet]]] = []

    def lists_or_broad() -> tuple[list[IdSet], list[IdSet]] | str:
        looked_up.append(_word_match_uncached(word))
        named, mentioned = looked_up[0]
        return looked_up[0] if all(isinstance(ids, list) for ids in named + mentioned) else "broad"

    found = versioned_cache("text-word", (word,), lists_or_broad)
    if found != "broad":
        return found
    # Sub-selects are not kept: use this request's look-up, or make one (a broad word kept as "broad").
    return looked_up[0] if looked_up else _word_match_uncached(word)


def _word_match_uncached(word: str) -> tuple[list[IdSet], list[IdSet]]:
    """(the link id sets matching `word` on names, those matching it anywhere).

    On names: a party's name (in any language, or an institution's) or the link's own name.
    Anywhere adds the link's description.

    Each table is scanned at most once per word (names, institutions, links) and small results
    come back as ids, so every later query probes an index instead of scanning names again.
    """
    places = _ids_or_query(
        PlaceName.objects.filter(folded__contains=word).order_by().values_list("place_id", flat=True).distinct()
    )
    institutions = _ids_or_query(
        Institution.objects.filter(Q(place__in=places) | Q(folded__contains=word))
        .order_by()
        .values_list("pk", flat=True)
    )
    parties = Party.objects.filter(Q(place__in=places) | Q(institution__in=institutions))
    by_party = _ids_or_query(parties.order_by().values_list("link_id", flat=True).distinct())
    # The links' own names and descriptions: one scan, each match flagged by where it was found.
    in_name = Case(When(name__icontains=word, then=Value(1)), default=Value(0), output_field=IntegerField())
    own_text = (
        Link.objects.filter(HAS_OWN_TEXT)
        .filter(Q(name__icontains=word) | Q(description__icontains=word))
        .annotate(in_name=in_name)
    )
    found = list(own_text.order_by().values_list("pk", "in_name")[: MATERIALISE_AT_MOST + 1])
    if len(found) <= MATERIALISE_AT_MOST:
        by_name: IdSet = [pk for pk, named in found if named]
        described: IdSet = [pk for pk, _ in found]
    else:
        by_name = own_text.filter(in_name=1).values_list("pk", flat=True)
        described = own_text.values_list("pk", flat=True)
    return [by_party, by_name], [by_party, by_name, described]


def text_match(q: str) -> TextMatch:
    """The links matching the words of `q`, accent- and case-insensitively (see TextMatch)."""
    anywhere, on_names = Q(), Q()
    for word in fold(q).split():
        named, mentioned = _word_match(word)
        on_names &= _any_of(named)
        anywhere &= _any_of(mentioned)
    return TextMatch(anywhere, on_names)


def _any_of(id_sets: list[IdSet]) -> Q:
    """Links in any of `id_sets`: one list of ids when all are lists, else an OR of sub-selects."""
    if all(isinstance(ids, list) for ids in id_sets):
        return Q(pk__in=sorted({pk for ids in id_sets for pk in ids}))
    match = Q()
    for ids in id_sets:
        match |= Q(pk__in=ids)
    return match


def with_text_matched(search: LinkSearch) -> LinkSearch:
    """`search` carrying its text match, so that several queries of one page look the words up once."""
    if not search.q.strip() or search.text is not None:
        return search
    return replace(search, text=text_match(search.q))


def search_links(search: LinkSearch, today: dt.date | None = None) -> QuerySet[Link]:
    """Links matching `search`, annotated with `status_on_date` (on `as_of`, or today)."""
    on = search.as_of or today or dt.date.today()
    links = Link.objects.all()
    ordering: list = []
    if search.q.strip():
        text = search.text or text_match(search.q)
        links = links.filter(text.anywhere).alias(
            names_match=Case(When(text.on_names, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        ordering.append(F("names_match").desc())
    if search.country:
        links = links.filter(_with_party_in(search.country))
    if search.partner_country:
        if search.partner_country == search.country:
            # Both sides in one country (an intra-national link): at least two parties there.
            two_there = _parties_in(search.country).values("link_id").annotate(n=Count("pk")).filter(n__gte=2)
            links = links.filter(pk__in=two_there.values("link_id"))
        else:
            links = links.filter(_with_party_in(search.partner_country))
    if search.subdivision:
        links = links.filter(pk__in=Party.objects.filter(subdivision=search.subdivision).order_by().values("link_id"))
    if search.kind:
        links = links.filter(kind=search.kind)
    if search.purpose:
        links = links.filter(purposes__slug=search.purpose)
    if search.needs_verification:
        # Links an imported list stopped listing (imports.ListingGap), not yet listed again.
        flagged = Link.objects.filter(listings__gaps__isnull=False, listings__gaps__resolved_at__isnull=True)
        links = links.filter(pk__in=flagged.values("pk"))
    if search.health == "unknown":  # health.LinkHealth, kept by the health services and the daily refresh
        links = links.filter(Q(health__state="unknown") | Q(health__isnull=True))
    elif search.health:
        links = links.filter(health__state=search.health)
    began = Coalesce(F("first_contact"), F("agreement"))
    if search.year_from is not None:
        links = links.alias(began=began).filter(began__gte=dt.date(search.year_from, 1, 1))
    if search.year_to is not None:
        links = links.alias(began=began).filter(began__lte=dt.date(search.year_to, 12, 31))
    links = with_status_on(links, on)
    if search.status:
        links = links.filter(status_on_date__in=search.status)
    # Earliest first, undated last: Link.began_sort, read in order from its index.
    return links.order_by(*ordering, "began_sort", "pk")


def status_breakdown(search: LinkSearch, today: dt.date | None = None) -> list[tuple[str, int]]:
    """How many links matching `search` had each status on its date, most common first.

    One grouped query, kept until the registry changes (api.conditional.versioned_cache): over
    a million links, the counts of a broad search cost more than the rest of the page.
    """
    from api.conditional import versioned_cache  # the API builds on links, not the other way

    today = today or dt.date.today()

    def count() -> list[tuple[str, int]]:
        counts = search_links(search, today=today).order_by().values_list("status_on_date").annotate(n=Count("pk"))
        return sorted(counts, key=lambda pair: (-pair[1], pair[0]))

    return versioned_cache("status-breakdown", (replace(search, text=None), today), count)


# What a list of links shows of each party's place: fetching only these columns halves the cost
# of a page of rows (fewer values to convert, no timestamps).
LISTED_PLACE_FIELDS = ("id", "name", "kind", "country", "subdivision", "geonames_id")


def with_list_data(links: QuerySet[Link]) -> QuerySet[Link]:
    """Everything a list of links shows, fetched in a constant number of queries."""
    place_fields = [f"place__{name}" for name in LISTED_PLACE_FIELDS]
    parties = (
        Party.objects.select_related("place", "institution__place")
        .only(
            "link_id", "place_id", "institution_id", "role", "position", *place_fields,
            "institution__name", "institution__kind", "institution__place_id",
            *(f"institution__{name}" for name in place_fields),
        )
        .order_by("position", "id")
    )  # fmt: skip
    return links.prefetch_related(
        Prefetch("parties", queryset=parties),
        "purposes",
        *local_names_prefetch("parties__place", "parties__institution__place"),  # none in English
    ).annotate(health_state=Coalesce(F("health__state"), Value("unknown")))  # kept by health; not yet: unknown


def link_for_page(pk: int) -> Link:
    """One link with everything its page shows."""
    from associations.models import Association  # associations build on links, not the other way
    from sources.models import Citation

    citations = Citation.objects.select_related("source").order_by("id")
    return (
        Link.objects.select_related("parent")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=Party.objects.select_related("place", "institution__place").order_by("position", "id"),
            ),
            "purposes",
            Prefetch(
                "events",
                queryset=StatusEvent.objects.order_by("date", "sequence", "id").prefetch_related(
                    Prefetch("citations", queryset=citations)
                ),
            ),
            Prefetch("citations", queryset=citations),
            "listings__first_source",
            "listings__last_source",
            "listings__gaps__source",
            Prefetch("sub_links", queryset=with_list_data(with_status_on(Link.objects.all(), dt.date.today()))),
            Prefetch("associations", queryset=Association.objects.filter(removed=False).only("id", "name")),
            *local_names_prefetch("parties__place", "parties__institution__place"),  # none in English
        )
        .get(pk=pk)
    )


def timeline(link: Link) -> list[tuple[PartialDate, str, StatusEvent]]:
    """The link's events oldest first, each with a label that says what happened.

    An 'active' event after a pause or an end reads 'Reinstated'; the first 'active'
    reads 'Active'; a 'record' category reads 'Reported active' and so on.
    """
    rows = []
    previous: str | None = None
    for event in _events_in_order(link):
        label = event.get_status_display().capitalize()
        if event.status == LinkStatus.ACTIVE and previous in (LinkStatus.PAUSED, LinkStatus.ENDED):
            label = gettext("Reinstated")
        elif event.category == "record":
            label = gettext("Reported %(status)s") % {"status": event.get_status_display()}
        rows.append((event.when, label, event))
        previous = event.resulting_status
    return rows
