"""Suggestions: who is suggested, who never is, why, and that a change to the registry shows at once.

A small world built through the services: Testford (England) is twinned with Probestadt (Germany);
Probestadt is also twinned with Kleinville (France); Testford's links with Volgaville (war) and
Vecchiano (inactivity) have ended. Seeking profiles stand in Seaville (Spain), Accra and others.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from accounts.testing import account_create
from core.partial_dates import PartialDate
from links.services import link_create, status_event_record
from matching import ranking
from matching.models import Block, Introduction, ProfileStatus, SeekingProfile
from matching.suggestions import SuggestionFilters
from places.services import institution_create


@pytest.fixture(autouse=True)
def fresh_ranking():
    ranking.forget()
    yield
    ranking.forget()


@pytest.fixture
def world(make_place, actor, cite):
    def place(name, country, lat, lon, people):
        return make_place(name, country, latitude=lat, longitude=lon, population=people)

    towns = {
        "testford": place("Testford", "GB", 52.0, -1.0, 20_000),
        "probestadt": place("Probestadt", "DE", 51.0, 9.0, 25_000),
        "kleinville": place("Kleinville", "FR", 48.0, 2.0, 18_000),
        "nahdorf": place("Nahdorf", "DE", 51.2, 9.2, 21_000),
        "volgaville": place("Volgaville", "RU", 48.7, 44.5, 30_000),
        "vecchiano": place("Vecchiano", "IT", 43.8, 10.4, 12_000),
        "seaville": place("Seaville", "ES", 43.4, -3.8, 19_000),
        "accra": place("Accra", "GH", 5.6, -0.2, 2_000_000),
        "hilltown": place("Hilltown", "PL", 50.0, 20.0, 22_000),
        "farburg": place("Farburg", "AT", 47.0, 15.0, 20_000),
    }

    def linked(a, b):
        return link_create(actor=actor, parties=[towns[a], towns[b]], kind="formal", citations=cite())

    linked("testford", "probestadt")
    linked("probestadt", "kleinville")
    for other, year, category in (("volgaville", 2022, "war"), ("vecchiano", 2015, "inactivity")):
        link = linked("testford", other)
        status_event_record(
            actor=actor,
            link=link,
            when=PartialDate.parse(str(year)),
            status="ended",
            category=category,
            citations=cite(),
        )
    return towns


@pytest.fixture
def owner(db):
    return account_create("owner@example.org")


def profile_of(place, owner, **fields) -> SeekingProfile:
    values = {
        "seeker": "association",
        "name": f"{place.name} Twinning Association",
        "offers": ["heritage"],
        "wants": ["youth"],
        "contact_name": "Sam Secretary",
        "contact_email": f"secretary@{place.name.lower()}.example.org",
    } | fields
    profile = SeekingProfile(owner=owner, place=place, **values)
    profile.full_clean()
    profile.save()
    return profile


@pytest.fixture
def testford(world, owner):
    return profile_of(world["testford"], owner, traits=["coastal"], languages=["en"], wants=["youth", "sport"])


def names(suggestions) -> list[str]:
    return [s.name for s in suggestions]


def test_existing_partners_and_links_ended_for_political_reasons_are_never_suggested(testford):
    found = names(ranking.suggestions_for(testford, limit=50))
    assert "Probestadt" not in found  # active link
    assert "Volgaville" not in found  # ended because of the war
    assert "Testford" not in found
    assert "Kleinville" in found


def test_a_link_that_ended_for_want_of_activity_may_be_revived_and_says_so(testford):
    found = {s.name: s for s in ranking.suggestions_for(testford, limit=50)}
    assert "Vecchiano" in found
    assert found["Vecchiano"].reasons[0].startswith("Your partner until 2015")


def test_partners_of_partners_come_first_with_their_reason_in_plain_words(testford):
    best = ranking.suggestions_for(testford, limit=3)
    assert best[0].name == "Kleinville"
    assert "Twinned with your partner Probestadt." in best[0].reasons
    nahdorf = next(s for s in ranking.suggestions_for(testford, limit=50) if s.name == "Nahdorf")
    assert any(r.startswith("Near your partner Probestadt (") for r in nahdorf.reasons)


def test_countries_and_parts_of_the_world_a_profile_rules_out_are_never_suggested(world, owner):
    profile = profile_of(world["testford"], owner, ruled_out_countries=["FR"], ruled_out_regions=["AF"])
    found = names(ranking.suggestions_for(profile, limit=50))
    assert "Kleinville" not in found and "Accra" not in found
    assert "Nahdorf" in found


def test_a_profile_that_rules_out_the_seekers_country_is_not_suggested_to_it(world, testford):
    other = account_create("seaville@example.org")
    seaville = profile_of(world["seaville"], other, ruled_out_countries=["GB"])
    found = [s.profile_id for s in ranking.suggestions_for(testford, limit=50)]
    assert seaville.pk not in found
    assert "Seaville" not in names(ranking.suggestions_for(testford, limit=50))  # nor its place


def test_a_seeking_profile_is_suggested_with_shared_themes_traits_and_language(world, testford):
    other = account_create("seaville@example.org")
    seaville = profile_of(
        world["seaville"], other, offers=["youth"], wants=["heritage"], traits=["coastal"], languages=["en", "es"]
    )
    found = {s.profile_id: s for s in ranking.suggestions_for(testford, limit=50) if s.profile_id}
    suggestion = found[seaville.pk]
    assert suggestion.name == "Seaville Twinning Association"
    assert "Seeking partners now." in suggestion.reasons
    assert "Shared themes: youth exchange, heritage and history." in suggestion.reasons
    assert "Like you: coastal." in suggestion.reasons
    assert "You can both work in English." in suggestion.reasons
    # The place itself is not suggested beside its profile.
    assert [s for s in ranking.suggestions_for(testford, limit=50) if s.name == "Seaville"] == []


def test_own_blocked_and_already_introduced_profiles_are_not_suggested(world, owner, testford):
    own_other = profile_of(world["hilltown"], owner)
    blocked = profile_of(world["seaville"], account_create("b@example.org"))
    met = profile_of(world["farburg"], account_create("m@example.org"))
    Block.objects.create(blocker=blocked, blocked=testford)
    Introduction.objects.create(from_profile=testford, to_profile=met)
    found = {s.profile_id for s in ranking.suggestions_for(testford, limit=50)}
    assert found.isdisjoint({own_other.pk, blocked.pk, met.pk})


def test_a_new_link_or_profile_shows_in_the_very_next_suggestions(world, testford, actor, cite):
    assert "Nahdorf" in names(ranking.suggestions_for(testford, limit=50))
    link_create(actor=actor, parties=[world["testford"], world["nahdorf"]], kind="formal", citations=cite())
    assert "Nahdorf" not in names(ranking.suggestions_for(testford, limit=50))

    farburg = profile_of(world["farburg"], account_create("f@example.org"))
    assert farburg.pk in {s.profile_id for s in ranking.suggestions_for(testford, limit=50)}
    farburg.status = ProfileStatus.CLOSED
    farburg.save()
    assert farburg.pk not in {s.profile_id for s in ranking.suggestions_for(testford, limit=50)}


def test_filters_narrow_the_list(world, testford):
    europe = ranking.suggestions_for(testford, SuggestionFilters(regions=("EU",)), limit=50)
    assert europe and all(s.country not in {"GH"} for s in europe)
    germany = ranking.suggestions_for(testford, SuggestionFilters(countries=("DE",)), limit=50)
    assert names(germany) == ["Nahdorf"]
    small = ranking.suggestions_for(testford, SuggestionFilters(max_size=100_000), limit=50)
    assert "Accra" not in names(small)
    other = account_create("seaville@example.org")
    seaville = profile_of(world["seaville"], other, offers=["sport"])
    seeking = ranking.suggestions_for(testford, SuggestionFilters(seeking_only=True), limit=50)
    assert [s.profile_id for s in seeking] == [seaville.pk]
    assert ranking.suggestions_for(testford, SuggestionFilters(seeking_only=True, theme="trade"), limit=50) == []


def test_surprise_me_favours_parts_of_the_world_without_partners_and_says_so(testford):
    plain = names(ranking.suggestions_for(testford, limit=50))
    surprise = ranking.suggestions_for(testford, SuggestionFilters(surprise=True), limit=50)
    assert names(surprise).index("Accra") < plain.index("Accra")
    assert surprise[0].name == "Accra"
    assert "You have no partners in Africa yet." in surprise[0].reasons


def test_a_school_is_offered_schools_not_towns(world, actor):
    school = institution_create(actor=actor, name="Testford Academy", kind="school", place=world["testford"])
    # In Testford's twin town: a school there is a new partner for a school, whatever the towns do.
    other_school = institution_create(actor=actor, name="Gymnasium", kind="school", place=world["probestadt"])
    mine = profile_of(world["testford"], account_create("head@example.org"), seeker="school", institution=school)
    head = account_create("preside@example.org")
    theirs = profile_of(world["probestadt"], head, seeker="school", institution=other_school, size=800)
    council = profile_of(world["seaville"], account_create("council@example.org"), seeker="council")
    found = ranking.suggestions_for(mine, limit=50)
    assert [s.profile_id for s in found] == [theirs.pk]
    assert found[0].population == 800  # its own size, not its town's
    assert council.pk not in [s.profile_id for s in found]


def test_reasons_are_in_the_readers_language(testford):
    with translation.override("fr"):
        best = ranking.suggestions_for(testford, limit=1)[0]
    assert best.name == "Kleinville"
    assert "Jumelé avec votre partenaire Probestadt." in best.reasons
    assert any("18\u00a0000" in reason or "18 000" in reason for reason in best.reasons)  # grouped the French way


def test_the_arrays_are_built_once_and_kept_while_nothing_they_read_changes(testford, world):
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # as in a new process
    built = ranking.current()[0]
    ranking.suggestions_for(testford)
    assert ranking.current()[0] is built
    seaville = profile_of(world["seaville"], account_create("s@example.org"))
    universe = ranking.current()[0]
    assert universe is not built  # a new profile: rebuilt
    Introduction.objects.create(from_profile=testford, to_profile=seaville)
    Block.objects.create(blocker=testford, blocked=seaville)
    assert ranking.current()[0] is universe  # introductions and blocks are read per request


@pytest.mark.parametrize("order", [1, -1])
def test_the_arrays_key_does_not_depend_on_the_order_content_types_are_cached_in(testford, monkeypatch, order):
    from django.contrib.contenttypes.models import ContentType

    monkeypatch.setattr(ranking, "RANKED_MODELS", ranking.RANKED_MODELS[::order])
    ContentType.objects.clear_cache()
    fetched = ranking._registry_key()  # the content types read from the database
    assert ranking._registry_key() == fetched  # and now from the cache
