"""Admin for associations (saves go through associations.services) and for the messages visitors
sent them, where moderators read the ones reported as abuse."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.policy import Action, can
from associations.models import Association, ContactMessage
from associations.services import (
    association_create,
    association_link_add,
    association_link_remove,
    association_update,
    contact_message_mark_reviewed,
)
from core.admin_support import ServiceAdmin, actor_for
from core.forms import VersionedModelForm

EDITABLE = ["name", "website", "meeting_place", "description", "removed"]


class AssociationAdminForm(VersionedModelForm):
    class Meta:
        model = Association
        fields = [*EDITABLE, "links"]


@admin.register(Association)
class AssociationAdmin(ServiceAdmin):
    """Committees and contacts are edited on the association's own pages (its editors use those too)."""

    form = AssociationAdminForm
    list_display = ["name", "meeting_place", "removed"]
    list_filter = ["removed"]
    search_fields = ["name", "folded", "meeting_place"]
    fields = [*EDITABLE, "links", "edit_version"]
    autocomplete_fields = ["links"]

    def create(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Association:
        data = form.cleaned_data
        association = association_create(
            actor=actor_for(request),
            name=data["name"],
            website=data.get("website", ""),
            meeting_place=data.get("meeting_place", ""),
            description=data.get("description", ""),
            links=data.get("links") or [],
        )
        if data.get("removed"):
            association_update(actor=actor_for(request), association=association, removed=True)
        return association

    def update(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Association:
        data = form.cleaned_data
        actor = actor_for(request)
        association = Association.objects.get(pk=form.instance.pk)
        association_update(
            actor=actor,
            association=association,
            expected_version=data.get("edit_version"),
            **{name: data.get(name) for name in EDITABLE},
        )
        wanted = {link.pk: link for link in data.get("links") or []}
        held = {link.pk: link for link in association.links.all()}
        for pk in held.keys() - wanted.keys():
            association_link_remove(actor=actor, association=association, link=held[pk])
        for pk in wanted.keys() - held.keys():
            association_link_add(actor=actor, association=association, link=wanted[pk])
        return association


class ReportedFilter(admin.SimpleListFilter):
    title = "reported as abuse"
    parameter_name = "reported"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Reported"), ("waiting", "Reported, not reviewed yet"), ("no", "Not reported")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(reported_at__isnull=False)
        if self.value() == "waiting":
            return queryset.filter(reported_at__isnull=False, reviewed_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(reported_at__isnull=True)
        return queryset


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    """Messages visitors sent through the hub, read-only: moderators look at those reported as abuse
    (filter "Reported") and, once they have dealt with one, mark it reviewed (the action), which
    lets `remove_old_contact_messages` delete it CONTACT_REPORT_DAYS later. The association's
    addresses are not here: they are on its contacts."""

    list_display = [
        "created_at",
        "association",
        "sender_name",
        "sender_email",
        "sent_at",
        "reported_at",
        "reviewed_at",
    ]
    list_filter = [ReportedFilter]
    search_fields = ["sender_name", "sender_email", "association__name"]
    readonly_fields = [f.name for f in ContactMessage._meta.fields]
    list_select_related = ["association"]
    actions = ["mark_reviewed"]

    @admin.action(description="Mark reviewed", permissions=["moderate"])
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet) -> None:
        marked = contact_message_mark_reviewed(messages=queryset)
        skipped = queryset.count() - marked
        self.message_user(request, f"Marked {marked} reported message(s) reviewed.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"Left {skipped} alone: not reported, or already reviewed.",
                messages.WARNING,
            )

    # Moderators read them: who may is accounts.policy's answer, not Django's model permissions.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Action.MODERATE)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, Action.MODERATE)

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Action.MODERATE)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
