"""Dates that are known only to the year or the month.

Sources often say "in 1947" or "in March 2018". We store such a date as the
first day of its period plus a precision, and never pretend to know more.
A partial date covers a period [start, end]; status queries order events by
their start and flag answers that fall inside an event's uncertain period.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.db import models
from django.utils import dateformat, translation
from django.utils.translation import gettext, gettext_lazy


class DatePrecision(models.TextChoices):
    YEAR = "year", gettext_lazy("year")
    MONTH = "month", gettext_lazy("month")
    DAY = "day", gettext_lazy("day")


def long_date(date: dt.date) -> str:
    """A day in words, in the active language: "22 March 2022", "22 mars 2022" ("1er mars 2022")."""
    text = dateformat.format(date, "j F Y")
    if date.day == 1 and (translation.get_language() or "").startswith("fr"):
        return "1er" + text[1:]  # French writes the first of the month as an ordinal
    return text


def short_date(date: dt.date) -> str:
    """A day in a table heading: "31 Dec 2022" in English; in full in French ("31 décembre 2022"),
    where Django's three-letter months read oddly ("Déc")."""
    if (translation.get_language() or "en").startswith("en"):
        return dateformat.format(date, "j M Y")
    return long_date(date)


def month_and_year(date: dt.date) -> str:
    """A month in words, in the active language: "March 2022", "mars 2022"."""
    return dateformat.format(date, "F Y")


_PATTERN = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date known to a given precision."""

    start: dt.date
    precision: str = DatePrecision.DAY

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read "1947", "2018-03" or "2022-03-22"; raise ValueError in plain words otherwise."""
        match = _PATTERN.match(str(text))
        if not match:
            raise ValueError(
                gettext(
                    "'%(text)s' is not a date. Write a year (1947), a year and month (2018-03) "
                    "or a full date (2022-03-22)."
                )
                % {"text": text}
            )
        year, month, day = match.groups()
        try:
            if day:
                return cls(dt.date(int(year), int(month), int(day)), DatePrecision.DAY)
            if month:
                return cls(dt.date(int(year), int(month), 1), DatePrecision.MONTH)
            return cls(dt.date(int(year), 1, 1), DatePrecision.YEAR)
        except ValueError as exc:
            raise ValueError(
                gettext("'%(text)s' is not a real calendar date (%(problem)s).") % {"text": text, "problem": exc}
            ) from exc

    @classmethod
    def from_fields(cls, start: dt.date | None, precision: str | None) -> PartialDate | None:
        if start is None:
            return None
        return cls(start, precision or DatePrecision.DAY)

    @property
    def end(self) -> dt.date:
        """The last day this date could mean."""
        if self.precision == DatePrecision.YEAR:
            return dt.date(self.start.year, 12, 31)
        if self.precision == DatePrecision.MONTH:
            last = calendar.monthrange(self.start.year, self.start.month)[1]
            return dt.date(self.start.year, self.start.month, last)
        return self.start

    def is_aligned(self) -> bool:
        """True when the stored start is the first day of its period (as it must be)."""
        if self.precision == DatePrecision.YEAR:
            return (self.start.month, self.start.day) == (1, 1)
        if self.precision == DatePrecision.MONTH:
            return self.start.day == 1
        return True

    def iso(self) -> str:
        if self.precision == DatePrecision.YEAR:
            return f"{self.start.year:04d}"
        if self.precision == DatePrecision.MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return self.start.isoformat()

    def __str__(self) -> str:
        """The date to its precision, in the active language: "2022", "March 2022", "22 March 2022"."""
        if self.precision == DatePrecision.YEAR:
            return str(self.start.year)
        if self.precision == DatePrecision.MONTH:
            return month_and_year(self.start)
        return long_date(self.start)


def precision_constraint(date_field: str, precision_field: str, name: str) -> models.CheckConstraint:
    """A date and its precision are given together or not at all, and the precision is valid."""
    return models.CheckConstraint(
        condition=(
            models.Q(**{f"{date_field}__isnull": True, f"{precision_field}": ""})
            | models.Q(**{f"{date_field}__isnull": False, f"{precision_field}__in": DatePrecision.values})
        ),
        name=name,
    )
