"""The form that erases an account: the password again, so that nobody at an open laptop can."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import PrivilegedKind


class ErasureForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "aria-describedby": "id_password-hint"}),
        help_text=_("The password you sign in with. We ask for it again because erasing cannot be undone."),
        error_messages={"required": _("Type your password to erase your account.")},
    )


class PrivilegedLogFilter(forms.Form):
    """The privileged log page's one filter; an unknown kind is refused, not ignored."""

    kind = forms.ChoiceField(
        label=_("Kind of action"),
        required=False,
        choices=[("", _("All kinds")), *PrivilegedKind.choices],
        error_messages={
            "invalid_choice": _("There is no kind of action called “%(value)s”: choose one from the list.")
        },
    )
