"""The forms people propose changes with. Each gives a payload of plain values and what it cites."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import ChoiceField, ErrorSummaryMixin, MultipleChoiceField, PartialDateField, one_line
from core.partial_dates import PartialDate
from core.text import fold
from events.forms import EventForm
from health.forms import ActivityForm
from links.models import Link, LinkKind, LinkStatus, Purpose, StatusEvent
from links.purposes import purpose_name
from places.geography import country_choices
from places.models import Place
from proposals.changes import Citing
from sources.models import SourceKind


class CitingForm(ErrorSummaryMixin, forms.Form):
    """What every proposal must say: where the change comes from, and (optionally) why."""

    source_url = forms.URLField(
        label=_("Web address of the source"),
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text=_("For example a council's minutes or a news article online."),
        error_messages={"invalid": _("Enter a full web address, such as https://www.example.gov.uk/minutes.")},
    )
    source_document = forms.CharField(
        label=_("Or a document"),
        required=False,
        max_length=500,
        help_text=_("For example 'Coventry City Council, full council minutes, 22 March 2022, item 7'."),
    )
    first_hand = forms.CharField(
        label=_("Or, if you know this first-hand, how"),
        required=False,
        max_length=500,
        help_text=_("For example 'I am the secretary of the association'. Only moderators see this."),
    )
    why = forms.CharField(
        label=_("Why is this right?"),
        help_text=_("Shown to everyone in the record's history, with your change. Please leave out personal details."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    CITING = ("source_url", "source_document", "first_hand", "why")

    def change_fields(self) -> list[forms.BoundField]:
        """The visible fields that describe the change itself (the rest say where it comes from)."""
        return [field for field in self.visible_fields() if field.name not in self.CITING]

    def clean_source_document(self) -> str:
        return one_line(self.cleaned_data["source_document"].strip(), _("Or a document"))

    def clean_first_hand(self) -> str:
        return one_line(self.cleaned_data["first_hand"].strip(), _("Or, if you know this first-hand, how"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        citing = self.citing()
        problem = citing.problem()
        if problem and not self.has_error("source_url"):
            self.add_error("source_url", problem)
        return cleaned

    def citing(self) -> Citing:
        data = getattr(self, "cleaned_data", {})
        return Citing(
            source_note=data.get("source_url") or data.get("source_document", ""),
            first_hand=data.get("first_hand", ""),
        )

    def payload(self) -> dict[str, Any]:
        raise NotImplementedError


def _purpose_choices() -> list[tuple[str, str]]:
    """The purposes, named and ordered in the reader's language."""
    choices = [(slug, purpose_name(name)) for slug, name in Purpose.objects.values_list("slug", "name")]
    return sorted(choices, key=lambda choice: fold(choice[1]))


def _date_text(value: PartialDate | None) -> str:
    return value.iso() if value else ""


class RecordVersionMixin(forms.Form):
    """The version of the record the form was shown with (a hidden field): a correction made from a
    page that someone else's change has since made stale is refused, not applied over it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def set_version(self, record: object | None) -> None:
        if record is not None:
            self.fields["version"].initial = record.version

    def shown_version(self) -> int | None:
        return getattr(self, "cleaned_data", {}).get("version")


class LinkCorrectionForm(CitingForm):
    """A correction to a link's own details. Only what differs from the link as it is goes in the payload."""

    name = forms.CharField(label=_("Name of the link, if it has one of its own"), required=False, max_length=300)
    kind = ChoiceField(label=_("Kind of link"), choices=LinkKind.choices)
    first_contact = PartialDateField(label=_("First contact"), required=False)
    agreement = PartialDateField(label=_("Agreement signed"), required=False)
    endorsing_body = forms.CharField(label=_("Endorsed by"), required=False, max_length=300)
    purposes = MultipleChoiceField(label=_("Purposes"), required=False, widget=forms.CheckboxSelectMultiple)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 5})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    field_order = ["name", "kind", "first_contact", "agreement", "endorsing_body", "purposes", "description"]

    def __init__(self, *args: object, link: Link, **kwargs: object) -> None:
        self.link = link
        kwargs.setdefault("initial", self.current())
        super().__init__(*args, **kwargs)
        self.fields["purposes"].choices = _purpose_choices()

    def current(self) -> dict[str, Any]:
        link = self.link
        return {
            "name": link.name,
            "kind": link.kind,
            "first_contact": _date_text(link.first_contact_on),
            "agreement": _date_text(link.agreement_on),
            "endorsing_body": link.endorsing_body,
            "purposes": sorted(p.slug for p in link.purposes.all()),
            "description": link.description,
            "version": link.version,
        }

    def clean_name(self) -> str:
        return one_line(self.cleaned_data["name"].strip(), _("Name of the link"))

    def clean_endorsing_body(self) -> str:
        return one_line(self.cleaned_data["endorsing_body"].strip(), _("Endorsed by"))

    def payload(self) -> dict[str, Any]:
        now = self.current()
        data = self.cleaned_data
        proposed = {
            "name": data["name"],
            "kind": data["kind"],
            "first_contact": _date_text(data["first_contact"]),
            "agreement": _date_text(data["agreement"]),
            "endorsing_body": data["endorsing_body"],
            "purposes": sorted(data["purposes"]),
            "description": data["description"].strip(),
        }
        return {key: value for key, value in proposed.items() if value != now[key]}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and not self.payload():
            raise forms.ValidationError(
                gettext("Nothing was changed: correct at least one detail, or go back to the link.")
            )
        return cleaned


STATUS_CHOICES = [(s.value, s.label) for s in LinkStatus]


class StatusChangeForm(CitingForm):
    """A dated change of a link's status, as a council or association decided or a source reports it."""

    date = PartialDateField(label=_("Date of the change"), required=True)
    status = ChoiceField(label=_("New status"), choices=STATUS_CHOICES)
    reason = forms.CharField(
        label=_("Why, in the words of whoever decided"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    deciding_body = forms.CharField(
        label=_("Who decided"),
        required=False,
        max_length=300,
        help_text=_("For example 'Kiel City Council, full council'."),
    )
    decision_note = forms.CharField(
        label=_("How it was decided"),
        required=False,
        max_length=500,
        help_text=_("For example 'unanimous resolution'."),
    )
    field_order = ["date", "status", "reason", "deciding_body", "decision_note"]

    def __init__(self, *args: object, event: StatusEvent | None = None, **kwargs: object) -> None:
        self.event = event
        if event is not None:
            kwargs.setdefault(
                "initial",
                {
                    "date": event.when.iso(),
                    "status": event.status,
                    "reason": event.reason,
                    "deciding_body": event.deciding_body,
                    "decision_note": event.decision_note,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["date"].error_messages["required"] = gettext("Give the date of the change (a year is enough).")

    def clean_deciding_body(self) -> str:
        return one_line(self.cleaned_data["deciding_body"].strip(), _("Who decided"))

    def clean_decision_note(self) -> str:
        return one_line(self.cleaned_data["decision_note"].strip(), _("How it was decided"))

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        proposed = {
            "date": data["date"].iso(),
            "status": data["status"],
            "reason": data["reason"].strip(),
            "deciding_body": data["deciding_body"],
            "decision_note": data["decision_note"],
        }
        if self.event is None:
            return {k: v for k, v in proposed.items() if v != "" or k in ("date", "status")}
        return {k: v for k, v in proposed.items() if v != self.initial.get(k)}


class RemovalForm(CitingForm):
    """Asking for a link to be removed: it never existed, or it duplicates another."""

    reason_for_removal = forms.CharField(
        label=_("Why should this link be removed?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example 'it duplicates link 123' or 'the two towns were never twinned'."),
        error_messages={"required": _("Say why the link should be removed.")},
    )

    def payload(self) -> dict[str, Any]:
        return {"why": self.cleaned_data["reason_for_removal"].strip()}


class NewLinkForm(CitingForm):
    """A link not yet in the registry, between two places that are."""

    first_place = forms.CharField(label=_("First place"), max_length=200)
    first_country = ChoiceField(label=_("Its country"), choices=())
    second_place = forms.CharField(label=_("Second place"), max_length=200)
    second_country = ChoiceField(label=_("Its country"), choices=())
    kind = ChoiceField(label=_("Kind of link"), choices=LinkKind.choices, initial=LinkKind.FORMAL_TWINNING)
    first_contact = PartialDateField(label=_("First contact"), required=False)
    agreement = PartialDateField(label=_("Agreement signed"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    field_order = ["first_place", "first_country", "second_place", "second_country", "kind", "first_contact"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        countries = [("", gettext("Choose a country"))] + list(country_choices())
        self.fields["first_country"].choices = countries
        self.fields["second_country"].choices = countries
        self.places: list[Place] = []

    def _place(self, name_field: str, country_field: str) -> Place | None:
        name = self.cleaned_data.get(name_field, "").strip()
        country = self.cleaned_data.get(country_field, "")
        if not name or not country:
            return None
        matches = list(
            Place.objects.filter(names__folded=fold(name), country=country).distinct().order_by("-population")[:5]
        )
        if not matches:
            self.add_error(
                name_field,
                gettext(
                    "We could not find '%(name)s' in that country. Check the spelling, or write the name as the "
                    "place itself writes it in English."
                )
                % {"name": name[:60]},
            )
            return None
        if len(matches) > 1:
            where = "; ".join(f"{p} ({p.subdivision or p.country})" for p in matches)
            self.add_error(
                name_field,
                gettext(
                    "Several places are called '%(name)s' there: %(places)s. Say which in 'Why is this right?', "
                    "and a moderator will choose."
                )
                % {"name": name[:60], "places": where},
            )
            return None
        return matches[0]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first = self._place("first_place", "first_country")
        second = self._place("second_place", "second_country")
        if first and second:
            if first == second:
                self.add_error("second_place", gettext("A link joins two different places."))
            else:
                self.places = [first, second]
        return cleaned

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "places": [p.pk for p in self.places],
            "kind": data["kind"],
            "first_contact": _date_text(data["first_contact"]),
            "agreement": _date_text(data["agreement"]),
            "description": data["description"].strip(),
        }


class NewSourceForm(RecordVersionMixin, CitingForm):
    """A source to add to the registry; it cites itself (its address or where a copy is kept)."""

    title = forms.CharField(label=_("Title"), max_length=500)
    kind = ChoiceField(
        label=_("Kind of source"), choices=[c for c in SourceKind.choices if c[0] != SourceKind.FIRST_HAND]
    )
    publisher = forms.CharField(label=_("Publisher"), required=False, max_length=300)
    published = PartialDateField(label=_("Published"), required=False)
    field_order = ["title", "kind", "publisher", "published"]

    def __init__(self, *args: object, source=None, **kwargs: object) -> None:
        self.source = source
        if source is not None:
            kwargs.setdefault("initial", self.current())
        super().__init__(*args, **kwargs)
        self.set_version(self.source)
        if source is not None:  # a correction: the source's own address, author and note
            self.fields["url"] = forms.URLField(label=_("Its web address"), required=False, max_length=1000)
            self.fields["author"] = forms.CharField(label=_("Author"), required=False, max_length=300)
            self.fields["note"] = forms.CharField(
                label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
            )

    def current(self) -> dict[str, str]:
        s = self.source
        published = s.published_on.iso() if s.published_on else ""
        return {"title": s.title, "kind": s.kind, "publisher": s.publisher, "published": published,
                "url": s.url, "author": s.author, "note": s.note}  # fmt: skip

    def correction(self) -> dict[str, Any]:
        data = self.cleaned_data
        proposed = {
            "title": data["title"],
            "kind": data["kind"],
            "publisher": data["publisher"].strip(),
            "published": _date_text(data["published"]),
            "url": data.get("url", ""),
            "author": data.get("author", "").strip(),
            "note": data.get("note", "").strip(),
        }
        now = self.current()
        return {k: v for k, v in proposed.items() if v != now[k]}

    def clean_title(self) -> str:
        return one_line(self.cleaned_data["title"].strip(), _("Title"))

    def payload(self) -> dict[str, Any]:
        if self.source is not None:
            return self.correction()
        data = self.cleaned_data
        citing = self.citing()
        url = citing.source_note if citing.source_note.startswith(("http://", "https://")) else ""
        return {
            "title": data["title"],
            "kind": data["kind"],
            "publisher": data["publisher"].strip(),
            "published": _date_text(data["published"]),
            "url": url,
            "document": "" if url else citing.source_note[:300],
        }


class PlaceCorrectionForm(RecordVersionMixin, CitingForm):
    """A correction to a place: its English name, region, population or a note."""

    name = forms.CharField(label=_("Name in English"), max_length=200)
    subdivision = forms.CharField(
        label=_("Region code"),
        required=False,
        max_length=10,
        help_text=_("Its ISO 3166-2 code, such as GB-ENG or DE-SH."),
    )
    population = forms.IntegerField(label=_("Population"), required=False, min_value=0, max_value=100_000_000)
    note = forms.CharField(label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["name", "subdivision", "population", "note"]

    def __init__(self, *args: object, place: Place, **kwargs: object) -> None:
        self.place = place
        kwargs.setdefault("initial", self.current())
        super().__init__(*args, **kwargs)
        self.set_version(self.place)

    def current(self) -> dict[str, Any]:
        p = self.place
        return {"name": p.name, "subdivision": p.subdivision, "population": p.population, "note": p.note}

    def clean_name(self) -> str:
        return one_line(self.cleaned_data["name"].strip(), _("Name in English"))

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        proposed = {
            "name": data["name"],
            "subdivision": data["subdivision"].strip().upper(),
            "population": data["population"],
            "note": data["note"].strip(),
        }
        now = self.current()
        return {k: v for k, v in proposed.items() if v != now[k]}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and not self.payload():
            raise forms.ValidationError(
                gettext("Nothing was changed: correct at least one detail, or go back to the place.")
            )
        return cleaned


class AssociationForm(RecordVersionMixin, CitingForm):
    """A new association, or a correction to one (only what differs goes in the payload)."""

    name = forms.CharField(label=_("Name of the association"), max_length=300)
    website = forms.URLField(label=_("Its website"), required=False, max_length=200, assume_scheme="https")
    meeting_place = forms.CharField(label=_("Where it meets"), required=False, max_length=300)
    description = forms.CharField(
        label=_("About it"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    field_order = ["name", "website", "meeting_place", "description"]

    def __init__(self, *args: object, association=None, **kwargs: object) -> None:
        self.association = association
        if association is not None:
            kwargs.setdefault("initial", self.current())
        super().__init__(*args, **kwargs)
        self.set_version(self.association)

    def current(self) -> dict[str, str]:
        a = self.association
        if a is None:
            return {}
        return {"name": a.name, "website": a.website, "meeting_place": a.meeting_place, "description": a.description}

    def clean_name(self) -> str:
        return one_line(self.cleaned_data["name"].strip(), _("Name of the association"))

    def clean_meeting_place(self) -> str:
        return one_line(self.cleaned_data["meeting_place"].strip(), _("Where it meets"))

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        proposed = {k: (data[k] or "").strip() for k in ("name", "website", "meeting_place", "description")}
        now = self.current()
        return {k: v for k, v in proposed.items() if v != now.get(k, "")}


class DecisionForm(ErrorSummaryMixin, forms.Form):
    """A moderator's decision on a proposal."""

    decision = ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason (the proposer is told; required to reject)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", gettext("Say why you reject it: the proposer is told."))
        return cleaned


class CalendarEventForm(EventForm, CitingForm):
    """An event proposed for the calendar (of a link, a place or the whole network), with where it comes from:
    its own web page is the natural source."""

    def __init__(self, *args: object, link: Link | None = None, place: Place | None = None, **kwargs: object) -> None:
        self.link, self.place = link, place
        super().__init__(*args, **kwargs)
        self.fields["source_url"].help_text = _("For example the event's own page, or the organiser's announcement.")

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {
            "title": data["title"],
            "kind": data["kind"],
            "start_date": data["start_date"].isoformat(),
            "end_date": data["end_date"].isoformat() if data.get("end_date") else "",
            "start_time": data["start_time"].strftime("%H:%M") if data.get("start_time") else "",
            "end_time": data["end_time"].strftime("%H:%M") if data.get("end_time") else "",
            "time_zone": data["time_zone"],
            "url": data.get("url", ""),
            "description": data.get("description", "").strip(),
            "link": self.link.pk if self.link is not None else None,
            "place": self.place.pk if self.place is not None else None,
        }
        return {key: value for key, value in values.items() if value not in ("", None)}


class ActivityProposalForm(ActivityForm, CitingForm):
    """An activity on a link proposed by someone who cannot record it directly: the activity form's own fields,
    and where it comes from (a report or an article online is the natural source)."""

    source_url = CitingForm.base_fields["source_url"]
    source = None  # cited below as any proposal cites its source
    edit_version = None  # a new activity: there is no version of it to edit

    def __init__(self, *args: object, link: Link, **kwargs: object) -> None:
        super().__init__(*args, link=link, **kwargs)
        self.fields["source_url"].help_text = _("For example a report or a news article about it online.")

    def payload(self) -> dict[str, Any]:
        arguments = self.service_arguments()
        party = arguments["travelling_party"]
        values = {
            "kind": arguments["kind"],
            "title": arguments["title"],
            "date": arguments["when"].iso(),
            "description": str(arguments["description"]).strip(),
            "travelling_party": party.pk if party is not None else None,
            "participants": arguments["participants"],
            "participants_under_30": arguments["participants_under_30"],
            "cost": str(arguments["cost"]) if arguments["cost"] is not None else None,
            "cost_currency": arguments["cost_currency"],
        }
        return {key: value for key, value in values.items() if value not in ("", None)}
