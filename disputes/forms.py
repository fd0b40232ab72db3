"""Forms of the political-dispute pages: the questions (worded in disputes.questions), and the summary to publish."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext, gettext_lazy

from core.forms import ChoiceField, ErrorSummaryMixin, OneValueEach, PartialDateField
from disputes.models import Decision, DisputeReview
from disputes.policy import Owners
from disputes.questions import QUESTIONS
from disputes.services import SUMMARY_MAX

# What a service's ValidationError names, as the form's field.
SERVICE_FIELDS = {"happened_on": "when", "happened_precision": "when"}
ANSWER_MAX = 10_000


class ReviewForm(OneValueEach, ErrorSummaryMixin, forms.Form):
    service_renames = SERVICE_FIELDS
    owner = ChoiceField(
        label=gettext_lazy("On behalf of"),
        help_text=gettext_lazy("The review belongs to them: only their editors or officers will read it."),
    )
    what_happened = forms.CharField(
        label=gettext_lazy("What did the partner's government do?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("In a sentence or two, for example: the regional government banned a local newspaper."),
    )
    when = PartialDateField(label=gettext_lazy("When"))
    decision = ChoiceField(
        label=gettext_lazy("What have you decided?"),
        choices=Decision.choices,
        initial=Decision.UNDECIDED,
        help_text=gettext_lazy("You can come back and change it as things move."),
    )
    next_review_on = forms.DateField(
        label=gettext_lazy("Look at it again on (optional)"),
        required=False,
        help_text=gettext_lazy("For example 2027-03-01."),
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, owners: Owners, review: DisputeReview | None = None, **kwargs: object) -> None:
        if review is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "what_happened": review.what_happened,
                "when": review.when,
                "decision": review.decision,
                "next_review_on": review.next_review_on,
                "edit_version": review.version,
                **{name: getattr(review, name) for name, _question, _hint in QUESTIONS},
            }
        super().__init__(*args, **kwargs)
        for name, question, hint in QUESTIONS:
            self.fields[name] = forms.CharField(
                label=question,
                help_text=hint,
                required=False,
                max_length=ANSWER_MAX,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
            if review is not None:
                self.initial.setdefault(name, getattr(review, name))
        self.order_fields(["owner", "what_happened", "when", *(name for name, _q, _h in QUESTIONS), "decision"])
        self.review = review
        choices = owners.choices()
        if review is not None or len(choices) == 1:
            del self.fields["owner"]  # an existing review keeps its owner; a single owner needs no choosing
            self.only_owner = choices[0][0] if choices and review is None else ""
        else:
            self.fields["owner"].choices = [("", gettext("Choose who the review is for"))] + choices
            self.only_owner = ""
        self.fields["decision"].error_messages["invalid_choice"] = gettext(
            "'%(value)s' is not one of the decisions. Pick one from the list."
        )
        if "owner" in self.fields:
            self.fields["owner"].error_messages["invalid_choice"] = gettext(
                "'%(value)s' is not one you may write for. Pick one from the list."
            )

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _question, _hint in QUESTIONS]

    def clean_what_happened(self) -> str:
        return self.cleaned_data["what_happened"].strip()

    def owner_key(self) -> str:
        """Whom a new review is for: "association-3" or "place-7" (disputes.policy.Owners.choices)."""
        return self.cleaned_data.get("owner") or self.only_owner

    def service_arguments(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            "what_happened": data["what_happened"],
            "when": data["when"],
            "decision": data["decision"],
            "next_review_on": data.get("next_review_on"),
            **{name: data.get(name) or "" for name, _question, _hint in QUESTIONS},
        }


class PublishForm(OneValueEach, ErrorSummaryMixin, forms.Form):
    public_summary = forms.CharField(
        label=gettext_lazy("Summary for the link's timeline"),
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Anyone can read it on the link's page, dated today. Say what you decided and why, in words that put "
            "nobody at risk. Your answers above stay private."
        ),
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_public_summary(self) -> str:
        return self.cleaned_data["public_summary"].strip()
