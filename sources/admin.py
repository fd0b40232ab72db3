"""Admin for sources; saves go through sources.services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin_support import ServiceAdmin, actor_for
from core.forms import PartialDateField, VersionedModelForm
from sources.models import Source
from sources.services import source_create, source_update


class SourceAdminForm(VersionedModelForm):
    published = PartialDateField(required=False, label="Published")

    class Meta:
        model = Source
        fields = ["title", "kind", "publisher", "author", "url", "document", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("published", self.instance.published_on)

    def clean(self) -> dict:
        data = super().clean()
        published = self.published = data.get("published")
        if "published" in data:
            data["published"] = published.start if published else None
            self.instance.published_precision = published.precision if published else ""
        if data.get("url") == "" and data.get("document") == "" and not data.get("publisher"):
            self.add_error(
                "url",
                "Say where the source can be found: give its web address, where a copy is kept, or its publisher.",
            )
        return data


@admin.register(Source)
class SourceAdmin(ServiceAdmin):
    form = SourceAdminForm
    list_display = ["title", "publisher", "kind", "published"]
    list_filter = ["kind"]
    search_fields = ["title", "publisher", "author", "url"]
    fields = ["title", "kind", "publisher", "author", "url", "document", "published", "note", "edit_version"]

    def create(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Source:
        data = form.cleaned_data
        return source_create(
            actor=actor_for(request),
            title=data["title"],
            kind=data["kind"],
            publisher=data.get("publisher", ""),
            author=data.get("author", ""),
            url=data.get("url", ""),
            document=data.get("document", ""),
            published=form.published,
            note=data.get("note", ""),
        )

    def update(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Source:
        data = form.cleaned_data
        published = form.published
        source = Source.objects.get(pk=form.instance.pk)
        return source_update(
            actor=actor_for(request),
            source=source,
            expected_version=data.get("edit_version"),
            title=data["title"],
            kind=data["kind"],
            publisher=data.get("publisher", ""),
            author=data.get("author", ""),
            url=data.get("url", ""),
            document=data.get("document", ""),
            note=data.get("note", ""),
            published=published.start if published else None,
            published_precision=published.precision if published else "",
        )
