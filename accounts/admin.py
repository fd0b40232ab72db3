"""The admin site's views of the privacy records: all read-only.

The log of privileged actions is for admins only (Action.READ_PRIVILEGED_LOG, the same rule as
its page at /account/privileged-log); nobody can add, change or delete an entry here, and the
database refuses to anyway (audit's migration triggers).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.policy import Action, can
from accounts.privacy import public_name
from accounts.privacy_models import Consent, Erasure
from audit.models import PrivilegedAction


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows rows; offers no way to add, change or delete one."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PrivilegedAction)
class PrivilegedActionAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "by", "subject_user_id", "summary"]
    list_filter = ["kind"]
    list_select_related = ["actor"]
    search_fields = ["summary", "reason", "actor_label"]
    date_hierarchy = "at"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Action.READ_PRIVILEGED_LOG)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, Action.READ_PRIVILEGED_LOG)

    @admin.display(description="by")
    def by(self, entry: PrivilegedAction) -> str:
        return public_name(entry.actor) if entry.actor_id else entry.actor_label


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["given_at", "user_id", "notice_version", "covers"]
    list_filter = ["notice_version", "covers"]


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdmin):
    list_display = ["erased_at", "user_id"]
