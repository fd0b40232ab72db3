"""The statistics page and its CSV downloads, as a visitor without JavaScript uses them."""

import csv
import io
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from links.demo import load_demo_data

pytestmark = pytest.mark.django_db

URL = "/statistics/"


def table_rows(html: str, section: str) -> list[list[str]]:
    """The cells of a section's table, as text, header row first."""
    start = html.index(f'<section class="stats-section" aria-labelledby="{section}">')
    table = html[html.index("<table", start) : html.index("</table>", start)]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)] for row in rows
    ]


def read_csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_url_is_the_main_navigations_statistics_link(client):
    assert reverse("stats:index") == URL
    response = client.get(URL)
    assert response.status_code == 200
    assert '<a href="/statistics/" aria-current="page">Statistics</a>' in response.content.decode()


def test_the_page_shows_the_uk_by_default_with_headline_numbers_and_tables(client, uk_registry):
    response = client.get(URL)
    html = response.content.decode()
    assert "<h1>Statistics: links of the UK</h1>" in html
    assert '<option value="GB" selected>United Kingdom</option>' in html
    assert re.search(r"<strong>3</strong> links</li>\s*<li><strong>0</strong> active today", html)
    assert "<strong>2</strong> partner countries" in html
    assert table_rows(html, "partners_by_country")[1:] == [
        ["France", "2", "67%", "50%"],
        ["Germany", "1", "33%", "23%"],
    ]
    assert "LGIB stock-take, 2006" in html
    # Each row links to the search page's list of exactly those links.
    assert '<a href="/search?country=GB&amp;partner_country=FR">France</a>' in html
    assert table_rows(html, "status_changes") == [
        ["Year", "Active", "Paused", "Ended", "All changes"],
        ["1956", "1", "0", "0", "1"],
        ["2022", "0", "1", "1", "2"],
    ]
    # Every chart is an SVG image labelled by its title, after its table and CSV link.
    assert html.count('role="img"') == len(re.findall(r'<section class="stats-section"', html)) == 10
    section = html[html.index('aria-labelledby="by_kind"') :]
    assert section.index("<table") < section.index("Download this table as CSV") < section.index("<svg")
    assert '<a href="/statistics/by_kind.csv?country=GB" download>' in html


def test_another_country_and_filters_change_the_numbers(client, uk_registry):
    html = client.get(URL, {"country": "FR"}).content.decode()
    assert "<h1>Statistics: links of France</h1>" in html
    assert table_rows(html, "partners_by_country")[1:] == [["United Kingdom", "2", "67%"], ["Germany", "1", "33%"]]
    assert "LGIB stock-take" not in html

    html = client.get(URL, {"kind": "friendship", "as_of": "2021-12-31"}).content.decode()
    assert table_rows(html, "partners_by_country")[1:] == [["France", "1", "100%", "50%"]]
    assert table_rows(html, "status_on_date")[1:] == [["Active", "1", "100%"]]
    assert table_rows(html, "status_today")[1:] == [["Ended", "1", "100%"]]


def test_bad_filters_are_explained_with_a_400_and_no_numbers(client, uk_registry):
    response = client.get(URL, {"as_of": "31/12/2022", "country": "Narnia", "year_from": "2000", "year_to": "1990"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem with the filters" in html
    assert "Enter the date as year-month-day, for example 2022-12-31." in html
    assert "is not a country code" in html
    assert "Swap them" in html
    assert 'role="img"' not in html
    assert html.startswith("<!doctype html>") and "<title>Error: Statistics" in html


def test_the_csv_download_has_the_tables_numbers_with_a_bom(client, uk_registry):
    html = client.get(URL, {"as_of": "2021-12-31"}).content.decode()
    for section in ("partners_by_country", "by_decade", "status_on_date", "status_changes"):
        response = client.get(f"/statistics/{section}.csv", {"as_of": "2021-12-31"})
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert f'filename="twinning-hub-gb-{section}.csv"' in response["Content-Disposition"]
        rows = read_csv(response)
        page = table_rows(html, section)
        if section == "status_changes":
            assert rows == page
        else:
            # The CSV adds each row's code first; labels and counts are the page's.
            assert [row[1:3] for row in rows] == [cells[:2] for cells in page]
    rows = read_csv(client.get("/statistics/partners_by_country.csv"))
    assert rows == [
        ["ISO code", "Partner country", "Links", "Share of links", "LGIB 2006"],
        ["FR", "France", "2", "66.7", "50.0"],
        ["DE", "Germany", "1", "33.3", "23.0"],
    ]


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client, places, add_link):
    add_link([places("Testford", "GB"), places('=HYPERLINK("http://x")', "FR")])
    add_link([places("Testford"), places("-Minus", "FR")])
    rows = read_csv(client.get("/statistics/top_places.csv"))
    labels = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x") (France)' in labels
    assert "'-Minus (France)" in labels
    assert not any(label.startswith(("=", "-", "+", "@")) for label in labels)


def test_csv_errors_are_plain_words(client, uk_registry):
    response = client.get("/statistics/by_kind.csv", {"as_of": "yesterday"})
    assert response.status_code == 400
    assert "Enter the date as year-month-day" in response.content.decode()
    assert client.get("/statistics/nonsense.csv").status_code == 404
    assert client.get("/statistics/status_on_date.csv").status_code == 404  # needs a date


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [URL, URL + "?as_of=2021-12-31&partner_country=FR&kind=formal&status=active"])
def test_the_page_runs_a_constant_number_of_queries(client, uk_registry, places, add_link, add_school, url):
    add_link([places("Testford"), places("Essaiville"), places("Kyoto", "JP")], agreement="1990")
    add_link([places("Testford"), places("Oldbury")], kind="intra_national", events=[("2000", "active")])
    few = queries(client, url)
    assert few <= 17  # four read the registry's version, under which the figures and the country list are cached
    for i in range(6):
        partner = places(f"Ville {i}", "FR")
        add_link(
            [places("Testford"), partner],
            purposes=["culture", "sport"],
            agreement=f"{1950 + i * 5}",
            events=[(f"{1950 + i * 5}", "active"), ("2022-03", "paused")],
        )
        add_link(
            [add_school(f"School {i}", places("Oldbury")), add_school(f"École {i}", partner)], kind="institutional"
        )
    assert queries(client, url) == few


@pytest.fixture
def demo(django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_data()
        yield
        transaction.set_rollback(True)


def test_the_march_2022_wave_shows_in_the_demo_datas_status_changes(client, demo):
    html = client.get(URL).content.decode()
    rows = table_rows(html, "status_changes")
    header, by_year = rows[0], {row[0]: row for row in rows[1:]}
    paused, ended = header.index("Paused"), header.index("Ended")
    in_2022 = int(by_year["2022"][paused]) + int(by_year["2022"][ended])
    assert in_2022 >= 3
    # 2022 is the year with the most pauses and ends, and the chart says so.
    for year, row in by_year.items():
        assert int(row[paused]) + int(row[ended]) <= in_2022, year
    assert f"The most pauses and ends in one year: {in_2022} in 2022." in html
    # Russian partners: the links the wave was about.
    russian = client.get(URL, {"partner_country": "RU"}).content.decode()
    assert table_rows(russian, "partners_by_country")[1][0] == "Russian Federation"


def test_rows_link_to_the_search_only_where_it_lists_exactly_the_links_counted(client, uk_registry):
    html = client.get(URL, {"purpose": "culture"}).content.decode()
    rows = {cells[0]: cells for cells in table_rows(html, "by_purpose")[1:]}
    assert set(rows) == {"Culture", "Education"}
    assert '<a href="/search?purpose=culture&amp;country=GB">Culture</a>' in html
    assert ">Education</a>" not in html  # "education" would replace "culture": other links
    assert '<a href="/search?purpose=culture&amp;country=GB&amp;year_from=1940&amp;year_to=1949">1940s</a>' in html
    # Status today among links filtered by their status on another date: no single search says that.
    html = client.get(URL, {"as_of": "2021-12-31", "status": "active"}).content.decode()
    assert table_rows(html, "status_today")[1:] == [["Paused", "1", "50%"], ["Ended", "1", "50%"]]
    assert ">Paused</a>" not in html
    assert '<a href="/search?as_of=2021-12-31&amp;status=active&amp;country=GB">Active</a>' in html
