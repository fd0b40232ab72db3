"""Form pieces shared by the admin and public forms."""

from __future__ import annotations

from django import forms

from core.partial_dates import PartialDate


class PartialDateField(forms.Field):
    """A date typed as 1947, 2018-03 or 2022-03-22; cleans to a PartialDate (or None if empty)."""

    default_help = "A year (1947), a year and month (2018-03) or a full date (2022-03-22)."

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
