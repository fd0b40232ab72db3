"""A service's refusal lands on the form where the reader will look: under the field it names, the
rest (and "someone else saved it meanwhile") above the form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from core.forms import ErrorSummaryMixin, service_errors_shown
from core.versioning import EditConflict


class ActivityLike(ErrorSummaryMixin, forms.Form):
    service_renames = {"date": "when", "note": None}
    title = forms.CharField(required=False)
    when = forms.CharField(required=False)


def shown(error: ValidationError, renames: dict | None = None) -> dict[str, list[str]]:
    form = ActivityLike({})
    form.is_valid()
    if renames is None:
        form.add_service_errors(error)
    else:
        service_errors_shown(form, error, renames)
    return {name: list(messages) for name, messages in form.errors.items()}


def test_messages_go_under_the_fields_they_name_through_the_form_s_renames():
    error = ValidationError({"title": "Too long.", "date": "Before the link began.", "note": "Say why."})
    assert shown(error) == {"title": ["Too long."], "when": ["Before the link began."], "__all__": ["Say why."]}


def test_a_field_the_form_does_not_have_and_a_plain_refusal_go_above_the_form():
    assert shown(ValidationError({"place": "Unknown place."}), renames={}) == {"__all__": ["Unknown place."]}
    assert shown(ValidationError("You cannot change this record.")) == {"__all__": ["You cannot change this record."]}


def test_an_edit_made_stale_by_someone_else_is_said_above_the_form_even_when_it_names_a_field():
    conflict = EditConflict({"title": "Someone else saved this record while you were editing it."})
    assert shown(conflict) == {"__all__": ["Someone else saved this record while you were editing it."]}
