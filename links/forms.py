"""The search form: validates URL parameters and explains bad ones in plain words."""

from __future__ import annotations

import datetime as dt

from django import forms

from core.forms import ChoiceField, MultipleChoiceField, OneValueEach, shown
from core.widgets import FastSelect
from links.models import LinkKind, LinkStatus, Purpose
from links.selectors import UNKNOWN, LinkSearch
from places.geography import UK_NATIONS, country_choices, is_country_code, subdivision_name
from places.selectors import countries_in_registry

STATUS_CHOICES = [(s.value, s.label) for s in LinkStatus if s != LinkStatus.REAFFIRMED] + [
    (UNKNOWN, "status not recorded")
]


def year_field(label: str, example: int) -> forms.IntegerField:
    """A year typed in a filter, with messages that say what to type."""
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1000,
        max_value=2100,
        error_messages={
            "invalid": f"Enter a year such as {example}.",
            "min_value": "Enter a year after 1000.",
            "max_value": "Enter a year before 2100.",
        },
    )


class StatusesField(MultipleChoiceField):
    """Ticked statuses. An empty value (status=) means "any", as it does for every other filter."""

    def to_python(self, value: object) -> list[str]:
        return [v for v in super().to_python(value) if v != ""]


class SearchForm(OneValueEach, forms.Form):
    q = forms.CharField(label="Place, institution or link name", required=False, max_length=200)
    country = forms.CharField(label="A party in country", required=False, widget=FastSelect)
    partner_country = forms.CharField(label="Partner in country", required=False, widget=FastSelect)
    subdivision = ChoiceField(
        label="UK nation",
        required=False,
        choices=[("", "Any")] + [(code, subdivision_name(code)) for code in UK_NATIONS],
    )
    kind = ChoiceField(label="Kind of link", required=False, choices=[("", "Any kind")] + LinkKind.choices)
    purpose = ChoiceField(label="Purpose", required=False)
    as_of = forms.DateField(
        label="Status on date",
        required=False,
        help_text="For example 2022-12-31. Leave empty for today.",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as year-month-day, for example 2022-12-31."},
    )
    status = StatusesField(
        label="Status on that date", required=False, choices=STATUS_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    year_from = year_field("Began from year", example=1945)
    year_to = year_field("Began up to year", example=1990)

    needs_verification = forms.BooleanField(
        label="Only links that need verification",
        required=False,
        help_text="Links an imported list stopped listing: they may have ended, or the list may be wrong.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Offer the countries the registry holds (a short list for slow connections), but accept
        # any ISO code in a shared URL.
        present = set(countries_in_registry())
        for name in ("country", "partner_country"):
            chosen = str(self.data.get(name, "")).upper()
            self.fields[name].widget.choices = [("", "Any country")] + [
                (code, label) for code, label in country_choices() if code in present or code == chosen
            ]
        self.fields["purpose"].choices = [("", "Any purpose")] + list(Purpose.objects.values_list("slug", "name"))
        for name in ("subdivision", "kind", "purpose"):
            self.fields[name].error_messages["invalid_choice"] = (
                f"'%(value)s' is not one of the choices for '{self.fields[name].label}'. Pick one from the list."
            )
        self.fields["status"].error_messages["invalid_choice"] = (
            f"'%(value)s' is not one of the choices for '{self.fields['status'].label}'. Use one of: "
            + ", ".join(value for value, _label in STATUS_CHOICES)
            + "."
        )

    def _country(self, name: str) -> str:
        code = self.cleaned_data[name].strip().upper()
        if code and not is_country_code(code):
            raise forms.ValidationError(
                f"'{shown(code)}' is not a country code. Use the two-letter ISO code, such as GB, FR or RU."
            )
        return code

    def clean_country(self) -> str:
        return self._country("country")

    def clean_partner_country(self) -> str:
        return self._country("partner_country")

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("year_from"), data.get("year_to")
        if start is not None and end is not None and start > end:
            self.add_error("year_to", f"'Began up to year' ({end}) is before 'Began from year' ({start}). Swap them.")
        as_of = data.get("as_of")
        if as_of and as_of > dt.date.today() + dt.timedelta(days=366 * 5):
            self.add_error("as_of", "That date is far in the future; the registry only knows decisions made so far.")
        return data

    def error_summary(self) -> list[tuple[str, str]]:
        """(the field's id, the message) for each error, each message naming its field, for the
        page's error summary: "Status on date: Enter the date as year-month-day ..."."""
        items = []
        for field in self:
            label = str(field.label)
            # A list of checkboxes has no one id to point at: point at its first box.
            anchor = field.id_for_label or f"{field.auto_id}_0"
            for error in field.errors:
                items.append((anchor, error if f"'{label}'" in error else f"{label}: {error}"))
        return items

    def to_search(self) -> LinkSearch:
        data = self.cleaned_data
        return LinkSearch(
            q=data.get("q") or "",
            country=data.get("country") or "",
            partner_country=data.get("partner_country") or "",
            subdivision=data.get("subdivision") or "",
            kind=data.get("kind") or "",
            purpose=data.get("purpose") or "",
            status=list(data.get("status") or []),
            as_of=data.get("as_of"),
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            needs_verification=bool(data.get("needs_verification")),
        )
