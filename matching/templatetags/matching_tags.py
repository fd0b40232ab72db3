"""Template helpers of partner finding: code lists read as words, and what waits for a person."""

from __future__ import annotations

from django import template

from matching.models import ExchangeKind, Region, Theme, Trait
from matching.selectors import Waiting, waiting_for
from places.geography import country_label, language_label

register = template.Library()

CHOICES = {"theme": Theme, "exchange": ExchangeKind, "trait": Trait, "region": Region}


@register.filter
def labels(codes: list[str], kind: str) -> str:
    """["youth", "sport"]|labels:"theme" -> "youth exchange, sport" (in the reader's language)."""
    choices = CHOICES[kind]
    names = dict(choices.choices)
    return ", ".join(str(names.get(code, code)) for code in codes or [])


@register.filter
def countries(codes: list[str]) -> str:
    return ", ".join(country_label(code) for code in codes or [])


@register.filter
def languages(codes: list[str]) -> str:
    return ", ".join(language_label(code) for code in codes or [])


@register.simple_tag(takes_context=True)
def partner_waiting(context: template.Context) -> Waiting:
    """What waits for the signed-in person (one query); nothing, and no query, for anyone else.
    Pages for anonymous visitors are cached, so they must never depend on this."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Waiting()
    if not hasattr(request, "_partner_waiting"):
        request._partner_waiting = waiting_for(user)
    return request._partner_waiting
