"""The sign-up form: allauth's, plus a check that a person, not a script, filled it in."""

from __future__ import annotations

from allauth.account.forms import SignupForm
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.privacy import consent_record
from core.antibot import form_shown_problem, form_shown_token


class HubSignupForm(SignupForm):
    """Adds a signed time the form was shown; a reply faster than SIGNUP_MIN_SECONDS is refused.

    Together with allauth's honeypot field (ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD), the rate limit
    and email verification, this keeps sign-up bots out without a puzzle for people to solve.
    """

    started = forms.CharField(widget=forms.HiddenInput, required=False)
    # UK GDPR: an account starts only once its owner says they have read the privacy notice; the
    # version they read is recorded (accounts.privacy.consent_record).
    privacy_notice = forms.BooleanField(
        required=True,
        error_messages={
            "required": _("Tick the box to say you have read the privacy notice: we need it to open an account.")
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = form_shown_token()
        # Last, just above the button, and with its link to the notice in the label.
        consent = self.fields.pop("privacy_notice")
        consent.label = format_html(
            gettext('I have read the <a href="{url}">privacy notice</a>'), url=reverse("privacy_notice")
        )
        consent.label_suffix = ""
        self.fields["privacy_notice"] = consent
        self.fields["email"].help_text = gettext("We send a link to this address; follow it to confirm the account.")
        honeypot = settings.ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD
        if honeypot in self.fields:
            # Off-screen by a class, not an inline style (the Content-Security-Policy allows none),
            # and labelled for anyone whose screen reader finds it.
            self.fields[honeypot].label = gettext("Leave this field empty")
            self.fields[honeypot].widget.attrs = {"class": "hp-field", "tabindex": "-1", "autocomplete": "off"}

    def clean_started(self) -> str:
        token = self.data.get(self.add_prefix("started"), "")
        problem = form_shown_problem(token, settings.SIGNUP_MIN_SECONDS)
        if problem:
            raise forms.ValidationError(problem)
        return token

    def signup(self, request: object, user: object) -> None:
        """allauth calls this once the account is saved: record which notice its owner read."""
        consent_record(user=user)
