"""Forms of the health pages: recording an activity, confirming a link still runs, choosing a council's place."""

from __future__ import annotations

from collections.abc import Collection

from django import forms
from django.utils.translation import gettext, gettext_lazy

from core.forms import ChoiceField, ErrorSummaryMixin, OneValueEach, PartialDateField, one_line, shown
from health.models import Activity, ActivityKind
from links.models import Link
from sources.forms import registry_source
from sources.models import Source

# What a service's ValidationError names, as the form's field.
SERVICE_FIELDS = {"date": "when", "date_precision": "when", "travelling_party_id": "travelling_party"}


class ActivityForm(ErrorSummaryMixin, forms.Form):
    service_renames = SERVICE_FIELDS
    kind = ChoiceField(label=gettext_lazy("What happened"), choices=ActivityKind.choices)
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        help_text=gettext_lazy("For example: Mayor's delegation to Volgograd, or Youth orchestra exchange."),
    )
    when = PartialDateField(label=gettext_lazy("Date"))
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    travelling_party = ChoiceField(
        label=gettext_lazy("Who travelled"),
        required=False,
        help_text=gettext_lazy("For a visit or an exchange: which side went to the other."),
    )
    participants = forms.IntegerField(
        label=gettext_lazy("People taking part"), required=False, min_value=0, max_value=1_000_000
    )
    participants_under_30 = forms.IntegerField(
        label=gettext_lazy("Of them, under 30"), required=False, min_value=0, max_value=1_000_000
    )
    cost = forms.DecimalField(
        label=gettext_lazy("Cost"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=gettext_lazy("Where known, for example 3500."),
    )
    cost_currency = forms.CharField(
        label=gettext_lazy("Currency"),
        required=False,
        max_length=3,
        help_text=gettext_lazy("ISO 4217 code, for example GBP or EUR."),
    )
    source_url = forms.URLField(
        label=gettext_lazy("Web address of the source"),
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text=gettext_lazy("A report, an article or a page that tells of it, if there is one."),
    )
    source = forms.CharField(
        label=gettext_lazy("Or a source already in the registry"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy(
            "Its number, or the address of its page on this hub: open the source's page and copy the address "
            "from the top of your browser, e.g. https://…/sources/12/…"
        ),
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: object,
        link: Link,
        activity: Activity | None = None,
        hosts: Collection[str] = (),
        **kwargs: object,
    ) -> None:
        if activity is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": activity.kind,
                "title": activity.title,
                "when": activity.when,
                "description": activity.description,
                "travelling_party": activity.travelling_party_id or "",
                "participants": activity.participants,
                "participants_under_30": activity.participants_under_30,
                "cost": activity.cost,
                "cost_currency": activity.cost_currency,
                "source_url": activity.source_url,
                "source": str(activity.source_id or ""),
                "edit_version": activity.version,
            }
        super().__init__(*args, **kwargs)
        self.link = link
        self.hosts = set(hosts)
        self.parties = {party.pk: party for party in link.parties.all()}
        self.fields["travelling_party"].choices = [("", gettext("Nobody travelled, or not known"))] + [
            (str(pk), party.display_name) for pk, party in self.parties.items()
        ]
        self.fields["kind"].error_messages["invalid_choice"] = gettext(
            "'%(value)s' is not one of the kinds of activity. Pick one from the list."
        )
        self.fields["travelling_party"].error_messages["invalid_choice"] = gettext(
            "'%(value)s' is not one of this link's parties. Pick one from the list."
        )

    def clean_title(self) -> str:
        return one_line(self.cleaned_data["title"].strip(), str(self.fields["title"].label))

    def clean_source(self) -> Source | None:
        return registry_source(self.cleaned_data["source"], hosts=self.hosts)

    def clean_cost_currency(self) -> str:
        code = self.cleaned_data["cost_currency"].strip().upper()
        if code and not (len(code) == 3 and code.isascii() and code.isalpha()):
            raise forms.ValidationError(
                gettext("'%(code)s' is not a currency code. Use three letters, such as GBP or EUR.")
                % {"code": shown(code)}
            )
        return code

    def clean(self) -> dict:
        data = super().clean()
        everyone, young = data.get("participants"), data.get("participants_under_30")
        if everyone is not None and young is not None and young > everyone:
            self.add_error(
                "participants_under_30",
                gettext("More people under 30 (%(young)s) than people taking part (%(all)s): check both numbers.")
                % {"young": young, "all": everyone},
            )
        if data.get("cost") is not None and not data.get("cost_currency"):
            self.add_error("cost_currency", gettext("Give the currency of the cost, for example GBP or EUR."))
        return data

    def service_arguments(self) -> dict[str, object]:
        data = self.cleaned_data
        party = data.get("travelling_party")
        return {
            "kind": data["kind"],
            "title": data["title"],
            "when": data["when"],
            "description": data.get("description") or "",
            "travelling_party": self.parties.get(int(party)) if party else None,
            "participants": data.get("participants"),
            "participants_under_30": data.get("participants_under_30"),
            "cost": data.get("cost"),
            "cost_currency": data.get("cost_currency") or "",
            "source_url": data.get("source_url") or "",
            "source": data.get("source"),
        }


class VerifyForm(ErrorSummaryMixin, forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("How you know, for example: spoke to the association's secretary on 3 March."),
    )


class PlaceChoiceForm(OneValueEach, forms.Form):
    """The dashboard's `place` parameter: a place's number."""

    place = forms.IntegerField(label=gettext_lazy("Place number"), required=False, min_value=1, max_value=2**62)
