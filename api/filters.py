"""The search page's filters as API query parameters: validated by the same SearchForm, described from it.

Every field of links.forms.SearchForm becomes a query parameter of the same name, and its
OpenAPI description is generated from the form field (type, bounds, choices, label, help
text), so the API and the search page cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest

from api.errors import NON_FIELD, bad_request, refuse_repeats
from core.forms import ChoiceField, OneValueEach, shown
from links.forms import SearchForm
from links.purposes import PURPOSES
from links.selectors import LinkSearch
from places.geography import is_country_code
from sources.models import SourceKind

EXAMPLES = {
    "q": "Volgograd",
    "country": "GB",
    "partner_country": "RU",
    "as_of": "2022-12-31",
    "status": ["paused", "ended"],
    "year_from": 1945,
    "year_to": 1990,
    "stats_country": "GB",
}
EXTRA_HELP = {
    "q": "Words to find in a party's name (in any language, accents and case ignored), "
    "the link's name or its description.",
    "country": "Two-letter ISO 3166-1 code of a country one of the parties is in.",
    "partner_country": "Two-letter ISO code of the partner's country. The same as `country` finds links "
    "within one country.",
    "status": "Repeat the parameter for several: status=paused&status=ended.",
}
# Choices that the form fills in from the database; the purposes come from a migration, so they are fixed.
CHOICES = {"purpose": [slug for slug, _name in PURPOSES]}


EMPTY = {"type": "string", "enum": [""]}


def _schema(name: str, field: forms.Field) -> dict[str, Any]:
    """The JSON schema of a form field as a query parameter.

    An empty value means "any", as when the search page's form is sent with a field left
    blank, so the search page's query strings work here unchanged.
    """
    if isinstance(field, forms.MultipleChoiceField):
        return {"type": "array", "items": {"type": "string", "enum": ["", *(v for v, _ in field.choices if v)]}}
    if isinstance(field, forms.ChoiceField):
        values = CHOICES.get(name) or [v for v, _ in field.choices if v]
        return {"type": "string", "enum": ["", *values]}
    if isinstance(field, forms.BooleanField):
        return {"anyOf": [{"type": "boolean", "default": False}, EMPTY]}
    if isinstance(field, forms.IntegerField):
        schema: dict[str, Any] = {"type": "integer"}
        if field.min_value is not None:
            schema["minimum"] = field.min_value
        if field.max_value is not None:
            schema["maximum"] = field.max_value
        return {"anyOf": [schema, EMPTY]}
    if isinstance(field, forms.DateField):
        return {"anyOf": [{"type": "string", "format": "date"}, EMPTY]}
    schema = {"type": "string"}
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    return schema


def _parameter(name: str, field: forms.Field) -> dict[str, Any]:
    words = [str(field.label or name).rstrip(".") + "."]
    if name in EXTRA_HELP:
        words.append(EXTRA_HELP[name])
    if field.help_text:
        words.append(str(field.help_text))
    parameter: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": False,
        "description": " ".join(words),
        "schema": _schema(name, field),
    }
    if isinstance(field, forms.MultipleChoiceField):
        parameter |= {"style": "form", "explode": True}
    if name in EXAMPLES:
        parameter["example"] = EXAMPLES[name]
    return parameter


def form_parameters(form_class: type[forms.Form]) -> list[dict[str, Any]]:
    """OpenAPI query parameters for every field of a form."""
    return [_parameter(name, field) for name, field in form_class.base_fields.items()]


def search_parameters() -> list[dict[str, Any]]:
    """OpenAPI query parameters for every filter of the search page."""
    return form_parameters(SearchForm)


def search_parameter(name: str, description: str = "") -> dict[str, Any]:
    """One filter of the search page as a query parameter, with its own description if given."""
    parameter = _parameter(name, SearchForm.base_fields[name])
    if description:
        parameter["description"] = f"{description} {parameter['description']}"
    return parameter


def form_errors(form: forms.Form) -> dict[str, list[str]]:
    return {
        (NON_FIELD if field == NON_FIELD_ERRORS else field): [e["message"] for e in items]
        for field, items in form.errors.get_json_data().items()
    }


# What a boolean parameter may say: JSON's words, and "on", which the search page's checkbox sends.
BOOLEAN_WORDS = {"true", "false", "on"}


def link_search(request: HttpRequest) -> LinkSearch:
    """The filters of this request, checked by the search page's form; a 400 in its words if any is wrong.

    The form reads any other word as "ticked"; the API is stricter, so that a typo is not a filter.
    """
    form = SearchForm(request.GET)
    errors = form_errors(form) if not form.is_valid() else {}
    for value in request.GET.getlist("needs_verification"):
        if value and value.lower() not in BOOLEAN_WORDS:  # empty means "any", as for every filter
            errors["needs_verification"] = [
                f"'{shown(value)}' is not true or false. Give needs_verification=true or false."
            ]
    if errors:
        raise bad_request(errors, "Some filters are not valid")
    return form.to_search()


def _country_code(value: str) -> str:
    """The search form's rule for a country parameter, with its message."""
    code = value.strip().upper()
    if code and not is_country_code(code):
        raise forms.ValidationError(
            f"'{shown(code)}' is not a country code. Use the two-letter ISO code, such as GB, FR or RU."
        )
    return code


class PlaceFilters(OneValueEach, forms.Form):
    q = forms.CharField(
        label="Place name",
        required=False,
        max_length=200,
        help_text="Words of the name, in any language; accents and case are ignored.",
    )
    country = forms.CharField(label="Country", required=False, help_text="Two-letter ISO 3166-1 code, e.g. FR.")

    def clean_country(self) -> str:
        return _country_code(self.cleaned_data["country"])


class SourceFilters(OneValueEach, forms.Form):
    q = forms.CharField(label="Words of the title or publisher", required=False, max_length=200)
    kind = ChoiceField(label="Kind of source", required=False, choices=[("", "Any")] + SourceKind.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["invalid_choice"] = (
            "'%(value)s' is not a kind of source. Use one of: " + ", ".join(SourceKind.values) + "."
        )


def stats_country_parameter() -> dict[str, Any]:
    return {
        "name": "stats_country",
        "in": "query",
        "required": False,
        "description": "The country the statistics are about: two-letter ISO code. GB (the UK) if not given.",
        "schema": {"type": "string", "default": "GB", "maxLength": 2},
        "example": "GB",
    }


def stats_country(request: HttpRequest) -> str:
    refuse_repeats(request, "stats_country")
    code = request.GET.get("stats_country", "").strip().upper() or "GB"
    if not is_country_code(code):
        raise bad_request(
            {
                "stats_country": [
                    f"'{shown(code)}' is not a country code. Use the two-letter ISO code, such as GB, FR or RU."
                ]
            },
            "Some filters are not valid",
        )
    return code
