"""Forms of the association pages: the list's search, writing to an association, reporting a
message, and the editors' forms. Every message says what to do, in plain words."""

from __future__ import annotations

import unicodedata

from django import forms

from associations.models import Association, CommitteeRole, Contact
from core.antibot import HumanFormMixin
from core.forms import ErrorSummaryMixin, OneValueEach, VersionedModelForm, shown
from core.widgets import FastSelect
from places.geography import country_choices, is_country_code


def _no_control_characters(value: str, label: str) -> str:
    """One line of text: refuse line breaks and other control characters (they have no place in a
    name, and in an email header they would be an injection)."""
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise forms.ValidationError(f"'{label}' must be one line of plain text, without line breaks or tabs.")
    return value


class AssociationSearchForm(ErrorSummaryMixin, OneValueEach, forms.Form):
    q = forms.CharField(label="Association name", required=False, max_length=200)
    country = forms.CharField(label="Runs a link with a party in", required=False, widget=FastSelect)

    def __init__(self, *args: object, countries: list[str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        present = set(countries or [])
        chosen = str(self.data.get("country", "")).upper()
        self.fields["country"].widget.choices = [("", "Any country")] + [
            (code, label) for code, label in country_choices() if code in present or code == chosen
        ]

    def clean_country(self) -> str:
        code = self.cleaned_data["country"].strip().upper()
        if code and not is_country_code(code):
            raise forms.ValidationError(
                f"'{shown(code)}' is not a country code. Use the two-letter ISO code, such as GB, FR or RU."
            )
        return code


class ContactForm(ErrorSummaryMixin, HumanFormMixin):
    """Writing to an association. The sender gives a name and a reply address; the hub forwards
    the message and never shows them the association's address."""

    field_order = ["name", "email", "message"]

    name = forms.CharField(
        label="Your name",
        max_length=200,
        error_messages={
            "required": "Enter your name, so the association knows who is writing.",
            "max_length": "Your name can be at most %(limit_value)d characters (it has %(show_value)d).",
        },
    )
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="The association replies to this address. It is not shown on the hub.",
        error_messages={
            "required": "Enter your email address, so the association can reply.",
            "invalid": "Enter your email address in the form name@example.org.",
            "max_length": "An email address can be at most %(limit_value)d characters (this has %(show_value)d).",
        },
    )
    message = forms.CharField(
        label="Your message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 60}),
        error_messages={
            "required": "Write your message.",
            "max_length": "Your message can be at most %(limit_value)d characters (it has %(show_value)d). "
            "Shorten it, or say the rest in a reply.",
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started"].error_messages["required"] = "Reload the page and try again."

    def clean_name(self) -> str:
        return _no_control_characters(self.cleaned_data["name"], "Your name")


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong with it (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        error_messages={"max_length": "Say it in at most %(limit_value)d characters (this has %(show_value)d)."},
    )


# ---------------------------------------------------------------- editors' forms


class AssociationForm(ErrorSummaryMixin, VersionedModelForm):
    class Meta:
        model = Association
        fields = ["name", "website", "meeting_place", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6, "cols": 60})}


class DateInput(forms.DateInput):
    input_type = "date"


DATE_ERRORS = {"invalid": "Enter the date as year-month-day, for example 2024-03-01."}


class CommitteeRoleForm(ErrorSummaryMixin, forms.ModelForm):
    class Meta:
        model = CommitteeRole
        fields = ["person", "role", "title", "term_start", "term_end"]
        labels = {"person": "Name", "title": "Title", "term_start": "Term began", "term_end": "Term ended"}
        help_texts = {"term_end": "Leave empty while the term runs."}
        widgets = {"term_start": DateInput(format="%Y-%m-%d"), "term_end": DateInput(format="%Y-%m-%d")}
        error_messages = {"term_start": DATE_ERRORS, "term_end": DATE_ERRORS}

    def clean_person(self) -> str:
        return _no_control_characters(self.cleaned_data["person"], "Name")


class CommitteeEndForm(ErrorSummaryMixin, forms.Form):
    term_end = forms.DateField(
        label="Term ended on",
        widget=DateInput(format="%Y-%m-%d"),
        error_messages=DATE_ERRORS | {"required": "Enter the date the term ended."},
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, committee_role: CommitteeRole, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.committee_role = committee_role
        self.initial.setdefault("edit_version", committee_role.version)

    def clean_term_end(self) -> object:
        end = self.cleaned_data["term_end"]
        if end < self.committee_role.term_start:
            raise forms.ValidationError(
                f"The term cannot end before it began ({self.committee_role.term_start:%Y-%m-%d})."
            )
        return end


class ContactEditForm(ErrorSummaryMixin, VersionedModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone", "postal_address", "public"]
        labels = {"public": "Show these details to everyone"}
        widgets = {"postal_address": forms.Textarea(attrs={"rows": 4, "cols": 40})}

    def clean_name(self) -> str:
        return _no_control_characters(self.cleaned_data["name"], "Name")

    def clean_phone(self) -> str:
        return _no_control_characters(self.cleaned_data["phone"], "Phone")


class ConfirmForm(forms.Form):
    """A button that confirms a change, carrying the version the page showed."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
