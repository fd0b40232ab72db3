"""The header's navigation, with "Knowledge bank" and "Events" in it, on a 320 px wide phone: it wraps
rather than running off the screen, every link stays on screen, the section you are in is marked, and
nothing on those pages (the home page's search box included) makes them scroll sideways."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=NARROW)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.parametrize(("url", "current"), [("/", None), ("/events/", "Events"), ("/knowledge/", "Knowledge bank")])
def test_the_header_fits_a_320_px_screen_and_marks_where_you_are(phone, url, current):
    phone.goto(url)
    widest = phone.evaluate(
        "Math.max(...[...document.querySelectorAll('.site-header *')].map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= NARROW["width"], f"the header runs {widest} px wide"
    nav = phone.get_by_role("navigation", name="Main")
    links = nav.get_by_role("link")
    names = [links.nth(i).inner_text().strip() for i in range(links.count())]
    assert names.index("Associations") < names.index("Knowledge bank") < names.index("Events")
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], (names[i], box)
    marked = [names[i] for i in range(links.count()) if links.nth(i).get_attribute("aria-current") == "page"]
    assert marked == ([current] if current else [])
    assert phone.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], "the page scrolls sideways"
