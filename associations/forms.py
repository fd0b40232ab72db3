"""Forms of the association pages: the list's search, writing to an association, reporting a
message, and the editors' forms. Every message says what to do, in plain words."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from associations.models import FIRST_COUNT_YEAR, AgeBand, Association, CommitteeRole, Contact, MemberCount
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


MAX_MEMBERS = 1_000_000


class MemberCountsForm(ErrorSummaryMixin, forms.Form):
    """One year's anonymous counts of members, one field per age band. Recording a new year, or
    (with `year` fixed and the versions the page showed) correcting one."""

    year = forms.IntegerField(
        label=_("Year"),
        help_text=_("The year the counts are for, e.g. the year of your annual meeting."),
        error_messages={
            "required": _("Enter the year the counts are for, for example 2024."),
            "invalid": _("Enter the year as four digits, for example 2024."),
        },
    )

    def __init__(self, *args: object, correcting: list[MemberCount] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.correcting = {row.band: row for row in correcting or []}
        for band in AgeBand:
            self.fields[f"count_{band.value}"] = forms.IntegerField(
                label=gettext("Members aged %(band)s") % {"band": band.label},
                min_value=0,
                max_value=MAX_MEMBERS,
                error_messages={
                    "required": gettext("Enter how many members were aged %(band)s: 0 if there were none.")
                    % {"band": band.label},
                    "invalid": gettext("Enter the number of members aged %(band)s as a whole number, such as 12.")
                    % {"band": band.label},
                    "min_value": gettext("A count cannot be below 0: enter 0 if no members were aged %(band)s.")
                    % {"band": band.label},
                    "max_value": gettext("Enter at most %(max)s members aged %(band)s.")
                    % {"band": band.label, "max": f"{MAX_MEMBERS:,}"},
                },
                widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            )
            if band.value in self.correcting:
                self.fields[f"version_{band.value}"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
                self.initial.setdefault(f"count_{band.value}", self.correcting[band.value].count)
                self.initial.setdefault(f"version_{band.value}", self.correcting[band.value].version)
        if self.correcting:
            year = next(iter(self.correcting.values())).year
            self.initial["year"] = year
            self.fields["year"].disabled = True
            self.fields["year"].help_text = ""

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        this_year = timezone.localdate().year
        if year > this_year:
            raise forms.ValidationError(
                gettext("%(year)s has not come yet: record the counts of this year (%(now)s) or an earlier one.")
                % {"year": year, "now": this_year}
            )
        if year < FIRST_COUNT_YEAR:
            raise forms.ValidationError(
                gettext("Enter a year from %(first)s on, for example 2024.") % {"first": FIRST_COUNT_YEAR}
            )
        return year

    def counts(self) -> dict[str, int]:
        return {band: self.cleaned_data[f"count_{band}"] for band in AgeBand.values}

    def versions(self) -> dict[str, int] | None:
        if not self.correcting:
            return None
        return {band: self.cleaned_data.get(f"version_{band}") or row.version for band, row in self.correcting.items()}
