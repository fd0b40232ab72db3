"""Health as a filter of the search page, its downloads, the API and the statistics page, and as a breakdown there."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from audit.services import Actor
from health.services import verification_record

NOW = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)


@pytest.fixture
def healths(town, record):
    """Testford–Probestadt active (a visit last year), Testford–Essaiville dormant (said to have ended),
    Probestadt–Essaiville unknown (nothing recorded: no health row at all)."""
    with time_machine.travel(NOW, tick=False):
        record(town.link, "2025-09", title="Choir visit")
        verification_record(
            actor=Actor(user=town.officer), link=town.other_link, answer="ended", by_role="council_officer"
        )
        yield town


def _result_titles(html: str) -> list[str]:
    return re.findall(r'<td data-label="Link"><a href="[^"]+">([^<]+)</a>', html)


def test_search_filters_by_health_and_unknown_includes_links_never_worked_out(client, healths):
    assert _result_titles(client.get("/search", {"health": "active"}).content.decode()) == ["Testford – Probestadt"]
    assert _result_titles(client.get("/search", {"health": "dormant"}).content.decode()) == ["Testford – Essaiville"]
    assert _result_titles(client.get("/search", {"health": "unknown"}).content.decode()) == ["Probestadt – Essaiville"]
    refused = client.get("/search", {"health": "lively"})
    assert refused.status_code == 400
    assert "&#x27;lively&#x27; is not one of the choices for &#x27;Health&#x27;" in refused.content.decode()


def test_every_result_and_a_place_s_links_show_their_health_today(client, healths):
    def health_by_title(html: str) -> dict[str, str]:
        row = r'<td data-label="Link"><a href="[^"]+">([^<]+)</a>.*?Health today: (.*?)</span></td>'
        rows = re.findall(row, html, re.S)
        return {title: re.sub(r"<[^>]+>", "", cell) for title, cell in rows}

    expected = {
        "Testford – Probestadt": "active",
        "Testford – Essaiville": "dormant",
        "Probestadt – Essaiville": "unknown",
    }
    assert health_by_title(client.get("/search").content.decode()) == expected
    place_page = client.get(healths.testford.get_absolute_url()).content.decode()
    assert health_by_title(place_page) == {k: v for k, v in expected.items() if "Testford" in k}


def test_the_csv_download_and_the_api_list_take_the_same_filter(client, healths):
    csv_text = b"".join(client.get("/search.csv", {"health": "dormant"}).streaming_content).decode()
    assert "Testford – Essaiville" in csv_text and "Probestadt" not in csv_text
    answer = client.get("/api/v1/links", {"health": "active"}).json()
    assert [item["id"] for item in answer["results"]] == [healths.link.pk]
    assert client.get("/api/v1/links", {"health": "lively"}).status_code == 400


def test_statistics_break_the_links_down_by_health_with_a_table_a_csv_and_search_links(client, healths):
    html = client.get("/statistics/", {"country": "GB"}).content.decode()
    section = html[html.index('aria-labelledby="by_health"') :]
    section = section[: section.index("</section>")]
    assert "Health today" in section
    assert '<a href="/search?country=GB&amp;health=active">Active</a>' in section
    assert '<a href="/search?country=GB&amp;health=dormant">Dormant</a>' in section
    assert "unknown" not in section.lower().split("<table")[1].split("</table>")[0]  # both GB links are worked out
    csv_text = client.get("/statistics/by_health.csv", {"country": "GB"}).content.decode()
    assert "active" in csv_text and "dormant" in csv_text
    filtered = client.get("/statistics/", {"country": "GB", "health": "dormant"}).content.decode()
    assert re.search(r"<strong>1</strong>\s*link", filtered) or "1 link" in filtered


def test_the_api_link_detail_carries_activities_and_health(client, healths, record):
    answer = client.get(f"/api/v1/links/{healths.link.pk}").json()
    (visit,) = answer["activities"]
    assert (visit["kind"], visit["title"], visit["date"]["iso"]) == ("visit", "Choir visit", "2025-09")
    assert answer["health"]["state"] == "active"
    assert answer["health"]["reasons"] == ["An activity was recorded within the last two years."]
    ended = client.get(f"/api/v1/links/{healths.other_link.pk}").json()["health"]
    assert (ended["state"], ended["reason_codes"], ended["last_verified_by"]) == (
        "dormant",
        ["answered_ended"],
        "council_officer",
    )
