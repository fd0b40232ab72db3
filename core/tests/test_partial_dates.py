import datetime as dt

import pytest

from core.partial_dates import DatePrecision, PartialDate


@pytest.mark.parametrize(
    ("text", "start", "end", "shown"),
    [
        ("1947", dt.date(1947, 1, 1), dt.date(1947, 12, 31), "1947"),
        ("2018-03", dt.date(2018, 3, 1), dt.date(2018, 3, 31), "March 2018"),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "February 2024"),
        ("2022-03-22", dt.date(2022, 3, 22), dt.date(2022, 3, 22), "22 March 2022"),
    ],
)
def test_a_partial_date_covers_its_whole_period(text, start, end, shown):
    date = PartialDate.parse(text)
    assert (date.start, date.end, str(date), date.iso()) == (start, end, shown, text)


@pytest.mark.parametrize("text", ["", "22/03/2022", "March 2022", "2022-13", "2022-02-30", "19477"])
def test_bad_dates_are_refused_with_an_example_of_a_good_one(text):
    with pytest.raises(ValueError) as error:
        PartialDate.parse(text)
    assert "2022" in str(error.value) or "calendar" in str(error.value)


def test_a_year_stored_on_a_day_other_than_1_january_is_not_aligned():
    assert not PartialDate(dt.date(1947, 6, 1), DatePrecision.YEAR).is_aligned()
    assert PartialDate(dt.date(1947, 1, 1), DatePrecision.YEAR).is_aligned()
