"""A link's health as a tag in lists, worded as on its page (health.selectors.health_label)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from health.models import HealthState
from health.selectors import health_label

register = template.Library()


@register.filter
def health_tag(state: str) -> SafeString:
    state = state if state in HealthState.values else HealthState.UNKNOWN
    return format_html('<span class="tag health health-{}">{}</span>', state, health_label(state))
