"""Statistics of the links of one country: who their partners are, what kind, how old, and what became of them.

`link_statistics()` is what the statistics page, its CSV downloads and the API read. It takes the
search page's filters (a LinkSearch) and a country, and counts in the database: a small, constant
number of grouped queries whatever the size of the registry, never a loop over links.

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
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils.text import slugify

from links.models import Link, LinkKind, LinkStatus, Party, StatusEvent
from links.selectors import UNKNOWN, LinkSearch, search_links, with_status_on
from places.geography import country_name
from stats.geography import continent_name, countries_by_continent, country_phrase
from stats.income_groups import FISCAL_YEAR, GROUPS, NOT_CLASSIFIED, countries_in_group

NOT_RECORDED = "not recorded"

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
    return NOT_RECORDED if status == UNKNOWN else LinkStatus(status).label


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
            "shares": [{"key": code, "label": country_name(code), "share": share} for code, share in self.shares.items()],
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
        return country_name(self.country)

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


def _party_country() -> Coalesce:
    return Coalesce(F("place__country"), F("institution__place__country"))


def home_links(search: LinkSearch, country: str, today: dt.date) -> QuerySet[Link]:
    """Links matching `search` that have a party in `country`, unordered, with `status_on_date`."""
    if search.country and search.country != country:
        # Two countries asked for: links with a party in each (the chosen one and the filter's).
        in_country = search_links(LinkSearch(country=country), today=today).order_by().values("pk")
        links = search_links(search, today=today).filter(pk__in=in_country)
    else:
        links = search_links(replace(search, country=country), today=today)
    return links.order_by()


def partner_parties(link_ids: QuerySet, country: str) -> QuerySet[Party]:
    """The partner parties of the links `link_ids`, annotated with `partner_country`.

    Parties outside `country`, and the parties inside it of a link with two or more there.
    """
    home_twice = (
        Party.objects.annotate(party_country=_party_country())
        .filter(party_country=country)
        .values("link")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .values("link")
    )
    return (
        Party.objects.filter(link__in=link_ids)
        .annotate(partner_country=_party_country())
        .filter(~Q(partner_country=country) | Q(link__in=home_twice))
    )


def _group_case(groups: dict[str, list[str]], default: str) -> Case:
    """A CASE that names each partner's group (continent, income group) from its country code."""
    return Case(
        *[When(partner_country__in=codes, then=Value(group)) for group, codes in groups.items()],
        default=Value(default),
        output_field=CharField(),
    )


def _partners_by_country(partners: QuerySet[Party], country: str) -> Section:
    counts = partners.values("partner_country").annotate(n=Count("link", distinct=True))
    rows = [
        Row(code, country_name(code) + (" (within the country)" if code == country else ""), n)
        for code, n in ((item["partner_country"], item["n"]) for item in counts)
    ]
    rows.sort(key=lambda row: (-row.count, row.label))
    return Section(
        "partners_by_country",
        "Partners by country",
        "Partner country",
        rows,
        note="A link with partners in several countries counts once for each; shares can add up to more than 100%.",
    )


def _partners_by_continent(partners: QuerySet[Party]) -> Section:
    counts = (
        partners.annotate(continent=_group_case(countries_by_continent(), "??"))
        .values("continent")
        .annotate(n=Count("link", distinct=True))
    )
    rows = [Row(item["continent"], continent_name(item["continent"]), item["n"]) for item in counts]
    rows.sort(key=lambda row: (-row.count, row.label))
    return Section(
        "partners_by_continent",
        "Partners by continent",
        "Partner's continent",
        rows,
        note="Continents as GeoNames assigns countries to them (Russia and Türkiye count as Europe, "
        "Egypt as Africa, Mexico and the Caribbean as North America).",
    )


def _partners_by_income(partners: QuerySet[Party]) -> Section:
    counts = dict(
        partners.annotate(income_group=_group_case(countries_in_group(), NOT_CLASSIFIED))
        .values_list("income_group")
        .annotate(n=Count("link", distinct=True))
    )
    rows = [
        Row(slugify(group), group, counts[group]) for group in [*GROUPS, NOT_CLASSIFIED] if counts.get(group)
    ]
    return Section(
        "partners_by_income_group",
        "Partners by World Bank income group",
        "Partner country's income group",
        rows,
        note=f"The World Bank's classification of economies for {FISCAL_YEAR} (from 2023 income per head), "
        "poorest first. Venezuela, and territories the World Bank does not list, are not classified.",
    )


def _kinds_and_purposes(links: QuerySet[Link], link_ids: QuerySet) -> tuple[Section, Section]:
    through = Link.purposes.through
    has_purpose = Exists(through.objects.filter(link=OuterRef("pk")))
    kinds: Counter[str] = Counter()
    without_purpose = 0
    for item in links.values("kind", has_purpose=has_purpose).annotate(n=Count("pk")):
        kinds[item["kind"]] += item["n"]
        if not item["has_purpose"]:
            without_purpose += item["n"]
    kind_rows = [Row(kind, LinkKind(kind).label, n) for kind, n in kinds.items()]
    kind_rows.sort(key=lambda row: (-row.count, row.label))

    purposes = (
        through.objects.filter(link__in=link_ids)
        .values("purpose__slug", "purpose__name")
        .annotate(n=Count("link", distinct=True))
    )
    purpose_rows = [Row(item["purpose__slug"], item["purpose__name"], item["n"]) for item in purposes]
    purpose_rows.sort(key=lambda row: (-row.count, row.label))
    if without_purpose:
        purpose_rows.append(Row("none", "Purpose not recorded", without_purpose))
    return (
        Section("by_kind", "Links by kind", "Kind of link", kind_rows),
        Section(
            "by_purpose",
            "Links by purpose",
            "Purpose",
            purpose_rows,
            note="A link can serve several purposes; shares can add up to more than 100%.",
        ),
    )


def _by_decade(links: QuerySet[Link]) -> Section:
    years = links.values(year=ExtractYear(Coalesce(F("first_contact"), F("agreement")))).annotate(n=Count("pk"))
    decades: Counter[int | None] = Counter()
    for item in years:
        year = item["year"]
        decades[None if year is None else int(year) // 10 * 10] += item["n"]
    rows = [Row(str(decade), f"{decade}s", decades[decade]) for decade in sorted(d for d in decades if d is not None)]
    if decades.get(None):
        rows.append(Row("unknown", "Date not recorded", decades[None]))
    return Section(
        "by_decade",
        "Links by decade founded",
        "Decade founded",
        rows,
        note="The decade of the first contact the sources record, or else of the agreement.",
    )


def _status_sections(
    links: QuerySet[Link], search: LinkSearch, today: dt.date
) -> tuple[int, dict[str, int], Section, Section | None]:
    """Total, status today, and (when the search asks about another date) status on that date: one query."""
    on_other_date = search.as_of is not None and search.as_of != today
    fields = ["status_on_date"]
    if on_other_date:
        links = with_status_on(links, today, name="status_today")
        fields.append("status_today")
    today_counts: Counter[str] = Counter()
    on_counts: Counter[str] = Counter()
    for item in links.values(*fields).annotate(n=Count("pk")):
        today_counts[item["status_today" if on_other_date else "status_on_date"]] += item["n"]
        on_counts[item["status_on_date"]] += item["n"]

    def rows(counts: Counter[str]) -> list[Row]:
        return [Row(s, status_label(s), counts[s]) for s in [*STATUS_ORDER, UNKNOWN] if counts.get(s)]

    explained = (
        "Each link's status comes from its latest dated decision; 'not recorded' means no status has been "
        "recorded for it yet."
    )
    today_section = Section("status_today", "Status today", "Status today", rows(today_counts), note=explained)
    on_section = None
    if on_other_date:
        on_section = Section(
            "status_on_date",
            f"Status on {search.as_of.day} {search.as_of:%B %Y}",
            f"Status on {search.as_of.isoformat()}",
            rows(on_counts),
            note=explained,
        )
    return sum(today_counts.values()), dict(today_counts), today_section, on_section


def _status_changes(link_ids: QuerySet) -> Section:
    counts = (
        StatusEvent.objects.filter(link__in=link_ids)
        .values("status", year=ExtractYear("date"))
        .annotate(n=Count("pk"))
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
    note = "Every dated status decision or report recorded for these links, by the year it took effect."
    if stops:
        year, n = max(stops.items(), key=lambda pair: (pair[1], pair[0]))
        note += f" The most pauses and ends in one year: {n} in {year}."
    return Section(
        "status_changes",
        "Status changes over time",
        "Year",
        rows,
        note=note,
        chart="columns",
        shares=False,
    )


def _top_places(link_ids: QuerySet) -> Section:
    counts = (
        Party.objects.filter(link__in=link_ids)
        .values(
            place_pk=Coalesce(F("place"), F("institution__place")),
            place_name=Coalesce(F("place__name"), F("institution__place__name")),
            place_country=_party_country(),
        )
        .annotate(n=Count("link", distinct=True))
        .order_by("-n", "place_name", "place_pk")[:TOP_PLACES]
    )
    rows = [
        Row(
            str(item["place_pk"]),
            f"{item['place_name']} ({country_name(item['place_country'])})",
            item["n"],
            url=reverse("places:detail", kwargs={"pk": item["place_pk"], "slug": slugify(item["place_name"]) or "place"}),
        )
        for item in counts
    ]
    return Section(
        "top_places",
        f"Top {TOP_PLACES} places by number of links",
        "Place",
        rows,
        note="Places on either side of these links (an institution counts for its place).",
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
        title="LGIB stock-take, 2006",
        summary="Over 2,000 formal UK twinning links: 50% with France, 23% with Germany.",
        quote=LGIB_QUOTE,
        cited_in=(
            report.title
            if report
            else "Moving Forward Together: Refreshing and Revitalising our Understanding of UK Twinning "
            "and Friendship Links in the 21st Century"
        )
        + ", citing S. Handley, Take Your Partners (Local Government International Bureau, 2006)",
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
    "status_changes",
    "top_places",
]


def link_statistics(
    search: LinkSearch,
    country: str = "GB",
    today: dt.date | None = None,
    sections: Iterable[str] | None = None,
) -> LinkStatistics:
    """Statistics of the links of `country` that match `search` (see the module's docstring).

    `sections` limits the work to the named sections (a CSV download needs one); the totals are
    always counted. "status_on_date" is present only when the search asks about a date other than
    today. About ten queries for everything, whatever the number of links.
    """
    today = today or dt.date.today()
    country = country.upper()
    wanted = set(SECTIONS if sections is None else sections)
    if wanted - set(SECTIONS):
        raise ValueError(f"Unknown statistics section(s): {sorted(wanted - set(SECTIONS))}.")
    links = home_links(search, country, today)
    link_ids = links.values("pk")

    total, status_today, today_section, on_section = _status_sections(links, search, today)
    built: dict[str, Section | None] = {"status_today": today_section, "status_on_date": on_section}
    partner_countries = None
    partners = partner_parties(link_ids, country)
    if "partners_by_country" in wanted:
        built["partners_by_country"] = _partners_by_country(partners, country)
        partner_countries = len(built["partners_by_country"].rows)
    if "partners_by_continent" in wanted:
        built["partners_by_continent"] = _partners_by_continent(partners)
    if "partners_by_income_group" in wanted:
        built["partners_by_income_group"] = _partners_by_income(partners)
    if wanted & {"by_kind", "by_purpose"}:
        built["by_kind"], built["by_purpose"] = _kinds_and_purposes(links, link_ids)
    if "by_decade" in wanted:
        built["by_decade"] = _by_decade(links)
    if "status_changes" in wanted:
        built["status_changes"] = _status_changes(link_ids)
    if "top_places" in wanted:
        built["top_places"] = _top_places(link_ids)

    return LinkStatistics(
        country=country,
        today=today,
        as_of=search.as_of,
        links=total,
        status_today=status_today,
        partner_countries=partner_countries,
        sections={slug: built[slug] for slug in SECTIONS if slug in wanted and built.get(slug) is not None},
        reference=_lgib_reference() if country == "GB" and "partners_by_country" in wanted else None,
    )
