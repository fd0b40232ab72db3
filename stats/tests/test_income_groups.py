"""The World Bank income-group file: well-formed, complete for the four groups, and right where it is easy to check."""

import csv

import pycountry

from stats.income_groups import DATA_FILE, GROUPS, NOT_CLASSIFIED, income_group, income_groups


def rows() -> list[dict[str, str]]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_file_has_the_documented_columns_and_one_row_per_code():
    data = rows()
    assert list(data[0]) == ["iso2", "name", "income_group"]
    codes = [row["iso2"] for row in data]
    assert len(codes) == len(set(codes))
    # The World Bank classifies 217 economies for FY2025 (the Channel Islands are written as GG and JE).
    assert len(codes) == 218


def test_every_code_is_an_iso_country_or_kosovo_and_every_group_one_of_four():
    for row in rows():
        assert row["iso2"] == "XK" or pycountry.countries.get(alpha_2=row["iso2"]), row
        assert row["income_group"] in GROUPS, row
        assert row["name"].strip(), row


def test_well_known_classifications_for_fy2025():
    assert income_group("GB") == "High income"
    assert income_group("NI") == "Lower middle income"
    assert income_group("SL") == "Low income"
    assert income_group("CN") == "Upper middle income"
    assert income_group("IN") == "Lower middle income"
    # Changes that took effect in July 2024 (FY2025), and one that did not yet.
    assert income_group("RU") == "High income"
    assert income_group("UA") == "Upper middle income"
    assert income_group("PS") == "Lower middle income"
    assert income_group("NA") == "Upper middle income"
    assert income_group("XK") == "Upper middle income"
    assert income_group("gb") == "High income"


def test_venezuela_and_unlisted_territories_are_not_classified():
    assert income_group("VE") == NOT_CLASSIFIED
    assert income_group("FK") == NOT_CLASSIFIED
    assert "VE" not in income_groups()


def test_the_file_is_read_once():
    assert income_groups() is income_groups()
    assert sorted(income_groups().values()).count("Low income") == 26
