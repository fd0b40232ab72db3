"""The Wikipedia country-name table: special cases, the real source files, and unknown text. No database needed."""

from __future__ import annotations

import csv
from pathlib import Path

import pycountry
import pytest

from imports.countries import KOSOVO, WIKIPEDIA_COUNTRIES, CountryRef, country_from_wikipedia

SOURCE_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "wikipedia-twin-cities"
SOURCE_FILES = ("twin_cities_raw.csv", "twin_cities_geocoded.csv")

SPECIAL_CASES = [
    # The UK and its nations.
    ("United Kingdom", CountryRef("GB")),
    ("England", CountryRef("GB", "GB-ENG")),
    ("Scotland", CountryRef("GB", "GB-SCT")),
    ("Wales", CountryRef("GB", "GB-WLS")),
    ("Northern Ireland", CountryRef("GB", "GB-NIR")),
    ("England, United Kingdom", CountryRef("GB", "GB-ENG")),
    ("Scotland, United Kingdom", CountryRef("GB", "GB-SCT")),
    ("Wales, United Kingdom", CountryRef("GB", "GB-WLS")),
    ("Northern Ireland, United Kingdom", CountryRef("GB", "GB-NIR")),
    # Georgia, Ireland, disputed places.
    ("Georgia (country)", CountryRef("GE")),
    ("Georgia", CountryRef("GE")),
    ("Republic of Ireland", CountryRef("IE")),
    ("Ireland", CountryRef("IE")),
    ("Kosovo", CountryRef("XK")),
    ("Palestine", CountryRef("PS")),
    ("West Bank", CountryRef("PS")),
    ("Northern Cyprus", CountryRef("CY")),
    ("Taiwan", CountryRef("TW")),
    ("Western Sahara", CountryRef("EH")),
    # Everyday names.
    ("Faroe Islands", CountryRef("FO")),
    ("East Timor", CountryRef("TL")),
    ("Timor-Leste", CountryRef("TL")),
    ("Ivory Coast", CountryRef("CI")),
    ("Congo", CountryRef("CG")),
    ("Democratic Republic of the Congo", CountryRef("CD")),
    ("Micronesia", CountryRef("FM")),
    ("Federated States of Micronesia", CountryRef("FM")),
    ("Moldavia", CountryRef("MD")),
    ("Eswatini", CountryRef("SZ")),
    ("Cape Verde", CountryRef("CV")),
    ("Laos", CountryRef("LA")),
    ("Brunei", CountryRef("BN")),
    ("North Korea", CountryRef("KP")),
    ("South Korea", CountryRef("KR")),
    ("Russia", CountryRef("RU")),
    ("Turkey", CountryRef("TR")),
    ("Syria", CountryRef("SY")),
    ("Vietnam", CountryRef("VN")),
    ("Iran", CountryRef("IR")),
    ("Bolivia", CountryRef("BO")),
    ("Venezuela", CountryRef("VE")),
    ("Tanzania", CountryRef("TZ")),
    ("Bosnia and Hercegovina", CountryRef("BA")),
    ("Czech Republic", CountryRef("CZ")),
    ("Surinam", CountryRef("SR")),
    ("São Tomé and Príncipe", CountryRef("ST")),
    # Territories with their own code.
    ("Åland Islands, Finland", CountryRef("AX")),
    ("Guadeloupe, France", CountryRef("GP")),
    ("Martinique, France", CountryRef("MQ")),
    ("Réunion, France", CountryRef("RE")),
    ("French Guiana, France", CountryRef("GF")),
    ("Mayotte", CountryRef("YT")),
    ("Bermuda", CountryRef("BM")),
    ("Gibraltar", CountryRef("GI")),
    ("Guam", CountryRef("GU")),
    ("Greenland", CountryRef("GL")),
    ("Isle of Man", CountryRef("IM")),
    ("Jersey", CountryRef("JE")),
    ("Puerto Rico", CountryRef("PR")),
    ("New Caledonia", CountryRef("NC")),
    ("French Polynesia", CountryRef("PF")),
    ("Cook Islands", CountryRef("CK")),
    ("Northern Mariana Islands", CountryRef("MP")),
    ("Falkland Islands", CountryRef("FK")),
    # Regions and states before the country.
    ("Azores, Portugal", CountryRef("PT", "PT-20")),
    ("Algarve, Portugal", CountryRef("PT", qualifier="Algarve")),
    ("Brandenburg, Germany", CountryRef("DE", "DE-BB")),
    ("Lower Saxony, Germany", CountryRef("DE", "DE-NI")),
    ("Mecklenburg-Vorpommern, Germany", CountryRef("DE", "DE-MV")),
    ("New York, United States", CountryRef("US", "US-NY")),
    ("Ohio, United States", CountryRef("US", "US-OH")),
    # Towns that leaked into the column.
    ("Rauma, Norway", CountryRef("NO", qualifier="Rauma")),
    ("Tinn, Norway", CountryRef("NO", qualifier="Tinn")),
    # Misspellings and foreign or stray words.
    ("Grece", CountryRef("GR")),
    ("Japa", CountryRef("JP")),
    ("Kazakhstah", CountryRef("KZ")),
    ("Madagaskar", CountryRef("MG")),
    ("Island", CountryRef("IS")),
    ("in Italy", CountryRef("IT")),
]


def is_real_code(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code pycountry knows, or Kosovo's user-assigned XK."""
    return code == KOSOVO or pycountry.countries.get(alpha_2=code) is not None


@pytest.mark.parametrize(("name", "expected"), SPECIAL_CASES)
def test_special_cases(name: str, expected: CountryRef) -> None:
    assert country_from_wikipedia(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("  england ", CountryRef("GB", "GB-ENG")),
        ("SCOTLAND,  united kingdom", CountryRef("GB", "GB-SCT")),
        ("Aland Islands, Finland", CountryRef("AX")),
        ("reunion, france", CountryRef("RE")),
        ("sao tome and principe", CountryRef("ST")),
        ("Côte d’Ivoire", CountryRef("CI")),
        ("Türkiye", CountryRef("TR")),
        ("Germany", CountryRef("DE")),
        ("Russian Federation", CountryRef("RU")),
    ],
)
def test_case_accents_and_spacing_do_not_matter(name: str, expected: CountryRef) -> None:
    assert country_from_wikipedia(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Bavaria, Germany", CountryRef("DE", qualifier="Bavaria")),
        ("Cardiff, Wales", CountryRef("GB", "GB-WLS", qualifier="Cardiff")),
        ("Ålesund, Norway", CountryRef("NO", qualifier="Ålesund")),
    ],
)
def test_an_unlisted_place_before_the_country_becomes_a_qualifier(name: str, expected: CountryRef) -> None:
    assert country_from_wikipedia(name) == expected


@pytest.mark.parametrize("name", ["", "   ", "Narnia", "Narnia, Middle-earth", ", France"])
def test_unknown_or_empty_text_is_none(name: str) -> None:
    assert country_from_wikipedia(name) is None


@pytest.mark.parametrize(("name", "ref"), sorted(WIKIPEDIA_COUNTRIES.items()))
def test_the_table_only_emits_real_codes(name: str, ref: CountryRef) -> None:
    assert is_real_code(ref.code), f"{name}: {ref.code} is not an ISO 3166-1 code"
    if ref.subdivision:
        sub = pycountry.subdivisions.get(code=ref.subdivision)
        assert sub is not None, f"{name}: {ref.subdivision} is not an ISO 3166-2 code"
        assert sub.country_code == ref.code, f"{name}: {ref.subdivision} is not in {ref.code}"
        assert sub.parent_code is None, f"{name}: {ref.subdivision} is not first-level"


def test_every_country_in_the_wikipedia_files_maps() -> None:
    paths = [SOURCE_DIR / name for name in SOURCE_FILES]
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        pytest.skip(f"Wikipedia twin-cities data not found (looked for {', '.join(missing)})")
    names: set[str] = set()
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                names.update((row["country1"], row["country2"]))
    names.discard("")
    unmapped = sorted(name for name in names if country_from_wikipedia(name) is None)
    assert not unmapped, f"no country for: {unmapped}"
    wrong = sorted(name for name in names if not is_real_code(country_from_wikipedia(name).code))
    assert not wrong, f"not an ISO code: {wrong}"
    assert len(names) >= 238  # the 2026 scrape; fewer means the files or the reader changed
