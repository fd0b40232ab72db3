"""The search form: validates URL parameters and explains bad ones in plain words."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

from core.forms import ChoiceField, MultipleChoiceField, OneValueEach, names_field, shown
from core.widgets import FastSelect
from health.models import HealthState
from links.models import LinkKind, LinkStatus, Purpose
from links.purposes import purpose_name
from links.selectors import UNKNOWN, LinkSearch
from places.geography import UK_NATIONS, country_choices, is_country_code, subdivision_label
from places.selectors import countries_in_registry

STATUS_CHOICES = [(s.value, s.label) for s in LinkStatus if s != LinkStatus.REAFFIRMED] + [
    (UNKNOWN, gettext_lazy("status not recorded"))
]


def year_field(label: str, example: int) -> forms.IntegerField:
    """A year typed in a filter, with messages that say what to type."""
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1000,
        max_value=2100,
        error_messages={
            "invalid": lazy(lambda: gettext("Enter a year such as %(example)s.") % {"example": example}, str)(),
            "min_value": gettext_lazy("Enter a year after 1000."),
            "max_value": gettext_lazy("Enter a year before 2100."),
        },
    )


class StatusesField(MultipleChoiceField):
    """Ticked statuses. An empty value (status=) means "any", as it does for every other filter."""

    def to_python(self, value: object) -> list[str]:
        return [v for v in super().to_python(value) if v != ""]


class SearchForm(OneValueEach, forms.Form):
    q = forms.CharField(label=gettext_lazy("Place, institution or link name"), required=False, max_length=200)
    country = forms.CharField(label=gettext_lazy("A party in country"), required=False, widget=FastSelect)
    partner_country = forms.CharField(label=gettext_lazy("Partner in country"), required=False, widget=FastSelect)
    subdivision = ChoiceField(
        label=gettext_lazy("UK nation"),
        required=False,
        choices=lambda: [("", gettext("Any"))] + [(code, subdivision_label(code)) for code in UK_NATIONS],
    )
    kind = ChoiceField(
        label=gettext_lazy("Kind of link"), required=False, choices=[("", gettext_lazy("Any kind"))] + LinkKind.choices
    )
    purpose = ChoiceField(label=gettext_lazy("Purpose"), required=False)
    as_of = forms.DateField(
        label=gettext_lazy("Status on date"),
        required=False,
        help_text=gettext_lazy("For example 2022-12-31. Leave empty for today."),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter the date as year-month-day, for example 2022-12-31.")},
    )
    status = StatusesField(
        label=gettext_lazy("Status on that date"),
        required=False,
        choices=STATUS_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    year_from = year_field(gettext_lazy("Began from year"), example=1945)
    year_to = year_field(gettext_lazy("Began up to year"), example=1990)

    health = ChoiceField(
        label=gettext_lazy("Health"),
        required=False,
        choices=[("", gettext_lazy("Any health"))] + HealthState.choices,
        help_text=gettext_lazy(
            "Whether anything still happens on the link, from its activities and verifications: "
            "apart from its decided status."
        ),
    )
    needs_verification = forms.BooleanField(
        label=gettext_lazy("Only links that need verification"),
        required=False,
        help_text=gettext_lazy(
            "Links an imported list stopped listing: they may have ended, or the list may be wrong."
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Offer the countries the registry holds (a short list for slow connections), but accept
        # any ISO code in a shared URL.
        present = set(countries_in_registry())
        for name in ("country", "partner_country"):
            chosen = str(self.data.get(name, "")).upper()
            self.fields[name].widget.choices = [("", gettext("Any country"))] + [
                (code, label) for code, label in country_choices() if code in present or code == chosen
            ]
        self.fields["purpose"].choices = [("", gettext("Any purpose"))] + [
            (slug, purpose_name(name)) for slug, name in Purpose.objects.values_list("slug", "name")
        ]
        for name in ("subdivision", "kind", "purpose", "health"):
            # %%(value)s stays for the field to fill in.
            self.fields[name].error_messages["invalid_choice"] = gettext(
                "'%%(value)s' is not one of the choices for '%(label)s'. Pick one from the list."
            ) % {"label": self.fields[name].label}
        self.fields["status"].error_messages["invalid_choice"] = gettext(
            "'%%(value)s' is not one of the choices for '%(label)s'. Use one of: %(values)s."
        ) % {"label": self.fields["status"].label, "values": ", ".join(value for value, _label in STATUS_CHOICES)}

    def _country(self, name: str) -> str:
        code = self.cleaned_data[name].strip().upper()
        if code and not is_country_code(code):
            raise forms.ValidationError(
                gettext("'%(code)s' is not a country code. Use the two-letter ISO code, such as GB, FR or RU.")
                % {"code": shown(code)}
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
            self.add_error(
                "year_to",
                gettext("'%(to_label)s' (%(end)s) is before '%(from_label)s' (%(start)s). Swap them.")
                % {
                    "to_label": self["year_to"].label,
                    "end": end,
                    "from_label": self["year_from"].label,
                    "start": start,
                },
            )
        as_of = data.get("as_of")
        if as_of and as_of > dt.date.today() + dt.timedelta(days=366 * 5):
            self.add_error(
                "as_of", gettext("That date is far in the future; the registry only knows decisions made so far.")
            )
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
                named = (
                    error
                    if names_field(error, label)
                    else gettext("%(label)s: %(error)s") % {"label": label, "error": error}
                )
                items.append((anchor, named))
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
            health=data.get("health") or "",
        )
