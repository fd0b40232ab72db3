"""The knowledge bank's forms: plain-English errors, summarised at the top of the page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.antibot import HumanFormMixin
from core.forms import ErrorSummaryMixin
from knowledge.models import GuideKind


class GuideForm(ErrorSummaryMixin, forms.Form):
    """Write or edit a guide or case study, with the source its facts come from."""

    kind = forms.ChoiceField(label=_("Kind"), choices=GuideKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={
            "required": _("Enter a title, e.g. 'Drawing in younger members'."),
            "max_length": _("The title can be at most %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Two or three sentences: what a reader will learn."),
        error_messages={
            "required": _("Enter a short summary of what a reader will learn."),
            "max_length": _("The summary can be at most %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=40000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Markdown: *emphasis*, **strong**, [a link](https://…), lists starting with '- '."),
        error_messages={
            "required": _("Enter the text of the guide."),
            "max_length": _("The text can be at most %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    tags = forms.CharField(
        label=_("Tags"),
        max_length=300,
        required=False,
        help_text=_("Separated by commas, e.g. young members, funding, visas."),
    )
    source_url = forms.URLField(
        label=_("Web address of the source"),
        max_length=1000,
        assume_scheme="https",
        error_messages={
            "required": _("Enter the web address of the source these facts come from."),
            "invalid": _("Enter a web address starting with https:// or http://."),
        },
    )
    source_passage = forms.CharField(
        label=_("The passage the guide relies on"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Quote the words of the source that support the guide."),
        error_messages={"required": _("Quote the passage of the source that supports the guide.")},
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(choices=[("publish", "publish"), ("return", "return")])
    note = forms.CharField(label=_("Note to the author"), max_length=1000, required=False)
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search guides and case studies"), max_length=200, required=False)
    tag = forms.SlugField(label=_("Tag"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *GuideKind.choices], required=False)


class QuestionForm(ErrorSummaryMixin, HumanFormMixin):
    title = forms.CharField(
        label=_("Your question"),
        max_length=200,
        help_text=_("One sentence, e.g. 'Where can we find funding for a youth exchange?'"),
        error_messages={
            "required": _("Enter your question."),
            "max_length": _("The question can be at most %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    body = forms.CharField(
        label=_("Details (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What you have tried, where you are, anything that helps others answer. Markdown works."),
        error_messages={
            "max_length": _("The details can be at most %(limit_value)d characters (they have %(show_value)d).")
        },
    )
    tags = forms.CharField(
        label=_("Tags"), max_length=300, required=False, help_text=_("Separated by commas, e.g. funding, visas.")
    )


class AnswerForm(ErrorSummaryMixin, HumanFormMixin):
    body = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Share what worked for you, and where others can read more. Markdown works."),
        error_messages={
            "required": _("Enter your answer."),
            "max_length": _("The answer can be at most %(limit_value)d characters (it has %(show_value)d)."),
        },
    )


class HideForm(forms.Form):
    hidden = forms.BooleanField(required=False)
    reason = forms.CharField(label=_("Why it is hidden"), max_length=500, required=False)
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
