"""The language switcher and the page's language, for base.html."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils import translation

register = template.Library()


def bcp47(code: str) -> str:
    """A Django language code as HTML's lang attribute writes it: "en-gb" becomes "en-GB"."""
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if len(region) == 2 else code


@dataclass(frozen=True)
class LanguageLink:
    code: str  # as Django names it ("en-gb")
    lang: str  # as HTML does ("en-GB")
    name: str  # in its own language ("Français")
    url: str
    current: bool
    same_page: bool = True  # False where the page has no address in that language (its home page then)


def language_links(request: HttpRequest | None) -> list[LanguageLink]:
    """This page in each language (its path and query kept); a page with no translated address
    (an unknown one, or the admin's) leads to that language's home page instead."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    here = request.get_full_path() if request is not None else "/"
    links = []
    for code, name in settings.LANGUAGES:
        url, same_page = here, True
        if code != current:
            url = translate_url(here, code)
            if url == here:
                with translation.override(code):
                    url, same_page = reverse("links:home"), False
        links.append(LanguageLink(code, bcp47(code), name, url, current=code == current, same_page=same_page))
    return links


@register.simple_tag(takes_context=True, name="language_links")
def language_links_tag(context: template.Context) -> list[LanguageLink]:
    return language_links(context.get("request"))


@register.simple_tag
def page_language() -> str:
    """The active language for <html lang>: "en-GB" or "fr"."""
    return bcp47(translation.get_language() or settings.LANGUAGE_CODE)
