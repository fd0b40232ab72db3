"""The map page (/map: where a country's links lead) and its CSV, and the map on a place's page.

Thin: places.map_selectors reads, places.maps draws. Every map is an SVG drawn here, on the
server, over the gazetteer's dots (no tile server, no JavaScript), and its data is a table
beside it: the map page's table and CSV list exactly the places and counts its dots show.

Why in the places app: the maps show places (their coordinates, from places and the gazetteer)
and link to place pages, and the place page draws one; a separate app would only import these.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, ngettext

from api.conditional import registry_cached_page
from api.exports import site_url
from core.spreadsheets import safe_cell
from places.forms import CountryMapForm
from places.local_names import local_name
from places.map_selectors import CountryPartners, Partner, country_partners, place_partners
from places.maps import Dot, Line, background, count_radius, great_circle, map_svg, project, view_around
from places.models import Place
from stats.geography import country_phrase  # "the UK", "du Royaume-Uni": the statistics page's wording


def _count(n: int) -> str:
    """A count as the language writes it (1,234 or 1 234); below 1,000 there is nothing to group."""
    return str(n) if -1000 < n < 1000 else number_format(n, force_grouping=True)


def _partner_label(partner: Partner) -> str:
    """A dot's name on the map: "Paris, France: 2 links"."""
    return _link_count_label(partner.links) % {"place": partner.label, "country": partner.country_label}


def _link_count_label(n: int) -> str:
    # Thousands of dots share a few counts: translate each count's wording once per language.
    key = (get_language(), n)
    if key not in _LABELS:
        if len(_LABELS) > 1000:
            _LABELS.clear()
        plural = ngettext("%(place)s, %(country)s: %(n)s link", "%(place)s, %(country)s: %(n)s links", n)
        _LABELS[key] = plural.replace("%(n)s", _count(n))
    return _LABELS[key]


_LABELS: dict[tuple[str | None, int], str] = {}


def partner_rows(partners: list[Partner]) -> SafeString:
    """The rows of a table of partner places (place and its page, country, links), built here rather
    than in a template loop: a country's table has thousands of rows, and this is several times faster."""
    prefix = reverse("places:detail", kwargs={"pk": 0, "slug": "place"}).removesuffix("0/place")
    off_map = gettext("(not on the map: no coordinates)")
    return format_html_join(
        "\n",
        '<tr><th scope="row"><a href="{}{}/{}">{}</a>{}</th><td>{}</td><td class="num">{}</td></tr>',
        (
            (
                prefix,
                p.pk,
                p.slug,
                p.label,
                format_html(' <span class="hint">{}</span>', off_map) if not p.on_map else "",
                p.country_label,
                _count(p.links),
            )
            for p in partners
        ),
    )


# ---------------------------------------------------------------- a place's map


@dataclass(frozen=True)
class PlaceMap:
    """What the place page shows of its map: the SVG, what it shows in words, and its data."""

    svg: SafeString
    summary: str
    partners: list[Partner]  # every partner, on the map or not
    not_on_map: list[Partner]

    @property
    def rows(self) -> SafeString:
        return partner_rows(self.partners)


def place_map(place: Place) -> PlaceMap | None:
    """The map of `place` and its partners, a line for each link; None when there is nothing to draw
    (the place has no coordinates, or no partner has). Two queries: the partners, the gazetteer's size."""
    if place.latitude is None or place.longitude is None:
        return None
    found = place_partners(place)
    drawn = {p.pk: p for p in found.partners if p.on_map}
    if not drawn:
        return None
    name = local_name(place)
    home = (float(place.latitude), float(place.longitude))
    dots = [Dot(p.latitude, p.longitude, _partner_label(p)) for p in drawn.values()]
    dots.append(Dot(*home, label=gettext("%(place)s (this place)") % {"place": name}, radius=5.5, kind="home"))
    lines = [
        Line(
            home,
            (drawn[pk].latitude, drawn[pk].longitude),
            link_name or f"{name} – {drawn[pk].label}",
        )
        for _link, pk, link_name in found.links
        if pk in drawn
    ]
    not_on_map = [p for p in found.partners if not p.on_map]
    summary = ngettext(
        "%(place)s and its %(n)s partner place on a world map: a line joins %(place)s to its partner for each "
        "link, along the shortest way round the Earth.",
        "%(place)s and its %(n)s partner places on a world map: a line joins %(place)s to a partner for each "
        "link, along the shortest way round the Earth.",
        len(drawn),
    ) % {"place": name, "n": _count(len(drawn))}
    if not_on_map:
        summary += " " + ngettext(
            "%(n)s partner has no coordinates in the registry and is not on the map: %(names)s.",
            "%(n)s partners have no coordinates in the registry and are not on the map: %(names)s.",
            len(not_on_map),
        ) % {"n": _count(len(not_on_map)), "names": ", ".join(p.label for p in not_on_map)}
    title = gettext("Map of %(place)s and its partners") % {"place": name}
    svg = map_svg(
        map_id="place-map",
        title=title,
        description=summary,
        land=background(),
        dots=dots,
        lines=lines,
        view=view_around(
            [project(dot.lat, dot.lon) for dot in dots]
            + [point for line in lines for part in great_circle(line.start, line.end) for point in part]
        ),
    )
    return PlaceMap(svg=svg, summary=summary, partners=found.partners, not_on_map=not_on_map)


# ---------------------------------------------------------------- a country's map


def _legend(largest: int) -> list[tuple[int, str]]:
    sizes = sorted({1, *(n for n in (5, 20) if n < largest), largest})
    return [(n, ngettext("%(n)s link", "%(n)s links", n) % {"n": _count(n)}) for n in sizes]


def _country_summary(data: CountryPartners, country: str) -> str:
    """What the map shows, in words; `country` as a sentence names it after "links of" ("the UK")."""
    words = ngettext(
        "The registry holds %(links)s link of %(country)s (a link with a party there).",
        "The registry holds %(links)s links of %(country)s (links with a party there).",
        data.links,
    ) % {"links": _count(data.links), "country": country}
    if not data.partners:
        return words + " " + gettext("There are no partner places to show: the map has no dots.")
    top = data.partners[0]
    words += " " + ngettext(
        "Their partners are %(places)s place in %(countries)s country.",
        "Their partners are %(places)s places in %(countries)s countries.",
        len(data.partners),
    ) % {"places": _count(len(data.partners)), "countries": _count(data.partner_countries)}
    words += " " + gettext(
        "Each dot on the map is one of them, larger the more of these links it has; the most: %(top)s."
    ) % {"top": _partner_label(top)}
    if any(p.country == data.country for p in data.partners):
        words += " " + gettext("Places of %(country)s are partners too, where a link joins two of them.") % {
            "country": country
        }
    if data.not_on_map:
        words += " " + ngettext(
            "%(n)s partner place has no coordinates in the registry and is not on the map, only in the table.",
            "%(n)s partner places have no coordinates in the registry and are not on the map, only in the table.",
            len(data.not_on_map),
        ) % {"n": _count(len(data.not_on_map))}
    return words


@registry_cached_page(reads=("country",))
def country_map(request: HttpRequest) -> HttpResponse:
    form = CountryMapForm(request.GET)
    if not form.is_valid():
        return render(request, "places/map.html", {"form": form}, status=400)
    data = country_partners(form.chosen_country)
    country = country_phrase(data.country)
    summary = _country_summary(data, country)
    svg = map_svg(
        map_id="country-map",
        title=gettext("Map of the partner places of the links of %(country)s") % {"country": country},
        description=summary,
        land=background(),
        dots=[Dot(p.latitude, p.longitude, _partner_label(p), radius=count_radius(p.links)) for p in data.on_map],
        legend=_legend(data.partners[0].links) if data.partners else (),
    )
    query = f"country={data.country}"
    context = {
        "form": form,
        "data": data,
        "country": country,
        "svg": svg,
        "summary": summary,
        "rows": partner_rows(data.partners),
        "csv_url": f"{reverse('maps:csv')}?{query}",
        "search_url": f"{reverse('links:search')}?{query}",
        "statistics_url": f"{reverse('stats:index')}?{query}",
    }
    return render(request, "places/map.html", context)


CSV_COLUMNS = ["place", "country", "country_code", "links", "latitude", "longitude", "page"]


def country_map_csv(request: HttpRequest) -> HttpResponse:
    """The map page's table as CSV (UTF-8 with a byte-order mark, so that Excel reads accents right)."""
    form = CountryMapForm(request.GET)
    if not form.is_valid():
        errors = "".join(f"- {error}\n" for _anchor, error in form.error_summary())
        text = gettext("There is a problem with the country:") + "\n" + errors
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    data = country_partners(form.chosen_country)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="twinning-hub-{data.country.lower()}-partner-places.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    site = site_url() or request.build_absolute_uri("/").rstrip("/")
    for p in data.partners:
        row = [p.name, p.country_name, p.country, p.links, p.latitude, p.longitude, site + p.url]
        writer.writerow([safe_cell(cell) for cell in row])
    return response
