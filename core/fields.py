"""Model fields the registry's apps share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models


class CodeListField(models.CharField):
    """A short list of codes (themes, countries, languages) kept in one column as ",a,b,".

    One column rather than a join table per list: a profile has a dozen such lists and is read
    whole. The separators at both ends let either database find "every profile with theme
    sport" with `field__contains=",sport,"` (see `contains_code`). Values are sorted and unique,
    so two equal lists are equal columns (and the change log shows no change).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    @staticmethod
    def to_column(codes: Iterable[str]) -> str:
        cleaned = sorted({str(code).strip() for code in codes if str(code).strip()})
        return f",{','.join(cleaned)}," if cleaned else ""

    def from_db_value(self, value: str | None, expression: object, connection: object) -> list[str]:
        return [code for code in (value or "").split(",") if code]

    def to_python(self, value: object) -> list[str]:
        if isinstance(value, list):
            return value
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [code for code in value.split(",") if code.strip()]
        return list(value)  # type: ignore[call-overload]

    def get_prep_value(self, value: object) -> str:
        if isinstance(value, str):  # a lookup's own string (",sport,"), or a stored column
            return value
        return self.to_column(value or [])  # type: ignore[arg-type]

    def value_to_string(self, obj: models.Model) -> str:
        return self.to_column(self.value_from_object(obj))

    def validate(self, value: object, model_instance: models.Model | None) -> None:
        # The list's codes are checked by the model's clean(); CharField's own checks see the column.
        column = self.get_prep_value(value)
        if len(column) > self.max_length:
            from django.core.exceptions import ValidationError

            raise ValidationError("Too many choices.", code="max_length")
        if not self.blank and not column:
            from django.core.exceptions import ValidationError

            raise ValidationError(self.error_messages["blank"], code="blank")

    def run_validators(self, value: object) -> None:
        super().run_validators(self.get_prep_value(value))

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return forms.MultipleChoiceField(required=not self.blank, choices=self.choices or [], **kwargs)


def contains_code(field: str, code: str) -> models.Q:
    """The filter for rows whose CodeListField `field` holds `code`."""
    return models.Q(**{f"{field}__contains": f",{code},"})
