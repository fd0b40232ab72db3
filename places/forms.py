"""The map page's one filter: whose links it shows (a country, as the search and statistics pages' `country`)."""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext, gettext_lazy

from core.forms import ErrorSummaryMixin, OneValueEach, shown
from core.widgets import FastSelect
from places.geography import country_choices, is_country_code
from places.selectors import countries_in_registry

DEFAULT_COUNTRY = "GB"


class CountryMapForm(ErrorSummaryMixin, OneValueEach, forms.Form):
    country = forms.CharField(
        label=gettext_lazy("Show the links of"),
        help_text=gettext_lazy("Links with a party in this country. The map shows their other parties: the partners."),
        required=False,
        widget=FastSelect,
    )

    def __init__(self, data: QueryDict | None = None, *args: object, **kwargs: object) -> None:
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("country", "").strip():
            data["country"] = DEFAULT_COUNTRY  # so that the list shows the country the map does
        super().__init__(data, *args, **kwargs)
        # The countries the registry holds places in (a short list), and any valid code a shared URL names.
        present = set(countries_in_registry()) | {DEFAULT_COUNTRY}
        chosen = str(self.data.get("country", "")).strip().upper()
        self.fields["country"].widget.choices = [
            (code, label) for code, label in country_choices() if code in present or code == chosen
        ]

    def clean_country(self) -> str:
        code = self.cleaned_data["country"].strip().upper() or DEFAULT_COUNTRY
        if not is_country_code(code):
            raise forms.ValidationError(
                gettext("'%(code)s' is not a country code. Use the two-letter ISO code, such as GB, FR or RU.")
                % {"code": shown(code)}
            )
        return code

    @property
    def chosen_country(self) -> str:
        """The country asked for (GB when none is); only after is_valid()."""
        return self.cleaned_data.get("country") or DEFAULT_COUNTRY
