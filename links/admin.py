"""Admin for links and status events. Every save goes through links.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from core.admin_support import ModeratorInlineMixin, SafeAutocompleteMixin, ServiceAdmin, actor_for, live_rows
from core.forms import BoundedModelMultipleChoiceField, PartialDateField, VersionedModelForm
from links.models import Link, Party, StatusEvent
from links.services import (
    link_create,
    link_update,
    party_add,
    party_remove,
    party_update,
    status_event_record,
    status_event_update,
)
from sources.models import Citation
from sources.services import CitationSpec, citation_add, citation_remove

# ------------------------------------------------------------------ inline formsets with plain rules


class PartyFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        rows = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        for form in rows:
            if bool(form.cleaned_data.get("place")) == bool(form.cleaned_data.get("institution")):
                raise ValidationError(
                    "Each party is either a place or an institution: fill in exactly one of the two on each row."
                )
        if len(rows) < 2:
            raise ValidationError(
                "A link needs at least two parties. Add the partner place or institution in the Parties section."
            )


class CitationFormSet(BaseInlineFormSet):
    required_message = "Cite at least one source in the Citations section (choose it, or add it with the + button)."

    def clean(self) -> None:
        super().clean()
        rows = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not rows:
            raise ValidationError(self.required_message)


class EventCitationFormSet(CitationFormSet):
    required_message = (
        "A status change must cite its source: add at least one citation (a council minute, letter or "
        "article) in the Citations section below, creating the source with the + button if needed."
    )


class PartyInline(ModeratorInlineMixin, SafeAutocompleteMixin, admin.TabularInline):
    model = Party
    formset = PartyFormSet
    fields = ["place", "institution", "role"]
    autocomplete_fields = ["place", "institution"]
    extra = 2
    min_num = 0


class LinkCitationInline(ModeratorInlineMixin, SafeAutocompleteMixin, admin.StackedInline):
    model = Citation
    fk_name = "link"
    formset = CitationFormSet
    fields = ["source", "claim", "quote", "locator"]
    autocomplete_fields = ["source"]
    extra = 1


class EventCitationInline(LinkCitationInline):
    fk_name = "status_event"
    formset = EventCitationFormSet


class StatusEventInline(ModeratorInlineMixin, admin.TabularInline):
    """The link's timeline, read-only here; each event is edited on its own page (with its sources)."""

    model = StatusEvent
    fields = ["when_shown", "status", "deciding_body", "reason"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Date")
    def when_shown(self, event: StatusEvent) -> str:
        return str(event.when)


# ------------------------------------------------------------------ shared inline handling


def _inline_changes(formset: Any) -> tuple[list[Any], list[Any]]:
    """(forms whose row is new or edited, existing rows removed or replaced by an edit).

    An edited row is treated as "remove the old, add the new", so each change goes through
    the services and is logged, and nothing is overwritten in place.
    """
    additions, removals = [], []
    for form in formset.forms:
        if not form.cleaned_data:
            continue
        deleting = form.cleaned_data.get("DELETE")
        if form.instance.pk and (deleting or form.has_changed()):
            removals.append(type(form.instance).objects.get(pk=form.instance.pk))
        if not deleting and form.has_changed():
            additions.append(form)
    return additions, removals


def _party_changes(request: HttpRequest, link: Link, formset: Any) -> None:
    actor = actor_for(request)
    additions, removals = _inline_changes(formset)
    for form in additions:
        party = form.cleaned_data.get("institution") or form.cleaned_data["place"]
        role = form.cleaned_data.get("role", "")
        existing = next((p for p in removals if (p.institution or p.place) == party), None)
        if existing is not None:  # the same party with a new role: edit it in place
            removals.remove(existing)
            party_update(actor=actor, party=existing, role=role)
        else:
            party_add(actor=actor, link=link, role=role, party=party)
    for party in removals:  # after the additions, so a swap never drops below two parties
        party_remove(actor=actor, party=party)


def _citation_spec(form: Any) -> CitationSpec:
    data = form.cleaned_data
    return CitationSpec(
        source=data["source"], quote=data.get("quote", ""), claim=data.get("claim", ""), locator=data.get("locator", "")
    )


def _citation_specs(formset: Any) -> list[CitationSpec]:
    return [_citation_spec(f) for f in live_rows(formset)]


def _citation_changes(request: HttpRequest, target: Any, formset: Any) -> None:
    actor = actor_for(request)
    additions, removals = _inline_changes(formset)
    for form in additions:
        citation_add(actor=actor, target=target, spec=_citation_spec(form))
    for citation in removals:
        citation_remove(actor=actor, citation=citation)


def _formset(formsets: list[Any], model: type) -> Any:
    return next(f for f in formsets if f.model is model)


# ------------------------------------------------------------------ links


class LinkAdminForm(VersionedModelForm):
    first_contact = PartialDateField(required=False, label="First contact")
    agreement = PartialDateField(required=False, label="Agreement signed")

    class Meta:
        model = Link
        fields = ["name", "kind", "purposes", "parent", "endorsing_body", "description"]
        widgets = {"purposes": forms.CheckboxSelectMultiple}
        field_classes = {"purposes": BoundedModelMultipleChoiceField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("first_contact", self.instance.first_contact_on)
            self.initial.setdefault("agreement", self.instance.agreement_on)

    def clean(self) -> dict:
        data = super().clean()
        # The model stores a partial date as its first day plus a precision: hand the model
        # form the day, set the precision, and keep the PartialDate for the service.
        self.partial_dates = {}
        for field in ("first_contact", "agreement"):
            if field in data:
                value = self.partial_dates[field] = data[field]
                data[field] = value.start if value else None
                setattr(self.instance, f"{field}_precision", value.precision if value else "")
        return data


@admin.register(Link)
class LinkAdmin(ServiceAdmin):
    form = LinkAdminForm
    inlines = [PartyInline, LinkCitationInline, StatusEventInline]
    list_display = ["__str__", "kind", "began", "events_link"]
    list_filter = ["kind", "purposes"]
    search_fields = ["name", "parties__place__names__name", "parties__institution__name", "description"]
    autocomplete_fields = ["parent"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "purposes", "parent"]}),
        (
            "Dates",
            {
                "fields": ["first_contact", "agreement"],
                "description": "Give the precision the source gives: 1947, 2018-03 or 2022-03-22.",
            },
        ),
        ("About", {"fields": ["endorsing_body", "description", "edit_version"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("parties__place", "parties__institution")

    @admin.display(description="Began")
    def began(self, link: Link) -> str:
        return str(link.began_on or "–")

    @admin.display(description="Status events")
    def events_link(self, link: Link) -> str:
        url = reverse("admin:links_statusevent_add") + f"?link={link.pk}"
        return format_html('<a href="{}">Add a status event</a>', url)

    def create(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Link:
        data = form.cleaned_data
        parties = [
            (f.cleaned_data.get("institution") or f.cleaned_data["place"], f.cleaned_data.get("role", ""))
            for f in live_rows(_formset(formsets, Party))
        ]
        return link_create(
            actor=actor_for(request),
            parties=parties,
            kind=data["kind"],
            citations=_citation_specs(_formset(formsets, Citation)),
            name=data.get("name", ""),
            purposes=[p.slug for p in data.get("purposes", [])],
            first_contact=form.partial_dates.get("first_contact"),
            agreement=form.partial_dates.get("agreement"),
            endorsing_body=data.get("endorsing_body", ""),
            description=data.get("description", ""),
            parent=data.get("parent"),
        )

    def update(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Link:
        data = form.cleaned_data
        link = Link.objects.get(pk=form.instance.pk)
        link_update(
            actor=actor_for(request),
            link=link,
            expected_version=data.get("edit_version"),
            first_contact=form.partial_dates.get("first_contact"),
            agreement=form.partial_dates.get("agreement"),
            purposes=[p.slug for p in data.get("purposes", [])],
            name=data.get("name", ""),
            kind=data["kind"],
            parent=data.get("parent"),
            endorsing_body=data.get("endorsing_body", ""),
            description=data.get("description", ""),
        )
        _party_changes(request, link, _formset(formsets, Party))
        _citation_changes(request, link, _formset(formsets, Citation))
        return link


# ------------------------------------------------------------------ status events


class StatusEventAdminForm(VersionedModelForm):
    date = PartialDateField(label="Date of the change")

    class Meta:
        model = StatusEvent
        fields = ["link", "status", "category", "reason", "deciding_body", "decision_note", "sequence"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("date", self.instance.when)
        self.fields["sequence"].required = False

    def clean(self) -> dict:
        data = super().clean()
        when = self.when = data.get("date")
        if when is not None:
            data["date"] = when.start
            self.instance.date, self.instance.date_precision = when.start, when.precision
        if data.get("sequence") is None:
            data["sequence"] = self.instance.sequence if self.instance.pk else None
            if self.instance.pk is None and when is not None and data.get("link"):
                taken = data["link"].events.filter(date=when.start).values_list("sequence", flat=True)
                self.instance.sequence = max(taken, default=-1) + 1
        return data


@admin.register(StatusEvent)
class StatusEventAdmin(ServiceAdmin):
    form = StatusEventAdminForm
    inlines = [EventCitationInline]
    list_display = ["link", "when_shown", "status", "category", "deciding_body"]
    list_filter = ["status", "category"]
    search_fields = ["link__name", "link__parties__place__names__name", "reason", "deciding_body"]
    autocomplete_fields = ["link"]
    fields = [
        "link",
        "date",
        "status",
        "category",
        "reason",
        "deciding_body",
        "decision_note",
        "sequence",
        "edit_version",
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .select_related("link")
            .prefetch_related("link__parties__place", "link__parties__institution")
        )

    @admin.display(description="Date", ordering="date")
    def when_shown(self, event: StatusEvent) -> str:
        return str(event.when)

    def create(self, request: HttpRequest, form: Any, formsets: list[Any]) -> StatusEvent:
        data = form.cleaned_data
        return status_event_record(
            actor=actor_for(request),
            link=data["link"],
            when=form.when,
            status=data["status"],
            citations=_citation_specs(_formset(formsets, Citation)),
            reason=data.get("reason", ""),
            category=data.get("category", ""),
            deciding_body=data.get("deciding_body", ""),
            decision_note=data.get("decision_note", ""),
            sequence=data.get("sequence"),
        )

    def update(self, request: HttpRequest, form: Any, formsets: list[Any]) -> StatusEvent:
        data = form.cleaned_data
        event = StatusEvent.objects.select_related("link").get(pk=form.instance.pk)
        status_event_update(
            actor=actor_for(request),
            event=event,
            expected_version=data.get("edit_version"),
            when=form.when,
            status=data["status"],
            reason=data.get("reason", ""),
            category=data.get("category", ""),
            deciding_body=data.get("deciding_body", ""),
            decision_note=data.get("decision_note", ""),
            sequence=data["sequence"] if data.get("sequence") is not None else event.sequence,
        )
        _citation_changes(request, event, _formset(formsets, Citation))
        return event
