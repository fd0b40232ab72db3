"""The knowledge bank's forms: plain-English errors, summarised at the top of the page."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.antibot import HumanFormMixin
from core.forms import ErrorSummaryMixin, one_line, shown
from core.record_pages import NotARecordPage, record_number
from knowledge.models import GuideKind
from links.models import Link
from places.models import Place
from sources.forms import registry_source
from sources.models import Source

MAX_RELATED = 20


class GuideForm(ErrorSummaryMixin, forms.Form):
    """Write or edit a guide or case study, with the source its facts come from (a web address or
    a source in the registry, or both) and the places and links it is about.

    Cleaned, `source` is a Source or None, `places` a list of Place and `links` a list of Link.
    """

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
        required=False,
        assume_scheme="https",
        help_text=_("For example a report, a council's minutes or a news article online."),
        error_messages={"invalid": _("Enter a web address starting with https:// or http://.")},
    )
    source = forms.CharField(
        label=_("Or a source already in the registry"),
        max_length=1000,
        required=False,
        help_text=_(
            "Its number, or the address of its page on this hub: open the source's page and copy the address "
            "from the top of your browser, e.g. https://…/sources/12/…"
        ),
    )
    source_passage = forms.CharField(
        label=_("The passage the guide relies on"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Quote the words of the source that support the guide."),
        error_messages={"required": _("Quote the passage of the source that supports the guide.")},
    )
    places = forms.CharField(
        label=_("Places it is about (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line: the address of the place's page on this hub (e.g. https://…/places/12/leeds) or its number."
        ),
    )
    links = forms.CharField(
        label=_("Links it is about (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line: the address of the link's page on this hub (e.g. https://…/links/7/leeds-durban) "
            "or its number."
        ),
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, hosts: Collection[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hosts = set(hosts)

    def clean_title(self) -> str:
        return one_line(self.cleaned_data["title"], str(self.fields["title"].label))

    def clean_source(self) -> Source | None:
        return registry_source(self.cleaned_data["source"], hosts=self.hosts)

    def _records(self, field: str, model: type, namespace: str, messages: dict[str, str]) -> list:
        lines = [line.strip() for line in self.cleaned_data[field].splitlines() if line.strip()]
        if len(lines) > MAX_RELATED:
            raise forms.ValidationError(messages["many"] % {"n": MAX_RELATED})
        numbers, errors = [], []
        for line in lines:
            try:
                number = record_number(line, namespace=namespace, hosts=self.hosts)
            except NotARecordPage:
                errors.append(messages["unreadable"] % {"text": shown(line)})
                continue
            if number not in numbers:
                numbers.append(number)
        manager = getattr(model, "all_objects", model.objects)
        found = manager.in_bulk(numbers)
        for number in numbers:
            if number not in found:
                errors.append(messages["missing"] % {"number": number})
            elif getattr(found[number], "removed", False):
                errors.append(messages["removed"] % {"number": number})
        if errors:
            raise forms.ValidationError(errors)
        return [found[number] for number in numbers]

    def clean_places(self) -> list[Place]:
        return self._records(
            "places",
            Place,
            "places",
            {
                "many": gettext("Name at most %(n)d places; keep the ones the guide is most about."),
                "unreadable": gettext(
                    "'%(text)s' is not the address of a place's page on this hub, nor its number. Open the place's "
                    "page, copy its address from the top of your browser and paste it on a line of its own."
                ),
                "missing": gettext(
                    "No place %(number)d in the registry: check the number on the place's page, or leave it out."
                ),
            },
        )

    def clean_links(self) -> list[Link]:
        return self._records(
            "links",
            Link,
            "links",
            {
                "many": gettext("Name at most %(n)d links; keep the ones the guide is most about."),
                "unreadable": gettext(
                    "'%(text)s' is not the address of a link's page on this hub, nor its number. Open the link's "
                    "page, copy its address from the top of your browser and paste it on a line of its own."
                ),
                "missing": gettext(
                    "No link %(number)d in the registry: check the number on the link's page, or leave it out."
                ),
                "removed": gettext(
                    "The link %(number)d was removed from the registry: leave it out, or name another link."
                ),
            },
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.has_error("source_url") and not self.has_error("source"):
            if not cleaned.get("source_url") and cleaned.get("source") is None:
                self.add_error(
                    "source_url",
                    gettext(
                        "Enter the web address of the source these facts come from, or name a source already in "
                        "the registry."
                    ),
                )
        return cleaned


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(choices=[("publish", "publish"), ("return", "return")])
    note = forms.CharField(label=_("Note to the author"), max_length=1000, required=False)
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search guides and case studies"), max_length=200, required=False)
    tag = forms.SlugField(label=_("Tag"), max_length=40, required=False, widget=forms.HiddenInput)  # the tag links
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
