"""The seed documents, loaded as demo data: the facts researchers will check first."""

import datetime as dt

import pytest
from django.db import transaction

from links.demo import load_demo_data
from links.forms import SearchForm
from links.models import Link, StatusEvent
from links.selectors import LinkSearch, search_links, with_list_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo_data()
        transaction.set_rollback(True)


def link_between(a: str, b: str) -> Link:
    links = [
        link
        for link in Link.objects.prefetch_related("parties__place", "parties__institution")
        if {a, b} <= {p.home_place.name for p in link.parties.all() if not p.institution_id}
    ]
    assert len(links) == 1, f"expected one link {a}–{b}, found {len(links)}"
    return links[0]


def test_loading_twice_creates_nothing_twice(demo):
    counts = (Link.objects.count(), StatusEvent.objects.count())
    again = load_demo_data()
    assert sum(again.created.values()) == 0
    assert (Link.objects.count(), StatusEvent.objects.count()) == counts
    assert counts[0] >= 30 and counts[1] >= 30


def test_coventry_volgograd_was_paused_by_unanimous_full_council_citing_the_letter(demo):
    link = link_between("Coventry", "Volgograd")
    pause = link.events.get(status="paused")
    assert (pause.date, pause.date_precision) == (dt.date(2022, 3, 22), "day")
    assert "full council" in pause.deciding_body.lower()
    assert "unanimous" in pause.decision_note.lower()
    assert "invasion of Ukraine" in pause.reason
    citation = pause.citations.get()
    assert citation.source.publisher == "Coventry City Council"
    assert "heavy heart" in citation.quote


def uk_russia_statuses(on: str) -> dict[str, str]:
    form = SearchForm({"country": "GB", "partner_country": "RU", "as_of": on})
    assert form.is_valid(), form.errors
    links = with_list_data(search_links(form.to_search()))
    return {
        next(p.home_place.name for p in link.parties.all() if p.home_place.country == "GB"): link.status_on_date
        for link in links
        if not link.parent_id
    }


def test_uk_links_with_russia_at_the_end_of_2022(demo):
    statuses = uk_russia_statuses("2022-12-31")
    assert {
        k: statuses.get(k)
        for k in ["Wakefield", "Doncaster", "Exeter", "Coventry", "Oxford", "Plymouth", "Staffordshire"]
    } == {
        "Wakefield": "ended",
        "Doncaster": "ended",
        "Exeter": "paused",
        "Coventry": "paused",
        "Oxford": "paused",
        "Plymouth": "active",
        "Staffordshire": "ended",
    }


def test_uk_links_with_russia_at_the_start_of_2022(demo):
    statuses = uk_russia_statuses("2022-01-01")
    for town in ["Wakefield", "Doncaster", "Exeter", "Coventry", "Oxford", "Plymouth"]:
        assert statuses[town] == "active", town
    assert statuses["Staffordshire"] == "ended"


def test_plymouth_decided_to_keep_its_link(demo):
    link = link_between("Plymouth", "Novorossiysk")
    decision = link.events.get(status="reaffirmed")
    assert "Novorossiysk" in decision.citations.get().quote


def test_every_link_and_every_event_cites_a_source(demo):
    assert not Link.objects.filter(citations__isnull=True).exists()
    assert not StatusEvent.objects.filter(citations__isnull=True).exists()


@pytest.mark.parametrize(
    ("a", "b", "when", "status"),
    [
        ("Milan", "Saint Petersburg", "2012", "ended"),
        ("Nieuwegein", "Puławy", "2020-07", "ended"),
        ("Newport", "Wuzhou", "2019", "ended"),
        ("Staffordshire", "Ivanovo", "2018", "ended"),
        ("Newcastle upon Tyne", "Gelsenkirchen", "1947", "active"),
        ("Ludwigsburg", "Montbéliard", "1950-09", "active"),
        ("Saint Paul", "Nagasaki", "1955-12-07", "active"),
        ("Leeds", "Durban", "1998", "active"),
        ("Hastings", "Hastings", "2007", "active"),
        ("Keighley", "Poix-du-Nord", "1920", "active"),
    ],
)
def test_key_dates_from_the_documents(demo, a, b, when, status):
    link = (
        link_between(a, b)
        if a != b
        else next(
            candidate
            for candidate in Link.objects.prefetch_related("parties__place")
            if [p.home_place.name for p in candidate.parties.all()] == [a, b]
        )
    )
    assert any(e.when.iso() == when and e.status == status for e in link.events.all()), list(link.events.all())


def test_multi_party_and_institution_links_are_held(demo):
    berbice = Link.objects.get(name__icontains="Berbice")
    assert berbice.kind == "intra_national" and berbice.parties.count() >= 2
    khyber = Link.objects.get(name__icontains="Khyber")
    assert khyber.parties.count() == 7
    reserves = Link.objects.filter(parties__institution__name__icontains="Biosphere").distinct().get()
    assert reserves.parties.filter(institution__isnull=False).count() == 2


def test_search_finds_coventry_volgograd_by_its_old_name_stalingrad(demo):
    titles = [link.title for link in with_list_data(search_links(LinkSearch(q="stalingrad")))]
    assert titles == ["Coventry – Volgograd"]
