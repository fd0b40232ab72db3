"""link_statistics counts what a reader of the statistics page would count by hand."""

import datetime as dt
import json
from dataclasses import replace

import pytest

from links.selectors import LinkSearch, search_links
from stats.selectors import SECTIONS, home_links, link_statistics

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 15)


def counts(stats, section: str) -> dict[str, int]:
    return {row.key: row.count for row in stats.sections[section].rows}


def test_partners_by_country_continent_and_totals(uk_registry):
    stats = link_statistics(LinkSearch(), "GB", today=TODAY)
    assert stats.links == 3
    assert counts(stats, "partners_by_country") == {"FR": 2, "DE": 1}
    assert [row.label for row in stats.sections["partners_by_country"].rows] == ["France", "Germany"]
    assert counts(stats, "partners_by_continent") == {"EU": 3}
    assert stats.totals == {
        "links": 3,
        "active": 0,
        "paused": 1,
        "ended": 1,
        "proposed": 0,
        "status_not_recorded": 1,
        "partner_countries": 2,
    }


def test_kinds_purposes_and_decades(uk_registry):
    stats = link_statistics(LinkSearch(), "GB", today=TODAY)
    assert counts(stats, "by_kind") == {"formal": 2, "friendship": 1}
    assert counts(stats, "by_purpose") == {"culture": 2, "education": 1, "none": 1}
    # First contact decides the decade when known (1947, though agreed in 1950).
    assert counts(stats, "by_decade") == {"1940": 1, "1950": 1, "unknown": 1}
    assert [row.label for row in stats.sections["by_decade"].rows] == ["1940s", "1950s", "Date not recorded"]


def test_status_today_on_a_date_and_changes_by_year(uk_registry):
    stats = link_statistics(LinkSearch(as_of=dt.date(2021, 12, 31)), "GB", today=TODAY)
    assert counts(stats, "status_today") == {"paused": 1, "ended": 1, "unknown": 1}
    # Before 2022: Testford–Essaiville active; Oldbury–Essaiville active too (inferred: ended later).
    assert counts(stats, "status_on_date") == {"active": 2, "unknown": 1}
    changes = {(row.key, row.series): row.count for row in stats.sections["status_changes"].rows}
    assert changes == {("1956", "active"): 1, ("2022", "paused"): 1, ("2022", "ended"): 1}
    assert "2 in 2022" in stats.sections["status_changes"].note
    # Without a date to ask about, there is no "status on date" section.
    assert "status_on_date" not in link_statistics(LinkSearch(), "GB", today=TODAY).sections


def test_filters_narrow_every_number(uk_registry):
    formal = link_statistics(LinkSearch(kind="formal"), "GB", today=TODAY)
    assert formal.links == 2
    assert counts(formal, "partners_by_country") == {"FR": 1, "DE": 1}

    french = link_statistics(LinkSearch(partner_country="FR"), "GB", today=TODAY)
    assert counts(french, "partners_by_country") == {"FR": 2}
    assert counts(french, "by_decade") == {"1940": 1, "1950": 1}

    paused_in_2022 = link_statistics(LinkSearch(as_of=dt.date(2022, 12, 31), status=["paused"]), "GB", today=TODAY)
    assert paused_in_2022.links == 1
    assert counts(paused_in_2022, "status_changes") == {"1956": 1, "2022": 1}

    wales = link_statistics(LinkSearch(subdivision="GB-WLS"), "GB", today=TODAY)
    assert counts(wales, "by_kind") == {"friendship": 1}

    named = link_statistics(LinkSearch(q="probestadt"), "GB", today=TODAY)
    assert counts(named, "partners_by_country") == {"DE": 1}

    since_1950 = link_statistics(LinkSearch(year_from=1950), "GB", today=TODAY)
    assert since_1950.links == 1


def test_another_country_chosen(uk_registry):
    stats = link_statistics(LinkSearch(), "FR", today=TODAY)
    assert stats.links == 3
    assert counts(stats, "partners_by_country") == {"GB": 2, "DE": 1}
    assert stats.reference is None  # the LGIB figures are about UK links only
    germany = link_statistics(LinkSearch(), "DE", today=TODAY)
    assert counts(germany, "partners_by_country") == {"GB": 1, "FR": 1}
    assert counts(germany, "by_decade") == {"1960": 1, "unknown": 1}


def test_the_home_links_are_exactly_the_search_pages_links(uk_registry, places, add_link, add_school):
    add_link([add_school("Testford Academy", places("Testford")), places("Kyoto", "JP")])
    add_link([places("Essaiville"), add_school("École de Probestadt", places("Probestadt"))])
    for country in ("GB", "FR", "DE", "JP"):
        for search in (LinkSearch(), LinkSearch(kind="formal"), LinkSearch(partner_country="FR")):
            ours = set(home_links(search, country, TODAY).values_list("pk", flat=True))
            theirs = set(search_links(replace(search, country=country)).values_list("pk", flat=True))
            assert ours == theirs, (country, search)
    # A search's own country filter, if another country, narrows further: links with parties in both.
    assert link_statistics(LinkSearch(country="DE"), "GB", today=TODAY).links == 1


def test_institutions_count_for_their_place_and_multi_party_links_once_per_group(
    uk_registry, places, add_link, add_school
):
    # A UK school linked with a school in Kyoto, and a three-way link Testford–Essaiville–Probestadt.
    add_link([add_school("Testford Academy", places("Testford")), add_school("Kyoto Gakuen", places("Kyoto", "JP"))])
    add_link([places("Testford"), places("Essaiville"), places("Probestadt")], kind="community")
    stats = link_statistics(LinkSearch(), "GB", today=TODAY)
    assert stats.links == 5
    assert counts(stats, "partners_by_country") == {"FR": 3, "DE": 2, "JP": 1}
    # The three-way link has two European partners but counts once for Europe.
    assert counts(stats, "partners_by_continent") == {"EU": 4, "AS": 1}
    assert counts(stats, "top_places")[str(places("Testford").pk)] == 4
    assert counts(stats, "top_places")[str(places("Kyoto").pk)] == 1


def test_intra_national_links_count_the_home_country_as_partner(uk_registry, places, add_link):
    add_link([places("Testford"), places("Oldbury")], kind="intra_national")
    stats = link_statistics(LinkSearch(), "GB", today=TODAY)
    by_country = {row.key: (row.label, row.count) for row in stats.sections["partners_by_country"].rows}
    assert by_country["GB"] == ("United Kingdom (within the country)", 1)
    # The same number as the search page's "partner in the same country" filter.
    assert link_statistics(LinkSearch(partner_country="GB"), "GB", today=TODAY).links == 1
    assert counts(stats, "partners_by_income_group")["high-income"] == 4


def test_partners_by_world_bank_income_group(places, add_link):
    testford = places("Testford", "GB")
    add_link([testford, places("Managua", "NI")], kind="solidarity")
    add_link([testford, places("Makeni", "SL")], kind="community")
    add_link([testford, places("Suzhou", "CN")])
    add_link([testford, places("Caracas", "VE")])  # unclassified since 2021
    add_link([testford, places("Bonn", "DE")])
    stats = link_statistics(LinkSearch(), "GB", today=TODAY)
    assert [(row.label, row.count) for row in stats.sections["partners_by_income_group"].rows] == [
        ("Low income", 1),
        ("Lower middle income", 1),
        ("Upper middle income", 1),
        ("High income", 1),
        ("Not classified", 1),
    ]
    assert counts(stats, "partners_by_continent") == {"NA": 1, "AF": 1, "AS": 1, "SA": 1, "EU": 1}


def test_the_lgib_reference_is_shown_for_the_uk_and_cites_the_report(uk_registry, actor):
    from sources.services import source_create

    report = source_create(
        actor=actor,
        title="Moving Forward Together: Refreshing and Revitalising our Understanding of UK Twinning",
        kind="report",
    )
    stats = link_statistics(LinkSearch(), "GB", today=TODAY)
    assert stats.reference.shares == {"FR": 0.5, "DE": 0.23}
    assert stats.reference.source_url == report.get_absolute_url()
    assert "over 2,000 formal twinning links" in stats.reference.quote


def test_as_dict_is_plain_json_for_the_api(uk_registry):
    data = link_statistics(LinkSearch(as_of=dt.date(2021, 12, 31)), "GB", today=TODAY).as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["country"] == "GB"
    assert data["as_of"] == "2021-12-31"
    assert data["totals"]["links"] == 3
    assert data["sections"]["partners_by_country"] == [
        {"key": "FR", "label": "France", "count": 2},
        {"key": "DE", "label": "Germany", "count": 1},
    ]
    assert {"key": "2022", "label": "2022", "series": "paused", "count": 1} in data["sections"]["status_changes"]
    assert set(data["sections"]) == set(SECTIONS)
    assert data["reference"]["shares"][0] == {"key": "FR", "label": "France", "share": 0.5}


def test_only_the_sections_asked_for_are_counted(uk_registry):
    stats = link_statistics(LinkSearch(), "GB", today=TODAY, sections=["by_kind"])
    assert list(stats.sections) == ["by_kind"]
    assert stats.links == 3
    with pytest.raises(ValueError, match="Unknown statistics section"):
        link_statistics(LinkSearch(), "GB", sections=["nonsense"])


def test_an_empty_registry_counts_nothing():
    stats = link_statistics(LinkSearch(), "GB", today=TODAY)
    assert stats.links == 0
    assert all(not section.rows for section in stats.sections.values())


def test_large_selections_give_the_same_numbers_through_sub_selects(uk_registry, places, add_link, monkeypatch):
    """Past MATERIALISE_AT_MOST links, ids stay in the database: the numbers must not change."""
    add_link([places("Testford"), places("Oldbury")], kind="intra_national")
    add_link([places("Testford"), places("Essaiville"), places("Kyoto", "JP")], kind="community")
    as_lists = link_statistics(LinkSearch(), "GB", today=TODAY).as_dict()
    monkeypatch.setattr("stats.selectors.MATERIALISE_AT_MOST", 1)
    assert link_statistics(LinkSearch(), "GB", today=TODAY).as_dict() == as_lists
    assert as_lists["sections"]["partners_by_continent"] == [
        {"key": "EU", "label": "Europe", "count": 5},
        {"key": "AS", "label": "Asia", "count": 1},
    ]


def test_cached_statistics_are_recomputed_after_every_kind_of_write(uk_registry, places, add_link, actor, cite):
    """The figures are kept per registry version: a write of any kind must show on the next request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.partial_dates import PartialDate
    from links.services import link_update, status_event_record
    from places.services import place_update

    def totals():
        return link_statistics(LinkSearch(), "GB").totals

    first = totals()
    with CaptureQueriesContext(connection) as captured:
        assert totals() == first
    assert len(captured) <= 2  # the registry's version only: the figures come from the cache
    link = uk_registry["testford_probestadt"]  # no events yet: status not recorded
    status_event_record(actor=actor, link=link, when=PartialDate.parse("2023"), status="ended", citations=cite())
    after_event = totals()
    assert after_event["ended"] == first["ended"] + 1
    link_update(actor=actor, link=link, kind="friendship")
    assert counts(link_statistics(LinkSearch(), "GB"), "by_kind")["friendship"] >= 1
    add_link([places("Testford"), places("Kyoto", "JP")], agreement="1990")
    assert totals()["links"] == after_event["links"] + 1
    place_update(actor=actor, place=places("Kyoto"), country="KR")
    assert "KR" in counts(link_statistics(LinkSearch(), "GB"), "partners_by_country")
