"""Statistics of the links of one country: who their partners are, what kind, how old, and what became of them.

`link_statistics()` is what the statistics page, its CSV downloads and the API read. It takes the
search page's filters (a LinkSearch) and a country, and counts in the database: a small, constant
number of grouped queries whatever the size of the registry, never a loop over the links.

Words used here:

- the *home links* are the links matching the search (every filter, including status on a date)
  that have a party in the chosen country;
- a link's *partners* are its other parties: those outside the country, and, for a link with two or
  more parties inside it (an intra-national link), those too. So a UK link with a French town counts
  once for France, and a link between two UK towns counts once for the UK itself;
- a party's country is its place's, or for an institution, its place's.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy

from core.partial_dates import long_date, short_date
from links.models import Link, LinkKind, LinkStatus, Party, StatusEvent
from links.purposes import purpose_name
from links.selectors import UNKNOWN, LinkSearch, search_links, with_status_on, with_text_matched
from places.geography import country_label
from places.local_names import local_name, local_names_prefetch
from places.models import Place
from stats.geography import continent_name, continent_of, country_phrase
from stats.income_groups import FISCAL_YEAR, GROUP_LABELS, GROUPS, NOT_CLASSIFIED, income_group

NOT_RECORDED = gettext_lazy("not recorded")

# The order statuses are listed in: as a link is today, then as decisions change it.
STATUS_ORDER = [LinkStatus.ACTIVE.value, LinkStatus.PAUSED.value, LinkStatus.ENDED.value, LinkStatus.PROPOSED.value]
EVENT_ORDER = [
    LinkStatus.PROPOSED.value,
    LinkStatus.ACTIVE.value,
    LinkStatus.REAFFIRMED.value,
    LinkStatus.PAUSED.value,
    LinkStatus.ENDED.value,
]
TOP_PLACES = 20


def status_label(status: str) -> str:
    return str(NOT_RECORDED if status == UNKNOWN else LinkStatus(status).label)


def _sentence(text: str) -> str:
    """Capitalise the first letter ("active" becomes "Active"): labels that start a table row."""
    text = str(text)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Row:
    """One line of a section: what is counted (key and label) and how many links."""

    key: str
    label: str
    count: int
    # Two-dimensional sections (status changes by year) name the second dimension here.
    series: str = ""
    # Where the row's subject has a page of its own (a place).
    url: str = ""

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"key": self.key, "label": self.label, "count": self.count}
        if self.series:
            data["series"] = self.series
        if self.url:
            data["url"] = self.url
        return data


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    item_heading: str  # the table's first column: "Partner country", "Decade founded" ...
    rows: list[Row]
    note: str = ""
    # "bars" (horizontal, one bar per row) or "columns" (one stacked column per year).
    chart: str = "bars"
    # Whether each row's count is a share of all the links (for a % column).
    shares: bool = True

    def search_params(self, row: Row) -> dict[str, str] | None:
        """The search filters that list exactly the links a row counts, or None if no filter does."""
        if self.slug == "partners_by_country":
            return {"partner_country": row.key}
        if self.slug == "by_kind":
            return {"kind": row.key}
        if self.slug == "by_purpose" and row.key != "none":
            return {"purpose": row.key}
        if self.slug == "status_today":
            return {"status": row.key, "as_of": ""}
        if self.slug == "status_on_date":
            return {"status": row.key}
        if self.slug == "by_health":
            return {"health": row.key}
        if self.slug == "by_decade" and row.key.isdigit():
            return {"year_from": row.key, "year_to": str(int(row.key) + 9)}
        return None

    def as_rows(self) -> list[dict[str, object]]:
        return [row.as_dict() for row in self.rows]


@dataclass(frozen=True)
class Reference:
    """Published figures to read the registry's numbers against (the LGIB's 2006 stock-take of UK links)."""

    title: str
    summary: str
    quote: str
    cited_in: str
    shares: dict[str, float]  # country code: share of links (0.5 for 50%)
    source_url: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "title": self.title,
            "summary": self.summary,
            "quote": self.quote,
            "cited_in": self.cited_in,
            "source_url": self.source_url,
            "shares": [
                {"key": code, "label": country_label(code), "share": share} for code, share in self.shares.items()
            ],
        }


@dataclass
class LinkStatistics:
    country: str
    today: dt.date
    as_of: dt.date | None
    links: int
    status_today: dict[str, int]
    partner_countries: int | None
    sections: dict[str, Section] = field(default_factory=dict)
    reference: Reference | None = None

    @property
    def country_name(self) -> str:
        return country_label(self.country)

    @property
    def country_phrase(self) -> str:
        return country_phrase(self.country)

    @property
    def totals(self) -> dict[str, int | None]:
        return {
            "links": self.links,
            "active": self.status_today.get(LinkStatus.ACTIVE, 0),
            "paused": self.status_today.get(LinkStatus.PAUSED, 0),
            "ended": self.status_today.get(LinkStatus.ENDED, 0),
            "proposed": self.status_today.get(LinkStatus.PROPOSED, 0),
            "status_not_recorded": self.status_today.get(UNKNOWN, 0),
            "partner_countries": self.partner_countries,
        }

    def as_dict(self) -> dict[str, object]:
        """Plain, JSON-ready data: what the API returns."""
        return {
            "country": self.country,
            "country_name": self.country_name,
            "today": self.today.isoformat(),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "totals": self.totals,
            "sections": {slug: section.as_rows() for slug, section in self.sections.items()},
            "reference": self.reference.as_dict() if self.reference else None,
        }


# ---------------------------------------------------------------- the queries


def home_links(search: LinkSearch, country: str, today: dt.date) -> QuerySet[Link]:
    """Links matching `search` that have a party in `country`, unordered, with `status_on_date`.

    Every filter is links.selectors.search_links's. The page's country chooser and the search's
    "a party in country" are one URL parameter; an API caller may give both, and then the links
    need a party in each.
    """
    if not search.country:
        search = replace(search, country=country)
    links = search_links(search, today=today)
    if search.country != country:
        in_country = search_links(LinkSearch(country=country), today=today).order_by().values("pk")
        links = links.filter(pk__in=in_country)
    return links.order_by()


# Up to this many links, their ids are handed to the next queries as a list (found by one small
# query) rather than as a sub-select that every one of them would evaluate again.
MATERIALISE_AT_MOST = 1000


def partner_parties(link_ids: QuerySet | list[int], country: str, intra_national: QuerySet | list[int]) -> QuerySet:
    """The partner parties of the links `link_ids`, annotated with `partner_country`.

    Parties outside `country`, and all the parties of the `intra_national` links (those with two
    or more parties in `country`: each is the other's partner).
    """
    parties = Party.objects.filter(link__in=link_ids).annotate(partner_country=F("country"))
    outside = ~Q(partner_country=country)
    return parties.filter(outside | Q(link__in=intra_national) if intra_national else outside)


def _ids(links: QuerySet) -> QuerySet | list[int]:
    """The ids of `links` as a list when there are at most MATERIALISE_AT_MOST, else the query itself.

    Every later query then reads the list instead of filtering the registry again, and the
    database plans it knowing how many links there are (PostgreSQL otherwise guesses "one" for a
    status-on-date filter and picks nested loops over every party).
    """
    ids = list(links.values_list("pk", flat=True)[: MATERIALISE_AT_MOST + 1])
    return ids if len(ids) <= MATERIALISE_AT_MOST else links


def _unusual_links(link_ids: QuerySet | list[int], country: str) -> tuple[QuerySet | list[int], QuerySet | list[int]]:
    """(intra-national links, links of three or more parties) among `link_ids`: one grouped query.

    Both are few in any registry, so both come back as lists of ids, unless there are more than
    MATERIALISE_AT_MOST of them, when they stay sub-selects.
    """
    in_country = Q(country=country)
    shapes = (
        Party.objects.filter(link__in=link_ids)
        .values("link")
        .annotate(parties=Count("pk"), in_country=Count("pk", filter=in_country))
        .filter(Q(parties__gte=3) | Q(in_country__gte=2))
        .order_by()
    )
    rows = list(shapes.values_list("link", "parties", "in_country")[: MATERIALISE_AT_MOST + 1])
    if len(rows) > MATERIALISE_AT_MOST:
        return shapes.filter(in_country__gte=2).values("link"), shapes.filter(parties__gte=3).values("link")
    return [link for link, _, home in rows if home >= 2], [link for link, parties, _ in rows if parties >= 3]


def _partner_counts(link_ids: QuerySet | list[int], country: str) -> tuple[dict[str, int], dict[int, set[str]]]:
    """({partner country: links}, {link: its partner countries} for links with partners in several countries).

    Only a link with three or more parties can have partners in two countries (a two-party link
    of the country has one partner), so the last query reads only those few links. With both,
    a group of countries (a continent, an income group) can be counted exactly, each link once,
    without another pass over every partner.
    """
    intra_national, three_or_more = _unusual_links(link_ids, country)
    partners = partner_parties(link_ids, country, intra_national)
    by_country = dict(partners.values_list("partner_country").annotate(n=Count("link", distinct=True)))
    several: dict[int, set[str]] = {}
    if three_or_more:
        rows = partner_parties(three_or_more, country, intra_national).order_by().values_list("link", "partner_country")
        for link, partner in rows:
            several.setdefault(link, set()).add(partner)
    return by_country, {link: countries for link, countries in several.items() if len(countries) > 1}


def _links_per_group(
    by_country: dict[str, int], several: dict[int, set[str]], group_of: Callable[[str], str]
) -> Counter[str]:
    """Links per group of countries: the sum over its countries, less the links counted twice in it."""
    counts: Counter[str] = Counter()
    for country, n in by_country.items():
        counts[group_of(country)] += n
    for countries in several.values():
        for group, in_group in Counter(group_of(country) for country in countries).items():
            counts[group] -= in_group - 1
    return counts


def _partners_by_country(by_country: dict[str, int], country: str) -> Section:
    within = gettext("%(country)s (within the country)")
    rows = [
        Row(code, within % {"country": country_label(code)} if code == country else country_label(code), n)
        for code, n in by_country.items()
    ]
    rows.sort(key=lambda row: (-row.count, row.label))
    return Section(
        "partners_by_country",
        gettext("Partners by country"),
        gettext("Partner country"),
        rows,
        note=gettext(
            "A link with partners in several countries counts once for each; shares can add up to more than 100%."
        ),
    )


def _partners_by_continent(by_country: dict[str, int], several: dict[int, set[str]]) -> Section:
    counts = _links_per_group(by_country, several, continent_of)
    rows = [Row(code, continent_name(code), n) for code, n in counts.items() if n]
    rows.sort(key=lambda row: (-row.count, row.label))
    return Section(
        "partners_by_continent",
        gettext("Partners by continent"),
        gettext("Partner's continent"),
        rows,
        note=gettext(
            "Continents as GeoNames assigns countries to them (Russia and Türkiye count as Europe, "
            "Egypt as Africa, Mexico and the Caribbean as North America)."
        ),
    )


def _partners_by_income_group(by_country: dict[str, int], several: dict[int, set[str]]) -> Section:
    counts = _links_per_group(by_country, several, income_group)
    rows = [
        Row(slugify(group), str(GROUP_LABELS[group]), counts[group])
        for group in [*GROUPS, NOT_CLASSIFIED]
        if counts.get(group)
    ]
    return Section(
        "partners_by_income_group",
        gettext("Partners by World Bank income group"),
        gettext("Partner country's income group"),
        rows,
        note=gettext(
            "The World Bank's classification of economies for %(year)s (from 2023 income per head), "
            "poorest first. Venezuela, and territories the World Bank does not list, are not classified."
        )
        % {"year": FISCAL_YEAR},
    )


@dataclass
class _LinkFacts:
    """Counts of the home links by status (today, and on the search's date), kind, purpose recorded, year begun."""

    total: int = 0
    status_today: Counter[str] = field(default_factory=Counter)
    status_on_date: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    without_purpose: int = 0
    decades: Counter[int | None] = field(default_factory=Counter)


def _link_facts(links: QuerySet[Link], search: LinkSearch, today: dt.date) -> _LinkFacts:
    """One grouped query: a few hundred rows at most (statuses x kinds x decades), however many links."""
    on_other_date = search.as_of is not None and search.as_of != today
    if on_other_date:
        links = with_status_on(links, today, name="status_today")
    has_purpose = Exists(Link.purposes.through.objects.filter(link=OuterRef("pk")))
    year = ExtractYear(Coalesce(F("first_contact"), F("agreement")))
    groups = ["status_on_date", "kind"] + (["status_today"] if on_other_date else [])
    facts = _LinkFacts()
    for item in links.values(*groups, has_purpose=has_purpose, year=year).annotate(n=Count("pk")):
        n = item["n"]
        facts.total += n
        facts.status_on_date[item["status_on_date"]] += n
        facts.status_today[item["status_today" if on_other_date else "status_on_date"]] += n
        facts.kinds[item["kind"]] += n
        if not item["has_purpose"]:
            facts.without_purpose += n
        facts.decades[None if item["year"] is None else int(item["year"]) // 10 * 10] += n
    return facts


def _by_kind(facts: _LinkFacts) -> Section:
    rows = sorted(
        (Row(kind, _sentence(LinkKind(kind).label), n) for kind, n in facts.kinds.items()),
        key=lambda r: (-r.count, r.label),
    )
    return Section("by_kind", gettext("Links by kind"), gettext("Kind of link"), rows)


def _by_purpose(link_ids: QuerySet | list[int], facts: _LinkFacts) -> Section:
    purposes = (
        Link.purposes.through.objects.filter(link__in=link_ids)
        .values("purpose__slug", "purpose__name")
        .annotate(n=Count("link", distinct=True))
    )
    rows = [Row(item["purpose__slug"], purpose_name(item["purpose__name"]), item["n"])
            for item in purposes]  # fmt: skip
    rows.sort(key=lambda row: (-row.count, row.label))
    if facts.without_purpose:
        rows.append(Row("none", gettext("Purpose not recorded"), facts.without_purpose))
    return Section(
        "by_purpose",
        gettext("Links by purpose"),
        gettext("Purpose"),
        rows,
        note=gettext("A link can serve several purposes; shares can add up to more than 100%."),
    )


def _by_decade(facts: _LinkFacts) -> Section:
    decades = facts.decades
    rows = [
        Row(str(decade), gettext("%(decade)ss") % {"decade": decade}, decades[decade])
        for decade in sorted(d for d in decades if d is not None)
    ]
    if decades.get(None):
        rows.append(Row("unknown", gettext("Date not recorded"), decades[None]))
    return Section(
        "by_decade",
        gettext("Links by decade founded"),
        gettext("Decade founded"),
        rows,
        note=gettext("The decade of the first contact the sources record, or else of the agreement."),
    )


STATUS_NOTE = gettext_lazy(
    "Each link's status comes from its latest dated decision; 'not recorded' means no status has been "
    "recorded for it yet."
)


def _status_rows(counts: Counter[str]) -> list[Row]:
    return [Row(s, _sentence(status_label(s)), counts[s]) for s in [*STATUS_ORDER, UNKNOWN] if counts.get(s)]


def _status_today(facts: _LinkFacts) -> Section:
    return Section(
        "status_today",
        gettext("Status today"),
        gettext("Status today"),
        _status_rows(facts.status_today),
        note=str(STATUS_NOTE),
    )


def _status_on_date(facts: _LinkFacts, on: dt.date) -> Section:
    return Section(
        "status_on_date",
        gettext("Status on %(date)s") % {"date": long_date(on)},
        gettext("Status on %(date)s") % {"date": short_date(on)},
        _status_rows(facts.status_on_date),
        note=str(STATUS_NOTE),
    )


HEALTH_NOTE = gettext_lazy(
    "Health says whether anything still happens on a link, from its recorded activities and from people who "
    "verified it, apart from its decided status: active (a sign of life within two years), quiet (two to five "
    "years ago, or activities falling), dormant (nothing for five years, unanswered requests, or said to be "
    "paused or ended), unknown (no activity recorded and never verified). It is worked out daily, for today."
)


def _by_health(link_ids: QuerySet | list[int], total: int) -> Section:
    """The home links by health (health.LinkHealth); links whose health was never worked out count as unknown."""
    from health.models import HealthState, LinkHealth

    counts: Counter[str] = Counter(
        dict(LinkHealth.objects.filter(link__in=link_ids).order_by().values_list("state").annotate(n=Count("pk")))
    )
    counts[HealthState.UNKNOWN] += total - sum(counts.values())
    rows = [Row(state.value, _sentence(state.label), counts[state]) for state in HealthState if counts.get(state)]
    return Section("by_health", gettext("Health today"), gettext("Health"), rows, note=str(HEALTH_NOTE))


def _status_changes(link_ids: QuerySet | list[int]) -> Section:
    counts = (
        StatusEvent.objects.filter(link__in=link_ids).values("status", year=ExtractYear("date")).annotate(n=Count("pk"))
    )
    order = {status: i for i, status in enumerate(EVENT_ORDER)}
    rows = sorted(
        (Row(str(int(item["year"])), str(int(item["year"])), item["n"], series=item["status"]) for item in counts),
        key=lambda row: (int(row.key), order.get(row.series, 99)),
    )
    stops: Counter[str] = Counter()
    for row in rows:
        if row.series in (LinkStatus.PAUSED, LinkStatus.ENDED):
            stops[row.key] += row.count
    note = gettext("Every dated status decision or report recorded for these links, by the year it took effect.")
    if stops:
        year, n = max(stops.items(), key=lambda pair: (pair[1], pair[0]))
        note += " " + gettext("The most pauses and ends in one year: %(count)s in %(year)s.") % {
            "count": number_format(n, force_grouping=True),
            "year": year,
        }
    return Section(
        "status_changes",
        gettext("Status changes over time"),
        gettext("Year"),
        rows,
        note=note,
        chart="columns",
        shares=False,
    )


def _top_places(link_ids: QuerySet | list[int]) -> Section:
    """The places with most of these links: grouped by place id, then the names of those twenty (two queries)."""
    top = list(
        Party.objects.filter(link__in=link_ids)
        .values(place_pk=Coalesce(F("place"), F("institution__place")))
        .annotate(n=Count("link", distinct=True))
        .order_by("-n", "place_pk")[:TOP_PLACES]
    )
    places = (
        Place.objects.only("name", "country")
        .prefetch_related(*local_names_prefetch(""))  # the names in the reader's language, if not English
        .in_bulk([item["place_pk"] for item in top])
    )
    rows = [
        Row(
            str(place.pk),
            f"{local_name(place)} ({country_label(place.country)})",
            item["n"],
            url=reverse("places:detail", kwargs={"pk": place.pk, "slug": slugify(place.name) or "place"}),
        )
        for item in top
        for place in [places[item["place_pk"]]]
    ]
    rows.sort(key=lambda row: (-row.count, row.label))
    return Section(
        "top_places",
        gettext("Top %(count)s places by number of links") % {"count": TOP_PLACES},
        gettext("Place"),
        rows,
        note=gettext(
            "Places on either side of these links (an institution counts for its place). Where several "
            "places have as many links as the twentieth, the first by registry number are shown."
        ),
        shares=False,
    )


LGIB_QUOTE = (
    "As of 2006, the LGIB counted over 2,000 formal twinning links that had been established in the UK. "
    "Fifty percent of these were with towns and communities in France and 23% were with counterparts in Germany."
)
REPORT_TITLE = "Moving Forward Together"


def _lgib_reference() -> Reference:
    from sources.models import Source

    report = Source.objects.filter(title__startswith=REPORT_TITLE).order_by("pk").first()
    return Reference(
        title=gettext("LGIB stock-take, 2006"),
        summary=gettext("Over 2,000 formal UK twinning links: 50% with France, 23% with Germany."),
        quote=LGIB_QUOTE,
        cited_in=(
            report.title
            if report
            else "Moving Forward Together: Refreshing and Revitalising our Understanding of UK Twinning "
            "and Friendship Links in the 21st Century"
        )
        + gettext(", citing S. Handley, Take Your Partners (Local Government International Bureau, 2006)"),
        shares={"FR": 0.50, "DE": 0.23},
        source_url=report.get_absolute_url() if report else "",
    )


# Every section, in the order the page shows them.
SECTIONS = [
    "partners_by_country",
    "partners_by_continent",
    "partners_by_income_group",
    "by_kind",
    "by_purpose",
    "by_decade",
    "status_today",
    "status_on_date",
    "by_health",
    "status_changes",
    "top_places",
]


def link_statistics(
    search: LinkSearch,
    country: str = "GB",
    today: dt.date | None = None,
    sections: Iterable[str] | None = None,
) -> LinkStatistics:
    """Statistics of the links of `country` that match `search`, computed once per version of the registry.

    Kept in the cache under the registry's data version (api.conditional: the newest change
    record and import run, and the date). Every write records a change record, so a write makes
    the next request compute afresh: the figures are never older than the data.
    """
    from api.conditional import versioned_cache

    today = today or dt.date.today()
    wanted = tuple(SECTIONS if sections is None else sorted(set(sections)))
    filters = replace(search, text=None)  # every URL filter; not the looked-up text matches
    return versioned_cache(
        "stats",
        (filters, country.upper(), today, wanted, translation.get_language()),  # labels are in the language
        lambda: compute_link_statistics(search, country, today, wanted),
    )


def compute_link_statistics(
    search: LinkSearch,
    country: str = "GB",
    today: dt.date | None = None,
    sections: Iterable[str] | None = None,
) -> LinkStatistics:
    """Statistics of the links of `country` that match `search` (see the module's docstring).

    `sections` limits the work to the named sections (a CSV download needs one); the totals are
    always counted. "status_on_date" is present only when the search asks about a date other than
    today. Nine or ten queries for everything (and one for the LGIB figures' source), whatever the
    number of links: the only rows handled one by one in Python are grouped counts, and the
    partners of the few links with partners in several countries.
    """
    today = today or dt.date.today()
    country = country.upper()
    wanted = set(SECTIONS if sections is None else sections)
    if wanted - set(SECTIONS):
        raise ValueError(f"Unknown statistics section(s): {sorted(wanted - set(SECTIONS))}.")
    links = home_links(with_text_matched(search), country, today)
    link_ids = _ids(links.values("pk"))
    facts = _link_facts(links, search, today)

    built: dict[str, Section] = {}
    partner_countries = None
    if wanted & {"partners_by_country", "partners_by_continent", "partners_by_income_group"}:
        by_country, several = _partner_counts(link_ids, country)
        partner_countries = len(by_country)
        built["partners_by_country"] = _partners_by_country(by_country, country)
        built["partners_by_continent"] = _partners_by_continent(by_country, several)
        built["partners_by_income_group"] = _partners_by_income_group(by_country, several)
    built["by_kind"] = _by_kind(facts)
    if "by_purpose" in wanted:
        built["by_purpose"] = _by_purpose(link_ids, facts)
    built["by_decade"] = _by_decade(facts)
    built["status_today"] = _status_today(facts)
    if search.as_of is not None and search.as_of != today:
        built["status_on_date"] = _status_on_date(facts, search.as_of)
    if "by_health" in wanted:
        built["by_health"] = _by_health(link_ids, facts.total)
    if "status_changes" in wanted:
        built["status_changes"] = _status_changes(link_ids)
    if "top_places" in wanted:
        built["top_places"] = _top_places(link_ids)

    return LinkStatistics(
        country=country,
        today=today,
        as_of=search.as_of,
        links=facts.total,
        status_today=dict(facts.status_today),
        partner_countries=partner_countries,
        sections={slug: built[slug] for slug in SECTIONS if slug in wanted and slug in built},
        reference=_lgib_reference() if country == "GB" and "partners_by_country" in wanted else None,
    )
