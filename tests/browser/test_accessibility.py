"""Every public page passes axe-core's WCAG 2.2 A/AA checks in a real browser."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from links.demo import load_demo_data
from links.models import Link
from links.purposes import ensure_purposes
from places.models import Place
from sources.models import Source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def test_public_pages_have_no_accessibility_violations(page):
    ensure_purposes()
    load_demo_data()
    coventry = Place.objects.get(name="Coventry")
    link = Link.objects.filter(parties__place=coventry, events__status="paused").get()
    urls = [
        "/",
        "/search",
        "/search?country=GB&partner_country=RU&as_of=2022-12-31",
        "/search?as_of=not-a-date",  # the error summary too
        link.get_absolute_url(),
        coventry.get_absolute_url(),
        "/sources/",
        Source.objects.get(publisher="Coventry City Council").get_absolute_url(),
    ]
    axe = Axe()
    problems = {}
    for url in urls:
        page.goto(url)
        results = axe.run(page, options=WCAG)
        if results.violations_count:
            problems[url] = results.generate_report()
    assert not problems, "\n\n".join(f"{url}\n{report}" for url, report in problems.items())
