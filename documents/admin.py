"""Moderators edit and translate document templates here; saves go through the services (checked, logged,
refused when someone else saved the template since the form was opened)."""

from __future__ import annotations

from django.contrib import admin

from audit.services import Actor
from documents.models import DocumentTemplate
from documents.services import TEMPLATE_FIELDS, document_template_create, document_template_update


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "language", "updated_at")
    list_filter = ("kind", "language")
    fields = TEMPLATE_FIELDS

    def save_model(self, request, obj, form, change):
        actor = Actor(user=request.user)
        values = {name: form.cleaned_data[name] for name in TEMPLATE_FIELDS}
        if change:
            fresh = DocumentTemplate.objects.get(pk=obj.pk)
            document_template_update(actor=actor, template=fresh, changes=values, expected_version=fresh.version)
            obj.version = fresh.version
        else:
            created = document_template_create(actor=actor, **values)
            obj.pk, obj.version = created.pk, created.version

    def has_delete_permission(self, request, obj=None):
        return False
