"""The statistics page passes axe-core's WCAG 2.2 A/AA checks in a real browser, wide and phone-sized."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from links.purposes import ensure_purposes
from sources.services import source_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


@pytest.fixture
def registry(request, actor):
    ensure_purposes()  # a transactional test starts from an emptied database
    source_create(actor=actor, title="Moving Forward Together: Refreshing and Revitalising …", kind="report")
    return request.getfixturevalue("uk_registry")


def test_the_statistics_page_has_no_accessibility_violations(page, registry):
    """One full page on a phone-sized screen: every section, the LGIB comparison, the scrolling chart.

    (The error summary is the search page's, which tests/browser checks.)
    """
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto("/statistics/?as_of=2021-12-31")
    assert page.locator("svg[role=img]").count() == 11
    results = Axe().run(page, options=WCAG)
    assert not results.violations_count, results.generate_report()
