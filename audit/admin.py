from django.contrib import admin
from django.utils.html import format_html_join

from audit.models import ChangeRecord
from core.admin_support import moderates

# What a change record may hold that is personal and private: an association contact's ways of
# being reached. Kept (a revert needs them) but never shown here.
PRIVATE_FIELDS = {
    "associations.contact": {"email", "phone", "postal_address", "address"},
    "matching.seekingprofile": {"contact_name", "contact_email", "contact_phone"},
    # An association's or council's own deliberation: not the moderators' to read (disputes.policy).
    "disputes.disputereview": {
        "what_happened",
        "happened_on",
        "happened_precision",
        "assistance_asked",
        "criticism_risk",
        "ties_without_council",
        "changes_needed",
        "decision",
        "next_review_on",
        "public_summary",
    },
}


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    """The change log, read-only: every write to the registry, who made it and what changed."""

    list_display = ["at", "who", "action", "target_type", "target_id", "summary"]
    list_filter = ["action", "target_type"]
    search_fields = ["summary", "actor_label"]
    exclude = ["changes"]
    readonly_fields = [f.name for f in ChangeRecord._meta.fields if f.name != "changes"] + ["what_changed"]

    @admin.display(description="changes")
    def what_changed(self, record: ChangeRecord) -> str:
        hidden = PRIVATE_FIELDS.get(f"{record.target_type.app_label}.{record.target_type.model}", set())
        rows = [
            (name, "(private: not shown)" if name in hidden else value)
            for name, value in sorted(record.changes.items())
        ]
        return format_html_join("\n", "<div><strong>{}</strong>: {}</div>", rows)

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
