"""The moderators' admin for the knowledge bank. Every save goes through knowledge.services, so it is
authorised, checked, logged with its version and keeps the search index (SearchEntry) in step;
nothing is deleted (a question or an answer is hidden with a reason, and kept)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from core.admin_support import ModeratorInlineMixin, SafeAutocompleteMixin, ServiceAdmin, actor_for, live_rows
from core.forms import BoundedModelMultipleChoiceField, VersionedModelForm
from knowledge.models import Answer, Guide, GuideSource, GuideStatus, Question
from knowledge.services import SourceSpec, guide_create, guide_moderate, guide_update, post_hide

KEEP, PUBLISH, SEND_BACK = "", "publish", "send_back"


class GuideSourceFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if not [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]:
            raise ValidationError("Cite at least one source in the Sources section: where do these facts come from?")


class GuideSourceInline(ModeratorInlineMixin, SafeAutocompleteMixin, admin.StackedInline):
    model = GuideSource
    formset = GuideSourceFormSet
    fields = ["source", "url", "passage"]
    autocomplete_fields = ["source"]
    extra = 1


class GuideAdminForm(VersionedModelForm):
    tags = forms.CharField(
        required=False, max_length=300, help_text="Words separated by commas, such as: young members, funding."
    )
    decision = forms.ChoiceField(
        required=False,
        label="Moderation",
        choices=[(KEEP, "Leave as it is"), (PUBLISH, "Publish"), (SEND_BACK, "Send back to its author")],
        help_text="A guide sent back becomes a draft its author can improve; the note says why.",
    )
    note = forms.CharField(
        required=False, max_length=1000, label="Note to the author", help_text="Needed to send a guide back."
    )

    class Meta:
        model = Guide
        fields = ["kind", "title", "summary", "body", "places", "links"]
        # An id too big for the database is refused in plain words, not a server error.
        field_classes = {"places": BoundedModelMultipleChoiceField, "links": BoundedModelMultipleChoiceField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("tags", ", ".join(self.instance.tags))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == SEND_BACK and not (data.get("note") or "").strip():
            self.add_error("note", "Say why the guide is sent back, so that its author can improve it.")
        return data


@admin.register(Guide)
class GuideAdmin(ServiceAdmin):
    form = GuideAdminForm
    inlines = [GuideSourceInline]
    list_display = ["title", "kind", "status", "author", "published_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["author"]
    search_fields = ["title", "summary", "slug"]
    autocomplete_fields = ["places", "links"]
    readonly_fields = ["slug", "status", "author", "published_at", "moderation_note"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "summary", "body", "tags"]}),
        ("Places and links it is about", {"fields": ["places", "links"]}),
        (
            "Moderation",
            {"fields": ["status", "moderation_note", "decision", "note", "slug", "author", "published_at"]},
        ),
        (None, {"fields": ["edit_version"]}),
    ]

    def _sources(self, formsets: list[Any]) -> list[SourceSpec]:
        formset = next(f for f in formsets if f.model is GuideSource)
        return [
            SourceSpec(
                passage=f.cleaned_data.get("passage", ""),
                source=f.cleaned_data.get("source"),
                url=f.cleaned_data.get("url", ""),
            )
            for f in live_rows(formset)
        ]

    def _decide(self, request: HttpRequest, guide: Guide, data: dict) -> None:
        decision = data.get("decision")
        if decision == PUBLISH and guide.status != GuideStatus.PUBLISHED:
            guide_moderate(actor=actor_for(request), guide=guide, publish=True, expected_version=guide.version)
        elif decision == SEND_BACK:
            guide_moderate(
                actor=actor_for(request), guide=guide, publish=False, note=data["note"], expected_version=guide.version
            )

    def create(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Guide:
        data = form.cleaned_data
        guide = guide_create(  # a moderator's guide is published at once
            actor=actor_for(request),
            kind=data["kind"],
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            tags=data.get("tags", ""),
            sources=self._sources(formsets),
            places=list(data.get("places", [])),
            links=list(data.get("links", [])),
        )
        self._decide(request, guide, data)
        return guide

    def update(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Guide:
        data = form.cleaned_data
        guide = Guide.objects.get(pk=form.instance.pk)
        guide_update(
            actor=actor_for(request),
            guide=guide,
            expected_version=data.get("edit_version"),
            sources=self._sources(formsets),
            places=list(data.get("places", [])),
            links=list(data.get("links", [])),
            kind=data["kind"],
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            tags=data.get("tags", ""),
        )
        self._decide(request, guide, data)
        return guide


class PostAdminForm(VersionedModelForm):
    """Only hiding (with a reason) or showing again: what is written is its author's."""

    class Meta:
        fields = ["hidden", "hidden_reason"]
        help_texts = {"hidden_reason": "Needed to hide it: its author and the history show it."}

    def clean(self) -> dict:
        data = super().clean()
        if data.get("hidden") and not (data.get("hidden_reason") or "").strip():
            self.add_error("hidden_reason", "Say why it is hidden; its author and the history will show it.")
        return data


class QuestionAdminForm(PostAdminForm):
    class Meta(PostAdminForm.Meta):
        model = Question


class AnswerAdminForm(PostAdminForm):
    class Meta(PostAdminForm.Meta):
        model = Answer


class PostAdmin(ServiceAdmin):
    """Questions and answers are written on the site (rate-limited, kept from bots): here a moderator
    only hides one with a reason, or shows it again."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def update(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Question | Answer:
        data = form.cleaned_data
        post = self.model.objects.get(pk=form.instance.pk)
        if data["hidden"] == post.hidden and (data.get("hidden_reason") or "") == post.hidden_reason:
            return post
        return post_hide(
            actor=actor_for(request),
            post=post,
            hidden=data["hidden"],
            reason=data.get("hidden_reason") or "",
            expected_version=data.get("edit_version"),
        )


@admin.register(Question)
class QuestionAdmin(PostAdmin):
    form = QuestionAdminForm
    list_display = ["title", "author", "created_at", "hidden"]
    list_filter = ["hidden"]
    list_select_related = ["author"]
    search_fields = ["title", "body"]
    readonly_fields = ["title", "body", "tags", "author", "created_at"]
    fields = ["title", "body", "tags", "author", "created_at", "hidden", "hidden_reason", "edit_version"]


@admin.register(Answer)
class AnswerAdmin(PostAdmin):
    form = AnswerAdminForm
    list_display = ["__str__", "author", "created_at", "hidden"]
    list_filter = ["hidden"]
    list_select_related = ["question", "author"]
    search_fields = ["body", "question__title"]
    readonly_fields = ["question", "body", "author", "created_at"]
    fields = ["question", "body", "author", "created_at", "hidden", "hidden_reason", "edit_version"]
