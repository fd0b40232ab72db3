"""`{% load hub_markdown %}`: user-written text shown through core.markdown's safe Markdown subset."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from core.markdown import render_markdown, render_markdown_inline

register = template.Library()


@register.filter(name="markdown")
def markdown(text: str | None) -> SafeString:
    """Block Markdown (paragraphs, lists, quotes): use it where the text stands on its own, not inside a <p>."""
    return render_markdown(text)


@register.filter(name="markdown_inline")
def markdown_inline(text: str | None) -> SafeString:
    """Inline Markdown only: for text inside a sentence, a table cell or quotation marks."""
    return render_markdown_inline(text)
