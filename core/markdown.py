"""User-written text (link descriptions, reasons, quotes, notes) rendered from a safe subset of Markdown.

Two layers, so that neither alone has to be perfect: markdown-it-py parses CommonMark with raw
HTML turned off (any tag someone types is shown as text) and without the block rules the hub does
not show (headings, rules, images: a line starting "#" stays a line of text), then nh3 keeps only
an explicit allowlist of tags, with links limited to http, https and mailto and marked
rel="nofollow noopener". Plain text reads as it was typed: single newlines stay line breaks, as
the pages showed them before Markdown.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset({"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre"})
INLINE_TAGS = frozenset({"br", "em", "strong", "a", "code"})
# "*" emptied: nh3 otherwise allows lang and title on every tag.
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {"*": frozenset(), "a": frozenset({"href"})}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"

# Rules whose output the allowlist would only strip again; off, their text is shown as typed.
_UNSHOWN_RULES = ["heading", "lheading", "hr", "image", "html_block", "html_inline"]


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True, "typographer": False})
    md.disable(_UNSHOWN_RULES)
    return md


_MD = _parser()
# A lone UTF-16 surrogate (JSON can spell one) is no character: nh3 cannot take it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _href_filter(tag: str, attribute: str, value: str) -> str | None:
    """Only absolute http(s) and mailto links: no javascript:, data:, relative or scheme-relative URLs."""
    if attribute != "href":
        return value
    try:
        scheme = urlsplit(value).scheme.lower()
    except ValueError:
        return None
    return value if scheme in URL_SCHEMES else None


def _clean(html: str, tags: frozenset[str]) -> str:
    return nh3.clean(
        html,
        tags=set(tags),
        clean_content_tags={"script", "style"},
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items() if tag == "*" or tag in tags},
        attribute_filter=_href_filter,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str | None) -> SafeString:
    """Block Markdown (paragraphs, lists, quotes, code) as sanitised HTML, for a description or a note."""
    if not text:
        return mark_safe("")  # noqa: S308 - nothing to render
    return mark_safe(_clean(_MD.render(_SURROGATE.sub("\ufffd", str(text))), ALLOWED_TAGS).strip())  # noqa: S308 - sanitised by nh3


def render_markdown_inline(text: str | None) -> SafeString:
    """Inline Markdown only (emphasis, code, links, line breaks), for text inside a sentence or a
    quotation mark: a reason after "Reason:", a quote between “ and ”."""
    if not text:
        return mark_safe("")  # noqa: S308 - nothing to render
    return mark_safe(_clean(_MD.renderInline(_SURROGATE.sub("\ufffd", str(text))), INLINE_TAGS).strip())  # noqa: S308 - sanitised by nh3
