"""Admin for partner finding, for moderators: profiles (a moderator may pause or close one, through
matching.services), introductions without their messages (those are the two sides' own), and
reports of abuse, which a moderator marks handled (also at /partners/reports/)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin_support import ServiceAdmin, actor_for, moderates
from core.forms import VersionedModelForm
from matching.models import AbuseReport, Introduction, SeekingProfile
from matching.services import profile_status_set, report_handle


class ModeratorsReadOnly:
    """Moderators read; nobody adds, changes or deletes here (the services' pages do)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return moderates(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return moderates(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProfileStatusForm(VersionedModelForm):
    class Meta:
        model = SeekingProfile
        fields = ["status"]


@admin.register(SeekingProfile)
class SeekingProfileAdmin(ServiceAdmin):
    """A profile is its owner's to write; a moderator may only change its status (pause or close
    it after a report). Contact details are shown to moderators, as the policy allows."""

    form = ProfileStatusForm
    list_display = ["name", "seeker", "place", "status", "updated_at"]
    list_filter = ["status", "seeker"]
    search_fields = ["name"]
    list_select_related = ["place"]
    readonly_fields = [
        "name",
        "seeker",
        "place",
        "institution",
        "owner",
        "about",
        "contact_name",
        "contact_email",
        "contact_phone",
        "created_at",
        "updated_at",
    ]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["status", "edit_version", *self.readonly_fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def create(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Any:
        raise ValidationError("Profiles are made by their owners on the hub's pages.")

    def update(self, request: HttpRequest, form: Any, formsets: list[Any]) -> SeekingProfile:
        profile = SeekingProfile.objects.get(pk=form.instance.pk)
        return profile_status_set(
            actor=actor_for(request),
            profile=profile,
            status=form.cleaned_data["status"],
            expected_version=form.cleaned_data.get("edit_version"),
        )


@admin.register(Introduction)
class IntroductionAdmin(ModeratorsReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "from_profile", "to_profile", "status", "answered_at"]
    list_filter = ["status"]
    search_fields = ["from_profile__name", "to_profile__name"]
    list_select_related = ["from_profile", "to_profile"]
    fields = ["from_profile", "to_profile", "status", "created_at", "answered_at"]  # not the note or messages
    readonly_fields = fields


class HandledFilter(admin.SimpleListFilter):
    title = "handled"
    parameter_name = "handled"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("no", "Waiting"), ("yes", "Handled")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(handled_at__isnull=self.value() == "no")
        return queryset


@admin.register(AbuseReport)
class AbuseReportAdmin(ModeratorsReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "reporter", "reported", "handled_at", "outcome"]
    list_filter = [HandledFilter]
    search_fields = ["reporter__name", "reported__name", "reason"]
    list_select_related = ["reporter", "reported"]
    readonly_fields = [f.name for f in AbuseReport._meta.fields]
    actions = ["mark_handled"]

    @admin.action(description="Mark handled", permissions=["moderate"])
    def mark_handled(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for report in queryset:
            try:
                report_handle(actor=actor_for(request), report=report, outcome="Marked handled in the admin")
            except ValidationError:
                continue
            done += 1
        self.message_user(request, f"Marked {done} report(s) handled.", messages.SUCCESS)

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return moderates(request)
