from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.policy import Action, can
from api.models import ApiToken
from api.tokens import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens, read-only: made with `manage.py create_api_token`, which shows the key once; revoked here."""

    list_display = ["name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "key_prefix"]
    readonly_fields = ["name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    # Tokens act for their accounts: only admins (with a second factor) list and revoke them.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Action.MANAGE_ROLES)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can(request.user, Action.MANAGE_ROLES)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can(request.user, Action.MANAGE_ROLES)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a key can only be shown when it is made: use manage.py create_api_token

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # revoke instead, so that the record of who had a token stays

    @admin.action(description="Revoke the selected tokens (they stop working at once)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token)
            count += 1
        self.message_user(request, f"Revoked {count} token(s).", messages.SUCCESS)
