"""Forms of the association pages: the list's search, writing to an association, reporting a
message, and the editors' forms. Every message says what to do, in plain words."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from associations.models import Association, CommitteeRole, Contact
from core.antibot import HumanFormMixin
from core.forms import ErrorSummaryMixin, OneValueEach, VersionedModelForm, one_line, shown
from core.widgets import FastSelect
from places.geography import country_choices, is_country_code


class AssociationSearchForm(ErrorSummaryMixin, OneValueEach, forms.Form):
    q = forms.CharField(label=_("Association name"), required=False, max_length=200)
    country = forms.CharField(label=_("Runs a link with a party in"), required=False, widget=FastSelect)

    def __init__(self, *args: object, countries: list[str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        present = set(countries or [])
        chosen = str(self.data.get("country", "")).upper()
        self.fields["country"].widget.choices = [("", gettext("Any country"))] + [
            (code, label) for code, label in country_choices() if code in present or code == chosen
        ]

    def clean_country(self) -> str:
        code = self.cleaned_data["country"].strip().upper()
        if code and not is_country_code(code):
            raise forms.ValidationError(
                gettext("'%(code)s' is not a country code. Use the two-letter ISO code, such as GB, FR or RU.")
                % {"code": shown(code)}
            )
        return code


class ContactForm(ErrorSummaryMixin, HumanFormMixin):
    """Writing to an association. The sender gives a name and a reply address; the hub forwards
    the message and never shows them the association's address."""

    field_order = ["name", "email", "message"]

    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        error_messages={
            "required": _("Enter your name, so the association knows who is writing."),
            "max_length": _("Your name can be at most %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("The association replies to this address. It is not shown on the hub."),
        error_messages={
            "required": _("Enter your email address, so the association can reply."),
            "invalid": _("Enter your email address in the form name@example.org."),
            "max_length": _("An email address can be at most %(limit_value)d characters (this has %(show_value)d)."),
        },
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 60}),
        error_messages={
            "required": _("Write your message."),
            "max_length": _(
                "Your message can be at most %(limit_value)d characters (it has %(show_value)d). "
                "Shorten it, or say the rest in a reply."
            ),
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started"].error_messages["required"] = gettext("Reload the page and try again.")
        self.fields["website"].label = gettext("Leave this field empty")  # the honeypot, for screen readers

    def clean_name(self) -> str:
        return one_line(self.cleaned_data["name"], _("Your name"))


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with it (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        error_messages={"max_length": _("Say it in at most %(limit_value)d characters (this has %(show_value)d).")},
    )


# ---------------------------------------------------------------- editors' forms


class AssociationForm(ErrorSummaryMixin, VersionedModelForm):
    class Meta:
        model = Association
        fields = ["name", "website", "meeting_place", "description"]
        labels = {
            "name": _("Name"),
            "website": _("Website"),
            "meeting_place": _("Meeting place"),
            "description": _("Description"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 6, "cols": 60})}


class DateInput(forms.DateInput):
    input_type = "date"


DATE_ERRORS = {"invalid": _("Enter the date as year-month-day, for example 2024-03-01.")}


class CommitteeRoleForm(ErrorSummaryMixin, forms.ModelForm):
    class Meta:
        model = CommitteeRole
        fields = ["person", "role", "title", "term_start", "term_end"]
        labels = {
            "person": _("Name"),
            "role": _("Role"),
            "title": _("Title"),
            "term_start": _("Term began"),
            "term_end": _("Term ended"),
        }
        help_texts = {"term_end": _("Leave empty while the term runs.")}
        widgets = {"term_start": DateInput(format="%Y-%m-%d"), "term_end": DateInput(format="%Y-%m-%d")}
        error_messages = {"term_start": DATE_ERRORS, "term_end": DATE_ERRORS}

    def clean_person(self) -> str:
        return one_line(self.cleaned_data["person"], _("Name"))


class CommitteeEndForm(ErrorSummaryMixin, forms.Form):
    term_end = forms.DateField(
        label=_("Term ended on"),
        widget=DateInput(format="%Y-%m-%d"),
        error_messages=DATE_ERRORS | {"required": _("Enter the date the term ended.")},
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
                gettext("The term cannot end before it began (%(start)s).")
                % {"start": f"{self.committee_role.term_start:%Y-%m-%d}"}
            )
        return end


class ContactEditForm(ErrorSummaryMixin, VersionedModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone", "postal_address", "public"]
        labels = {
            "name": _("Name"),
            "role": _("Role"),
            "email": _("Email"),
            "phone": _("Phone"),
            "postal_address": _("Postal address"),
            "public": _("Show these details to everyone"),
        }
        widgets = {"postal_address": forms.Textarea(attrs={"rows": 4, "cols": 40})}

    def clean_name(self) -> str:
        return one_line(self.cleaned_data["name"], _("Name"))

    def clean_phone(self) -> str:
        return one_line(self.cleaned_data["phone"], _("Phone"))


class ConfirmForm(forms.Form):
    """A button that confirms a change, carrying the version the page showed."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
