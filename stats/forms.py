"""The statistics page's filters: the search page's form, with its country filter as the page's country chooser."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext

from core.text import fold
from links.forms import SearchForm
from places.geography import country_label

DEFAULT_COUNTRY = "GB"


class StatisticsForm(SearchForm):
    """Every filter of the search page. `country` ("a party in country" there) chooses whose links are counted.

    The two pages share their URL parameters, so `/statistics/?country=GB&partner_country=RU`
    counts exactly the links `/search?country=GB&partner_country=RU` lists.
    """

    def __init__(self, data: QueryDict | None = None, *args: object, **kwargs: object) -> None:
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("country", "").strip():
            data["country"] = DEFAULT_COUNTRY
        super().__init__(data, *args, **kwargs)
        field = self.fields["country"]
        field.label = gettext("Statistics for the links of")
        field.help_text = gettext("Links with a party in this country. Their other parties are the partners.")
        choices = [(code, label) for code, label in field.widget.choices if code]
        if DEFAULT_COUNTRY not in {code for code, _ in choices}:
            choices = sorted(
                [*choices, (DEFAULT_COUNTRY, country_label(DEFAULT_COUNTRY))], key=lambda pair: fold(pair[1])
            )
        field.widget.choices = choices

    @property
    def country(self) -> str:
        return self.cleaned_data.get("country") or DEFAULT_COUNTRY
