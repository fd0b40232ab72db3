"""Template helpers for showing statuses, partial dates and place names consistently on every page."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from core.partial_dates import long_date as _long_date
from links.models import LinkStatus
from links.purposes import purpose_name as _purpose_name
from links.selectors import UNKNOWN
from places.local_names import local_name as _local_name

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    if value == UNKNOWN or not value:
        return gettext("not recorded")
    return str(LinkStatus(value).label)


@register.simple_tag
def status_tag(value: str) -> str:
    value = value or UNKNOWN
    return format_html('<span class="tag status-{}">{}</span>', value, status_label(value))


@register.filter
def long_date(value: dt.date | None) -> str:
    """A date in words in the active language: "22 March 2022", "22 mars 2022"."""
    return _long_date(value) if value else ""


@register.filter
def local_name(place) -> str:
    """A place's name in the reader's language, where the names fetched with it hold one (places.local_names)."""
    return _local_name(place)


@register.filter
def purpose_name(name: str) -> str:
    """A purpose's stored (English) name in the reader's language."""
    return _purpose_name(name)
