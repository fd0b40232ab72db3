"""Moderators keep the calendar in the admin; every save goes through the events services (checked, logged)."""

from __future__ import annotations

from django.contrib import admin

from audit.services import Actor
from events.models import Event
from events.services import EVENT_FIELDS, event_create, event_update


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "start_date", "end_date", "place", "link")
    list_filter = ("kind",)
    search_fields = ("title",)
    date_hierarchy = "start_date"
    raw_id_fields = ("place", "link")
    fields = ("title", "kind", "start_date", "end_date", "start_time", "end_time", "time_zone", "place", "link",
              "url", "description")  # fmt: skip

    def save_model(self, request, obj, form, change):
        actor = Actor(user=request.user)
        values = {name: form.cleaned_data[name] for name in form.cleaned_data}
        if change:
            changes = {f.removesuffix("_id"): values[f.removesuffix("_id")] for f in EVENT_FIELDS}
            fresh = Event.objects.get(pk=obj.pk)
            event_update(actor=actor, event=fresh, changes=changes, expected_version=fresh.version)
            obj.pk, obj.version = fresh.pk, fresh.version
        else:
            created = event_create(actor=actor, **values)
            obj.pk, obj.version = created.pk, created.version

    def has_delete_permission(self, request, obj=None):
        return False  # nothing is deleted: a moderator removes an event (kept in history)
