"""A source named by its number or its page's address (core.record_pages), for forms that cite one."""

from __future__ import annotations

from collections.abc import Collection

from django import forms
from django.utils.translation import gettext

from core.forms import shown
from core.record_pages import NotARecordPage, record_number
from sources.models import Source


def registry_source(text: str, *, hosts: Collection[str]) -> Source | None:
    """The registry source `text` names ("12", "https://hub.example/sources/12/…"), None for blank text;
    a ValidationError in plain words for anything else. `hosts`: this hub's host names (hosts_of)."""
    text = text.strip()
    if not text:
        return None
    try:
        number = record_number(text, namespace="sources", hosts=hosts)
    except NotARecordPage:
        raise forms.ValidationError(
            gettext(
                "'%(text)s' is not the address of a source's page on this hub, nor its number. Copy the address "
                "of the source's page, or give the web address above instead."
            )
            % {"text": shown(text)}
        ) from None
    source = Source.objects.filter(pk=number).first()
    if source is None:
        raise forms.ValidationError(
            gettext(
                "No source %(number)d in the registry: check the number on the source's page, or give the web "
                "address instead."
            )
            % {"number": number}
        )
    return source
