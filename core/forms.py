"""Form pieces shared by the admin and public forms."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from core.partial_dates import PartialDate
from core.versioning import EditConflict


class PartialDateField(forms.Field):
    """A date typed as 1947, 2018-03 or 2022-03-22; cleans to a PartialDate (or None if empty)."""

    default_help = gettext_lazy("A year (1947), a year and month (2018-03) or a full date (2022-03-22).")

    widget = forms.TextInput(attrs={"size": 10, "maxlength": 10, "inputmode": "numeric"})

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("help_text", self.default_help)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: object) -> object:
        return value.iso() if isinstance(value, PartialDate) else value

    def to_python(self, value: object) -> PartialDate | None:
        text = str(value).strip() if value not in (None, "") else ""
        if not text:
            return None
        try:
            return PartialDate.parse(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc


class VersionedModelForm(forms.ModelForm):
    """A model form that carries the version its edit started from (a hidden field).

    The service compares it with the row's version when saving, so an edit made from a
    stale page is refused instead of overwriting someone else's.
    """

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("edit_version", self.instance.version)


def names_field(error: str, label: str) -> bool:
    """Whether an error message already names its field in quotes ('Began up to year', « … »)."""
    return f"'{label}'" in error or f"«\xa0{label}\xa0»" in error or f"« {label} »" in error


def shown(value: object, limit: int = 40) -> str:
    """A value as an error message may quote it: at most `limit` characters, so a 10,000-character
    payload is not echoed back whole."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class QuotesShortly:
    """A choice field mixin: "'x' is not one of the choices" quotes at most 40 characters of x."""

    def validate(self, value: object) -> None:
        try:
            super().validate(value)
        except forms.ValidationError as error:
            params = getattr(error, "params", None) or {}
            if getattr(error, "code", None) != "invalid_choice" or "value" not in params:
                raise
            raise forms.ValidationError(
                error.message, code=error.code, params={**params, "value": shown(params["value"])}
            ) from None


class ChoiceField(QuotesShortly, forms.ChoiceField):
    pass


class MultipleChoiceField(QuotesShortly, forms.MultipleChoiceField):
    pass


class OneValueEach:
    """A form mixin: a field that takes one value, given several times (country=GB&country=FR in a
    hand-made URL), is an error that says so, instead of silently using the last value."""

    def clean(self) -> dict:
        data = super().clean()
        getlist = getattr(self.data, "getlist", None)
        if getlist is None:
            return data
        for name, field in self.fields.items():
            if getattr(field.widget, "allow_multiple_selected", False):
                continue
            values = getlist(name)
            if len(values) > 1:
                label = field.label or name
                listed = ", ".join(f"'{shown(v, 20)}'" for v in values[:3]) + (" ..." if len(values) > 3 else "")
                self.add_error(
                    name,
                    gettext("'%(label)s' was given %(count)s times (%(values)s). Give it once.")
                    % {"label": label, "count": len(values), "values": listed},
                )
        return data


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses an id too big for the database in plain words.

    Django's own checks each id with an `in` lookup, which (unlike `exact`) does not guard
    against integer overflow: on SQLite an id like 10**30 raised OverflowError, a server error.
    """

    def _check_values(self, value: object) -> object:
        for pk in value if isinstance(value, (list, tuple)) else []:
            text = str(pk).strip()
            if text.lstrip("-").isdigit() and not -(2**63) <= int(text) < 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": shown(text)}
                )
        return super()._check_values(value)


def service_errors_shown(
    form: forms.BaseForm, error: ValidationError, renames: Mapping[str, str | None] | None = None
) -> None:
    """A service's refusal on the form that asked for it: each message under the field it names
    (`renames` maps the model's names to the form's, "date" to "when"; to None for above the form),
    anything else, and an edit made stale by someone else's save, above the form."""
    renames = renames or {}
    if not hasattr(error, "error_dict") or isinstance(error, EditConflict):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        field = renames.get(name, name)
        form.add_error(field if field in form.fields else None, messages)


class ErrorSummaryMixin:
    """`error_summary()`: (the field's id, the message) for each error, each naming its field, for
    the error summary at the top of a page. A hidden field's error has no field to point at.
    `add_service_errors(error)`: a service's refusal on the form (service_errors_shown, with the
    form's `service_renames`)."""

    service_renames: ClassVar[dict[str, str | None]] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        service_errors_shown(self, error, self.service_renames)

    def error_summary(self) -> list[tuple[str, str]]:
        items = []
        for field in self:
            label = str(field.label)
            anchor = "" if field.is_hidden else field.id_for_label
            for error in field.errors:
                named = names_field(str(error), label) or field.is_hidden
                items.append(
                    (anchor, error if named else gettext("%(label)s: %(error)s") % {"label": label, "error": error})
                )
        return items


def one_line(value: str, label: str) -> str:
    """One line of text: refuse line breaks and other control characters (they have no place in a
    name, and in an email header they would be an injection)."""
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise forms.ValidationError(
            gettext("'%(label)s' must be one line of plain text, without line breaks or tabs.") % {"label": label}
        )
    return value
