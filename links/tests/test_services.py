"""The rules every write obeys, whoever makes it (admin, loader, API)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.models import ChangeRecord
from core.partial_dates import PartialDate
from core.versioning import EditConflict
from links.models import Link, Party, StatusEvent
from links.services import link_create, link_update, status_event_record


@pytest.fixture
def towns(make_place):
    return make_place("Testford", "GB"), make_place("Probestadt", "DE"), make_place("Essaiville", "FR")


def test_a_link_with_one_party_is_refused_in_plain_words(towns, actor, cite):
    with pytest.raises(ValidationError) as error:
        link_create(actor=actor, parties=[towns[0]], kind="formal", citations=cite())
    assert "at least two parties" in str(error.value)
    assert Link.objects.count() == 0


def test_a_link_can_have_three_parties_and_each_party_once(towns, actor, cite):
    link = link_create(actor=actor, parties=list(towns), kind="intra_national", citations=cite())
    assert link.parties.count() == 3
    with pytest.raises(ValidationError, match="listed twice"):
        link_create(actor=actor, parties=[towns[0], towns[0]], kind="formal", citations=cite())


def test_first_contact_after_the_agreement_is_refused(towns, actor, cite):
    with pytest.raises(ValidationError) as error:
        link_create(
            actor=actor,
            parties=towns[:2],
            kind="formal",
            citations=cite(),
            first_contact=PartialDate.parse("1990"),
            agreement=PartialDate.parse("1985-06"),
        )
    assert "before the first contact" in str(error.value)


def test_an_event_dated_before_the_link_began_is_refused(towns, actor, cite):
    link = link_create(
        actor=actor, parties=towns[:2], kind="formal", citations=cite(), agreement=PartialDate.parse("1995")
    )
    with pytest.raises(ValidationError) as error:
        status_event_record(
            actor=actor, link=link, when=PartialDate.parse("1994-12-31"), status="active", citations=cite()
        )
    assert "before the link began (1995)" in str(error.value)
    # An event inside the year the link began is allowed: it may well be after it.
    status_event_record(actor=actor, link=link, when=PartialDate.parse("1995"), status="active", citations=cite())


def test_a_status_change_without_a_source_is_refused(towns, actor, cite):
    link = link_create(actor=actor, parties=towns[:2], kind="formal", citations=cite())
    with pytest.raises(ValidationError, match="must cite its source"):
        status_event_record(actor=actor, link=link, when=PartialDate.parse("2022"), status="paused", citations=[])
    assert StatusEvent.objects.count() == 0


def test_a_future_status_change_is_refused(towns, actor, cite):
    link = link_create(actor=actor, parties=towns[:2], kind="formal", citations=cite())
    with pytest.raises(ValidationError, match="future"):
        status_event_record(actor=actor, link=link, when=PartialDate.parse("2999"), status="ended", citations=cite())


def test_every_write_is_logged_with_its_actor(towns, actor, cite):
    link = link_create(actor=actor, parties=towns[:2], kind="formal", citations=cite())
    status_event_record(
        actor=actor,
        link=link,
        when=PartialDate.parse("2022-03-22"),
        status="paused",
        citations=cite(),
        deciding_body="Full council",
    )
    summaries = list(ChangeRecord.objects.filter(actor_label="test suite").values_list("summary", flat=True))
    assert "Added link Testford – Probestadt" in summaries
    assert "Testford – Probestadt: paused on 22 March 2022" in summaries


def test_a_stale_edit_is_refused_and_the_newer_edit_kept(towns, actor, cite):
    link = link_create(actor=actor, parties=towns[:2], kind="formal", citations=cite())
    first, second = Link.objects.get(pk=link.pk), Link.objects.get(pk=link.pk)
    link_update(actor=actor, link=first, expected_version=1, description="Edited by the first officer")
    with pytest.raises(EditConflict, match="changed by someone else"):
        link_update(actor=actor, link=second, expected_version=1, description="Edited by the second officer")
    assert Link.objects.get(pk=link.pk).description == "Edited by the first officer"


def test_the_database_refuses_a_party_that_is_both_a_place_and_an_institution(towns, actor, cite):
    from places.services import institution_create

    link = link_create(actor=actor, parties=towns[:2], kind="formal", citations=cite())
    school = institution_create(actor=actor, name="Testford School", kind="school", place=towns[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Party.objects.create(link=link, place=towns[2], institution=school)


def test_the_database_refuses_a_citation_of_nothing(source):
    from sources.models import Citation

    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(source=source, quote="orphan")


def links_with_a_party_in(country: str = "", subdivision: str = "") -> set[int]:
    from links.selectors import LinkSearch, search_links

    return set(search_links(LinkSearch(country=country, subdivision=subdivision)).values_list("pk", flat=True))


def test_a_link_is_found_by_country_after_its_place_or_institution_moves(towns, actor, cite, make_place):
    """Party.country copies where each party is; moving a place or an institution must carry it along."""
    from places.services import institution_create, institution_update, place_update

    testford, probestadt, _ = towns
    school = institution_create(actor=actor, name="Lycée Test", kind="school", place=make_place("Lyon", "FR"))
    link = link_create(actor=actor, parties=[testford, school], kind="formal", citations=cite())
    assert link.pk in links_with_a_party_in("FR") and link.pk not in links_with_a_party_in("DE")
    institution_update(actor=actor, institution=school, place=probestadt)
    assert link.pk in links_with_a_party_in("DE") and link.pk not in links_with_a_party_in("FR")
    place_update(actor=actor, place=testford, country="IE", subdivision="")
    assert link.pk in links_with_a_party_in("IE") and link.pk not in links_with_a_party_in("GB")
    place_update(actor=actor, place=testford, country="GB", subdivision="GB-SCT")
    assert link.pk in links_with_a_party_in(subdivision="GB-SCT")
    for party in Party.objects.select_related("place", "institution__place"):
        assert (party.country, party.subdivision) == (party.home_place.country, party.home_place.subdivision)


def test_imported_links_know_where_their_parties_are(towns, actor, source):
    from links.services import links_create_imported
    from sources.services import CitationSpec

    testford, probestadt, essaiville = towns
    links_create_imported(
        actor=actor, pairs=[(testford, probestadt), (probestadt, essaiville)], citation=CitationSpec(source=source)
    )
    assert sorted(Party.objects.values_list("country", flat=True)) == ["DE", "DE", "FR", "GB"]
    assert len(links_with_a_party_in("DE")) == 2


def test_bulk_links_and_events_are_checked_like_single_ones_and_write_nothing_when_one_is_wrong(towns, actor, source):
    """The bulk paths (imports, bench/generate.py) refuse what link_create / status_event_record refuse."""
    import datetime as dt

    from links.services import EventSpec, LinkSpec, links_create_bulk, status_events_create_bulk
    from sources.services import CitationSpec

    testford, probestadt, essaiville = towns
    cite = CitationSpec(source=source)
    good = LinkSpec(parties=(testford, probestadt), kind="formal", agreement=PartialDate.parse("1960"))
    future = PartialDate.parse((dt.date.today() + dt.timedelta(days=40)).isoformat())
    records_before = ChangeRecord.objects.count()
    for bad, words in [
        (LinkSpec(parties=(testford,)), "two or more different parties"),
        (LinkSpec(parties=(testford, testford)), "two or more different parties"),
        (LinkSpec(parties=(testford, essaiville), kind="marriage"), "not a kind of link"),
        (LinkSpec(parties=(testford, essaiville), agreement=future), "future"),
        (LinkSpec(parties=(testford, essaiville), purposes=("golf",)), "Unknown purpose"),
    ]:
        with pytest.raises(ValidationError, match=words):
            links_create_bulk(actor=actor, specs=[good, bad], citation=cite)
    assert Link.objects.count() == 0 and Party.objects.count() == 0
    assert ChangeRecord.objects.count() == records_before

    first, second = links_create_bulk(
        actor=actor,
        specs=[good, LinkSpec(parties=(testford, essaiville), kind="friendship", purposes=("culture", "sport"))],
        citation=cite,
    )
    assert sorted(second.purposes.values_list("slug", flat=True)) == ["culture", "sport"]
    assert first.agreement_on == PartialDate.parse("1960") and first.citations.count() == 1
    records_before = ChangeRecord.objects.count()
    for bad, words in [
        (EventSpec(first, PartialDate.parse("1950"), "active"), "before the link began"),
        (EventSpec(first, future, "active"), "future"),
        (EventSpec(first, PartialDate.parse("1970"), "dormant"), "not a status"),
    ]:
        with pytest.raises(ValidationError, match=words):
            status_events_create_bulk(
                actor=actor, specs=[EventSpec(first, PartialDate.parse("1961"), "active"), bad], citation=cite
            )
    assert StatusEvent.objects.count() == 0 and ChangeRecord.objects.count() == records_before

    status_events_create_bulk(
        actor=actor,
        specs=[
            EventSpec(first, PartialDate.parse("1961"), "active", category="founding"),
            EventSpec(first, PartialDate.parse("2022-03"), "paused", category="war"),
            EventSpec(second, PartialDate.parse("1999"), "proposed"),
        ],
        citation=cite,
    )
    assert dict(Link.objects.values_list("pk", "current_status")) == {first.pk: "paused", second.pk: "proposed"}
    summaries = set(ChangeRecord.objects.values_list("summary", flat=True))
    assert any(s.startswith("Testford – Probestadt: paused on") for s in summaries), summaries
    assert StatusEvent.objects.get(link=first, status="paused").citations.count() == 1
