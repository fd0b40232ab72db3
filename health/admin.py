"""Admin for link health, the moderators' tool: activities (saved through health.services, so each is checked,
logged and refreshes its link's health) and verifications (append-only: read here, made on link pages and by
answers to emailed requests)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from core.admin_support import ServiceAdmin, actor_for, moderates
from core.forms import PartialDateField, VersionedModelForm
from health.models import Activity, Verification
from health.services import activity_create, activity_remove, activity_restore, activity_update

EDITABLE = [
    "kind",
    "title",
    "description",
    "travelling_party",
    "participants",
    "participants_under_30",
    "cost",
    "cost_currency",
    "source",
    "source_url",
]


class ActivityAdminForm(VersionedModelForm):
    when = PartialDateField(label="Date")
    is_removed = forms.BooleanField(
        label="Removed", required=False, help_text="Hidden from the link page and from its health; kept."
    )
    removal_reason = forms.CharField(
        required=False, max_length=500, help_text="Why it is removed or restored: the history shows it."
    )

    class Meta:
        model = Activity
        fields = ["link", *EDITABLE]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("when", self.instance.when)
            self.initial.setdefault("is_removed", self.instance.removed)

    def clean(self) -> dict:
        data = super().clean()
        when = data.get("when")
        if when is not None:  # the model's own checks (run by the ModelForm) see the date too
            self.instance.date, self.instance.date_precision = when.start, when.precision
        if data.get("is_removed") and not (self.instance.pk and self.instance.removed):
            if not (data.get("removal_reason") or "").strip():
                self.add_error("removal_reason", "Say why the activity is removed: history shows the reason.")
        return data


@admin.register(Activity)
class ActivityAdmin(ServiceAdmin):
    form = ActivityAdminForm
    list_display = ["title", "link", "when_shown", "kind", "participants", "removed"]
    list_filter = ["kind", "removed"]
    search_fields = ["title", "description", "link__name", "link__parties__place__names__name"]
    autocomplete_fields = ["link", "source"]
    raw_id_fields = ["travelling_party"]  # a link's parties: its number, from the link's admin page
    fields = ["link", "when", *EDITABLE, "is_removed", "removal_reason", "edit_version"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            Activity.all_objects.select_related("link")
            .prefetch_related("link__parties__place", "link__parties__institution")
            .order_by("-date", "-id")
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Activity | None = None) -> list[str]:
        return ["link"] if obj is not None else []  # an activity stays on its link

    @admin.display(description="Date", ordering="date")
    def when_shown(self, activity: Activity) -> str:
        return str(activity.when)

    def create(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Activity:
        data = form.cleaned_data
        activity = activity_create(
            actor=actor_for(request),
            link=data["link"],
            when=data["when"],
            **{name: data.get(name) for name in EDITABLE if name not in ("description", "cost_currency", "source_url")},
            description=data.get("description") or "",
            cost_currency=data.get("cost_currency") or "",
            source_url=data.get("source_url") or "",
        )
        if data.get("is_removed"):
            activity_remove(actor=actor_for(request), activity=activity, reason=data["removal_reason"])
        return activity

    def update(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Activity:
        data = form.cleaned_data
        actor = actor_for(request)
        activity = Activity.all_objects.select_related("link").get(pk=form.instance.pk)
        activity_update(
            actor=actor,
            activity=activity,
            expected_version=data.get("edit_version"),
            when=data["when"],
            **{name: data.get(name) for name in EDITABLE},
        )
        reason = data.get("removal_reason") or ""
        if data.get("is_removed") and not activity.removed:
            activity_remove(actor=actor, activity=activity, reason=reason)
        elif not data.get("is_removed") and activity.removed:
            activity_restore(actor=actor, activity=activity, reason=reason)
        return activity


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    """Who said how each link stands, and when: read-only (a verification is a statement made once)."""

    list_display = ["link", "verified_at", "answer", "by_role", "by_user", "by_contact"]
    list_filter = ["answer", "by_role"]
    search_fields = ["link__name", "link__parties__place__names__name", "note"]
    list_select_related = ["link", "by_user", "by_contact"]
    readonly_fields = [f.name for f in Verification._meta.fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return moderates(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return moderates(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
