"""Previous/next links under a paginated list, keeping the reader's filters in the address."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page

register = template.Library()


def page_address(query: Any, number: int, name: str = "page") -> str:
    """The current address's query with page `name` set to `number` (other filters kept, encoded)."""
    kept = query.copy()
    kept[name] = str(number)
    return f"?{kept.urlencode()}"


@register.inclusion_tag("_pagination.html", takes_context=True)
def pagination(
    context: template.Context, page: Page, label: str, previous: str = "", next: str = "", name: str = "page"
) -> dict[str, Any]:
    """`{% pagination page label %}`: nothing when everything fits on one page.

    The filters come from the request itself, so every list keeps them the same way and no view
    has to rebuild its query string for the template.
    """
    query = context["request"].GET
    return {
        "page": page,
        "label": label,
        "previous_label": previous,
        "next_label": next,
        "previous_url": page_address(query, page.previous_page_number(), name) if page.has_previous() else "",
        "next_url": page_address(query, page.next_page_number(), name) if page.has_next() else "",
    }
