"""A link page printed in Chromium is a clean A4 handout (issue 7): at most two pages for a demo
link, with its title, parties, timeline and sources, and none of the site's navigation, language
switcher or search form (hub.css's print styles).

Chromium prints to PDF only headless, as these tests run. The PDF's text is read by
tests/browser/pdf_text.py, a tiny reader for what Chromium writes: neither pypdf nor
pdfminer.six is in the venv, and poppler's pdftotext is not installed.
"""

from __future__ import annotations

import pytest

from tests.browser.journeys import demo_link
from tests.browser.pdf_text import normalised, pdf_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A4 = (595.28, 841.89)  # points; Chromium rounds to whole CSS pixels, so allow a point or two
NOT_PRINTED = [
    "Skip to main content",
    "Search links",  # the header's navigation
    "Open data and API",
    "Sign in",
    "English",  # the language switcher
    "Français",
    "Privacy notice",  # the footer
    "Know more about this link",  # the invitations to correct it, useless on paper
    "Correct this entry",
]


def printed(page, url: str) -> tuple[list, str]:
    page.goto(url)
    pages = pdf_pages(page.pdf(format="A4", print_background=False))
    return pages, normalised("\n".join(p.text for p in pages))


def test_a_link_page_prints_on_at_most_two_a4_pages_with_its_facts_and_no_navigation(page, demo):
    link = demo_link("Coventry", "Volgograd")  # the demo's longest link page: two sources, two events
    pages, text = printed(page, link.get_absolute_url())

    for each in pages:
        assert abs(each.width - A4[0]) < 2 and abs(each.height - A4[1]) < 2, (each.width, each.height)
    assert 1 <= len(pages) <= 2, f"{len(pages)} pages"

    assert "Coventry – Volgograd" in text  # the title
    assert "Coventry, United Kingdom" in text and "Volgograd, Russian Federation" in text  # the parties
    assert "Status today: PAUSED since 22 March 2022" in text
    assert "Timeline" in text
    assert "22 March 2022: Paused" in text and "1942: Active" in text
    assert "Decided by: Coventry City Council, full council" in text
    assert "The devastating invasion of Ukraine by the Russian Government" in text
    assert "Sources for this link" in text
    assert "Council sends letter to Russian twin" in text  # the sources
    assert "Moving Forward Together" in text
    assert "with a heavy heart" in text  # and what they say

    assert [words for words in NOT_PRINTED if words in text] == []


def test_a_search_prints_its_results_without_its_form(page, demo):
    _, text = printed(page, "/search?country=GB&partner_country=RU&as_of=2022-12-31")
    assert "13 links found" in text and "Coventry – Volgograd" in text
    for words in ("Apply filters", "A party in country", "Download all", "Statistics"):
        assert words not in text


def test_every_demo_link_prints_on_at_most_two_pages(page, demo):
    from links.models import Link

    longer = {}
    for link in Link.objects.all():
        pages, _ = printed(page, link.get_absolute_url())
        if len(pages) > 2:
            longer[str(link)] = len(pages)
    assert longer == {}
