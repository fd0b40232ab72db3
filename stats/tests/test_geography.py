"""Continents from GeoNames, and how sentences name a country."""

from stats.geography import continent_name, continent_of, country_phrase


def test_continents_of_countries():
    assert [continent_name(continent_of(code)) for code in ("FR", "ru", "JP", "NI", "VE", "SL", "NZ", "AQ")] == [
        "Europe",
        "Europe",
        "Asia",
        "North America",
        "South America",
        "Africa",
        "Oceania",
        "Antarctica",
    ]
    assert continent_name(continent_of("XK")) == "Europe"  # Kosovo's user-assigned code
    assert continent_name(continent_of("ZZ")) == "Continent not known"


def test_country_phrases():
    assert country_phrase("GB") == "the UK"
    assert country_phrase("NL") == "the Netherlands"
    assert country_phrase("FR") == "France"
    assert country_phrase("AE") == "the United Arab Emirates"
