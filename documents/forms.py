"""The short form that fills a document template: one field per placeholder the template uses."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from core.forms import ErrorSummaryMixin
from documents.render import PLACEHOLDERS, placeholders_in

FORMATS = {"html": "text/html", "docx": "docx", "pdf": "pdf"}
LONG_FIELDS = {"visitors", "purpose"}


class DocumentForm(ErrorSummaryMixin, forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("html", "HTML"), ("docx", "DOCX"), ("pdf", "PDF")],
        initial="html",
        widget=forms.HiddenInput,  # set by the button pressed
    )

    def __init__(self, *args, body: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in placeholders_in(body):
            self.fields[name] = forms.CharField(
                label=PLACEHOLDERS[name],
                required=False,
                max_length=1000 if name in LONG_FIELDS else 300,
                widget=forms.Textarea(attrs={"rows": 3}) if name in LONG_FIELDS else forms.TextInput(),
            )

    @property
    def placeholder_fields(self):
        return [self[name] for name in self.fields if name != "format"]

    def values(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if name != "format"}


def initial_from_link(link) -> dict[str, str]:
    """What a link's record already says: its parties, their countries, its association, date and purposes."""
    parties = list(link.parties.all())
    initial = {"link_title": link.display_title, "today": date_format(dt.date.today(), "j F Y")}
    for key, party in zip(("a", "b"), parties[:2], strict=False):
        initial[f"party_{key}"] = party.display_name
        place = party.home_place
        if place is not None:
            initial[f"country_{key}"] = place.country_name
    association = link.associations.filter(removed=False).first()
    if association is not None:
        initial["association"] = association.name
    if link.agreement_on is not None:
        initial["agreement_date"] = str(link.agreement_on)
    purposes = [str(p.name) for p in link.purposes.all()]
    if purposes:
        initial["purpose"] = ", ".join(purposes)
    return initial
