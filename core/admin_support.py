"""Admin plumbing shared by the registry apps: writes go through services, errors stay on the form."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from accounts.policy import Action, can, roles_of
from audit.services import Actor
from core.forms import BoundedModelMultipleChoiceField


def actor_for(request: HttpRequest) -> Actor:
    return Actor(user=request.user)


def moderates(request: HttpRequest) -> bool:
    return can(request.user, Action.MODERATE)


class _OnlyIdsLookedUp:
    """Django's autocomplete <select>s, minus a crash: re-showing a form whose value is not an id.

    To show the chosen rows again, Django looks the submitted values up with an `in` lookup; a
    value such as "abc" raised ValueError there, and 10**30 OverflowError on SQLite, both server
    errors on a form that should just say "Select a valid choice". Values the field itself would
    refuse are not looked up (the field's own error message says what is wrong).
    """

    def optgroups(self, name: str, value: list[str], attr: dict | None = None) -> list:
        target = self.field.target_field  # the referenced column (the id)
        low, high = -(2**63), 2**63 - 1
        kept = []
        for item in value:
            try:
                number = target.to_python(item)
            except ValidationError:
                continue
            if not isinstance(number, int) or low <= number <= high:
                kept.append(item)
        return super().optgroups(name, kept, attr)


class SafeAutocompleteSelect(_OnlyIdsLookedUp, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_OnlyIdsLookedUp, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """For a ModelAdmin or inline: autocomplete fields, one row or many, use the safe widgets above,
    and many-to-many fields refuse ids too big for the database (core.forms)."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs.setdefault("form_class", BoundedModelMultipleChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ModeratorInlineMixin:
    """For an inline of a ServiceAdmin: the rows are the moderators' to see, add, change and remove
    (through the page's services, which log each), as the page itself is."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return moderates(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return moderates(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return moderates(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return moderates(request)


def administers(request: HttpRequest) -> bool:
    """An admin with a second factor (accounts.policy): a superuser flag alone is not enough."""
    return roles_of(request.user).admin


class AdminOnlyMixin:
    """For the admin pages of accounts and their secrets (users, groups, email addresses,
    authenticators, consents, erasures): admins with a second factor only, whatever Django's
    own permissions (which any superuser passes) would say."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return administers(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return administers(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return administers(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return administers(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return administers(request) and super().has_delete_permission(request, obj)


def admin_only(site: admin.AdminSite, models: list[type]) -> None:
    """Put AdminOnlyMixin in front of the ModelAdmins other apps registered for `models`."""
    for model in models:
        if not site.is_registered(model):
            continue
        registered = type(site._registry[model])
        site.unregister(model)
        site.register(model, type(f"AdminOnly{registered.__name__}", (AdminOnlyMixin, registered), {}))


class ServiceAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    """A ModelAdmin whose saves call service functions.

    Subclasses implement `create(request, form, formsets)` and `update(request, form, formsets)`,
    each returning the saved object. A ValidationError from a service (an edit conflict, a rule
    the form could not check) is shown on the form and nothing is saved.
    Nothing is deleted from the admin: history must be able to bring everything back.
    """

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # The admin site is the moderators' tool: who may use it is accounts.policy's answer (an admin
    # without a second factor sees nothing until they set one up), not Django's model permissions.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return moderates(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return moderates(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return moderates(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return moderates(request)

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        # PostgreSQL refuses text containing NUL (a DataError, so a server error) where SQLite
        # just finds nothing: the admin's search box and autocomplete drop the character.
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saving happens in save_related, once the inline rows are known too."""

    def save_related(self, request: HttpRequest, form: Any, formsets: list[Any], change: bool) -> None:
        saved = self.update(request, form, formsets) if change else self.create(request, form, formsets)
        form.instance.pk = saved.pk
        form.instance.version = getattr(saved, "version", None)

    def construct_change_message(self, request: HttpRequest, form: Any, formsets: Any, add: bool = False) -> list:
        """Django's admin log entry; the registry's own change log (audit) holds the details."""
        return [{"added": {}}] if add else [{"changed": {"fields": form.changed_data}}]

    def create(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Any:
        raise NotImplementedError

    def update(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Any:
        raise NotImplementedError

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # A rule enforced by a service (not the form): nothing was saved. Say so and why.
            for message in exc.messages:
                messages.error(request, f"Not saved: {message}")
            return HttpResponseRedirect(request.get_full_path())


def live_rows(formset: Any) -> list[Any]:
    """The inline forms that hold a row to keep (filled in and not marked for deletion)."""
    return [
        f
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and (f.has_changed() or f.instance.pk)
    ]
