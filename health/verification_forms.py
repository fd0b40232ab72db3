"""The forms on the pages an emailed "Is this link still active?" link opens."""

from __future__ import annotations

from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from core.forms import ErrorSummaryMixin, PartialDateField, one_line
from core.partial_dates import PartialDate

TOO_LONG = gettext_lazy("Say it in at most %(limit_value)d characters (this has %(show_value)d).")


class AnswerForm(ErrorSummaryMixin, forms.Form):
    """'Still active': a button, and room for a word."""

    note = forms.CharField(
        label=gettext_lazy("Anything to add (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=gettext_lazy("For example what happened on the link lately. The hub's moderators read it."),
        error_messages={"max_length": TOO_LONG},
    )

    def note_text(self) -> str:
        return self.cleaned_data["note"].strip()


class StatusAnswerForm(AnswerForm):
    """'Paused' or 'ended': since when, for the status change the moderators will review."""

    since = PartialDateField(
        label=gettext_lazy("Since when"),
        help_text=gettext_lazy("A year (2022), a year and month (2022-03) or a full date (2022-03-22)."),
        error_messages={"required": gettext_lazy("Say since when (a year is enough).")},
    )
    field_order = ["since", "note"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].label = gettext_lazy("Why, if you know (optional)")
        self.fields["note"].help_text = gettext_lazy(
            "For example the council's decision, or that nobody is left to run it. The moderators read it."
        )
        self.initial.setdefault("since", str(timezone.localdate().year))

    def clean_since(self) -> PartialDate:
        since = self.cleaned_data["since"]
        if since is not None and since.start > timezone.localdate():
            raise forms.ValidationError(gettext("That is in the future: give the date it happened (a year is enough)."))
        return since


class OtherRunsForm(AnswerForm):
    """'Someone else runs it now': who, and how to reach them."""

    who = forms.CharField(
        label=gettext_lazy("Who runs it now"),
        max_length=300,
        help_text=gettext_lazy("A person, an association or a council."),
        error_messages={
            "required": gettext_lazy("Say who runs the link now: a person, an association or a council."),
            "max_length": TOO_LONG,
        },
    )
    reach = forms.CharField(
        label=gettext_lazy("How to reach them"),
        max_length=300,
        help_text=gettext_lazy(
            "An email address, a telephone number or a website. Write 'not known' if you do not know."
        ),
        error_messages={
            "required": gettext_lazy("Say how to reach them, or write 'not known'."),
            "max_length": TOO_LONG,
        },
    )
    field_order = ["who", "reach", "note"]

    def clean_who(self) -> str:
        return one_line(self.cleaned_data["who"].strip(), str(self.fields["who"].label))

    def clean_reach(self) -> str:
        reach = one_line(self.cleaned_data["reach"].strip(), str(self.fields["reach"].label))
        if "@" in reach and " " not in reach:
            try:
                validate_email(reach)
            except forms.ValidationError:
                raise forms.ValidationError(
                    gettext("'%(value)s' is not a complete email address: check it, for example name@example.org.")
                    % {"value": reach[:60]}
                ) from None
        return reach

    def note_text(self) -> str:
        """What the verification's note records (in English, like the change log), for moderators."""
        lines = [f"Runs it now: {self.cleaned_data['who']}", f"How to reach them: {self.cleaned_data['reach']}"]
        if self.cleaned_data["note"].strip():
            lines.append(self.cleaned_data["note"].strip())
        return "\n".join(lines)


FORMS = {"active": AnswerForm, "paused": StatusAnswerForm, "ended": StatusAnswerForm, "other_runs": OtherRunsForm}
