from django.contrib import admin

from audit.models import ChangeRecord
from core.admin_support import moderates


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    """The change log, read-only: every write to the registry, who made it and what changed."""

    list_display = ["at", "who", "action", "target_type", "target_id", "summary"]
    list_filter = ["action", "target_type"]
    search_fields = ["summary", "actor_label"]
    readonly_fields = [f.name for f in ChangeRecord._meta.fields]

    def has_module_permission(self, request) -> bool:
        return moderates(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return moderates(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
