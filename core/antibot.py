"""Keeping scripts out of public forms without puzzles for people: a field hidden from people
(a "honeypot") and a signed time the form was shown, refusing replies faster than a person types."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext, gettext_lazy

_SALT = "core.antibot.form-shown"
HONEYPOT = "website"


def form_shown_token() -> str:
    return signing.dumps(time.time(), salt=_SALT)


def form_shown_problem(token: str, min_seconds: float | None = None) -> str:
    """'' when `token` says the form was shown long enough ago; else what to tell the sender."""
    minimum = settings.FORM_MIN_SECONDS if min_seconds is None else min_seconds
    try:
        shown_at = float(signing.loads(token, salt=_SALT, max_age=24 * 3600))
    except (signing.BadSignature, TypeError, ValueError):
        return gettext("This form has expired or was not sent from our page. Reload the page and try again.")
    if time.time() - shown_at < minimum:
        return gettext("That was quicker than a person can fill in the form. Wait a few seconds and send it again.")
    return ""


class HumanFormMixin(forms.Form):
    """Add to a public form. A filled-in honeypot sets `is_bot` (the view then pretends to succeed,
    telling the bot nothing); a reply sent too fast, or a forged form, gets a plain error."""

    started = forms.CharField(widget=forms.HiddenInput, required=False)
    website = forms.CharField(
        required=False,
        label=gettext_lazy("Leave this field empty"),
        widget=forms.TextInput(attrs={"class": "hp-field", "tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = form_shown_token()

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix(HONEYPOT), "").strip())

    def clean_started(self) -> str:
        token = self.data.get(self.add_prefix("started"), "")
        problem = form_shown_problem(token)
        if problem:
            raise forms.ValidationError(problem)
        return token
