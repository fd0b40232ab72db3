"""Template helpers for showing statuses and partial dates consistently on every page."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from links.models import LinkStatus
from links.selectors import UNKNOWN

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    if value == UNKNOWN or not value:
        return "not recorded"
    return LinkStatus(value).label


@register.simple_tag
def status_tag(value: str) -> str:
    value = value or UNKNOWN
    return format_html('<span class="tag status-{}">{}</span>', value, status_label(value))


@register.filter
def url_with_page(query: str, page: int) -> str:
    return f"?{query}&page={page}" if query else f"?page={page}"
