"""The sign-up form: allauth's, plus a check that a person, not a script, filled it in."""

from __future__ import annotations

from allauth.account.forms import SignupForm
from django import forms
from django.conf import settings

from core.antibot import form_shown_problem, form_shown_token


class HubSignupForm(SignupForm):
    """Adds a signed time the form was shown; a reply faster than SIGNUP_MIN_SECONDS is refused.

    Together with allauth's honeypot field (ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD), the rate limit
    and email verification, this keeps sign-up bots out without a puzzle for people to solve.
    """

    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = form_shown_token()
        self.fields["email"].help_text = "We send a link to this address; follow it to confirm the account."
        honeypot = settings.ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD
        if honeypot in self.fields:
            # Off-screen by a class, not an inline style (the Content-Security-Policy allows none),
            # and labelled for anyone whose screen reader finds it.
            self.fields[honeypot].label = "Leave this field empty"
            self.fields[honeypot].widget.attrs = {"class": "hp-field", "tabindex": "-1", "autocomplete": "off"}

    def clean_started(self) -> str:
        token = self.data.get(self.add_prefix("started"), "")
        problem = form_shown_problem(token, settings.SIGNUP_MIN_SECONDS)
        if problem:
            raise forms.ValidationError(problem)
        return token
