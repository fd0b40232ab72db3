"""Admin for places and institutions; saves go through places.services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin_support import ServiceAdmin, actor_for
from core.forms import VersionedModelForm
from places.models import Institution, Place
from places.services import PLACE_FIELDS, institution_create, institution_update, place_create, place_update


class PlaceAdminForm(VersionedModelForm):
    class Meta:
        model = Place
        fields = PLACE_FIELDS


@admin.register(Place)
class PlaceAdmin(ServiceAdmin):
    form = PlaceAdminForm
    list_display = ["name", "kind", "country", "subdivision", "geonames_id", "population"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "names__name", "geonames_id"]

    def create(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Place:
        data = {k: v for k, v in form.cleaned_data.items() if k in PLACE_FIELDS}
        return place_create(actor=actor_for(request), **data)

    def update(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Place:
        data = {k: v for k, v in form.cleaned_data.items() if k in PLACE_FIELDS}
        place = Place.objects.get(pk=form.instance.pk)
        return place_update(
            actor=actor_for(request), place=place, expected_version=form.cleaned_data.get("edit_version"), **data
        )


class InstitutionAdminForm(VersionedModelForm):
    class Meta:
        model = Institution
        fields = ["name", "kind", "place", "note"]


@admin.register(Institution)
class InstitutionAdmin(ServiceAdmin):
    form = InstitutionAdminForm
    list_display = ["name", "kind", "place"]
    list_filter = ["kind"]
    search_fields = ["name", "place__name"]
    autocomplete_fields = ["place"]

    def create(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Institution:
        data = form.cleaned_data
        return institution_create(
            actor=actor_for(request),
            name=data["name"],
            kind=data["kind"],
            place=data["place"],
            note=data.get("note", ""),
        )

    def update(self, request: HttpRequest, form: Any, formsets: list[Any]) -> Institution:
        data = form.cleaned_data
        institution = Institution.objects.get(pk=form.instance.pk)
        return institution_update(
            actor=actor_for(request),
            institution=institution,
            expected_version=data.get("edit_version"),
            name=data["name"],
            kind=data["kind"],
            place=data["place"],
            note=data.get("note", ""),
        )
