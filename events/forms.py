"""The forms that put an event on the calendar (of a link, of a place, or of the whole network) and edit one."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.utils.translation import gettext, gettext_lazy

from core.forms import ErrorSummaryMixin
from events.models import Event, EventKind

# The fields of an event its form edits (its place or link stays where it was added).
EVENT_FORM_FIELDS = (
    "title", "kind", "start_date", "end_date", "start_time", "end_time", "time_zone", "url", "description",
)  # fmt: skip


class EventForm(ErrorSummaryMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("What is it called?"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind of event"), choices=EventKind.choices)
    start_date = forms.DateField(
        label=gettext_lazy("First day"), help_text=gettext_lazy("For example 2027-06-14."), widget=forms.DateInput()
    )
    end_date = forms.DateField(
        label=gettext_lazy("Last day"),
        required=False,
        help_text=gettext_lazy("Leave empty for a one-day event."),
        widget=forms.DateInput(),
    )
    start_time = forms.TimeField(
        label=gettext_lazy("Starts at"),
        required=False,
        help_text=gettext_lazy("For example 19:00. Leave empty for all day."),
    )
    end_time = forms.TimeField(label=gettext_lazy("Ends at"), required=False)
    time_zone = forms.CharField(
        label=gettext_lazy("Time zone of these times"),
        max_length=64,
        initial="Europe/London",
        help_text=gettext_lazy("For example Europe/London or Europe/Paris."),
    )
    url = forms.URLField(
        label=gettext_lazy("Web address (optional)"), required=False, max_length=500, assume_scheme="https"
    )
    description = forms.CharField(
        label=gettext_lazy("Description (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"].strip()
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise forms.ValidationError(gettext("Give a time zone such as Europe/London or Europe/Paris.")) from exc
        return name


class EventEditForm(EventForm):
    """An event's details as they are, with the version they were read at: an edit made from a page
    that someone else's save has since made stale is refused rather than saved over theirs."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, event: Event, **kwargs: object) -> None:
        self.event = event
        initial = {name: getattr(event, name) for name in EVENT_FORM_FIELDS}
        kwargs.setdefault("initial", initial | {"version": event.version})
        super().__init__(*args, **kwargs)

    def changes(self) -> dict[str, object]:
        return {name: self.cleaned_data[name] for name in EVENT_FORM_FIELDS}
