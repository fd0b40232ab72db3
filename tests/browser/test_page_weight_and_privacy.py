"""Weight and privacy of the main pages, from the requests Chromium makes on a first visit (issue 7).

Every request of a first load (a fresh browser context: nothing cached) is recorded. All of them
must go to the hub itself: no CDN, no web fonts from elsewhere, no trackers. And the page's HTML,
CSS, JavaScript and fonts together must weigh at most 150 KB compressed.

How "compressed" is measured: the test's live server (Django's) compresses nothing, since
whitenoise compresses static files only after collectstatic with DEBUG off, and no middleware
compresses HTML. So the test gzips each response body itself (gzip.compress, level 6, what
servers commonly use) and sums those sizes: the transfer size the page would have from a server
that compresses. A response that did arrive compressed counts at its transferred size instead.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field

import pytest

from tests.browser.journeys import association_to_write_to, demo_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 150 * 1024  # bytes, compressed
COUNTED = {"document", "stylesheet", "script", "font"}


@dataclass
class FirstLoad:
    requests: list[str] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)  # url to compressed bytes, of COUNTED kinds

    @property
    def total(self) -> int:
        return sum(self.sizes.values())


def first_load(browser, base_url: str, url: str) -> FirstLoad:
    context = browser.new_context(base_url=base_url)  # a fresh context: an empty cache
    page = context.new_page()
    load = FirstLoad()
    responses = []
    page.on("request", lambda request: load.requests.append(request.url))
    page.on("response", lambda response: responses.append(response))
    page.goto(url)
    page.wait_for_load_state("load")
    for response in responses:
        if response.request.resource_type not in COUNTED or response.status >= 300:
            continue
        body = response.body()
        if response.headers.get("content-encoding") in {"gzip", "br", "deflate"}:
            size = int(response.headers.get("content-length") or len(body))
        else:
            size = len(gzip.compress(body, compresslevel=6))
        load.sizes[response.url] = size
    context.close()
    return load


def test_main_pages_stay_on_the_site_and_under_150_kb(browser, live_server, demo):
    link = demo_link("Coventry", "Volgograd")
    association = association_to_write_to(link)
    pages = {
        "home": "/",
        "search": "/search?country=GB&partner_country=RU&as_of=2022-12-31",
        "link": link.get_absolute_url(),
        "place": link.parties.get(place__name="Coventry").place.get_absolute_url(),
        "statistics": "/statistics/",
        "association": association.get_absolute_url(),
    }
    outside, heavy, report = {}, {}, []
    for name, url in pages.items():
        load = first_load(browser, live_server.url, url)
        assert load.requests, f"{name}: no request recorded"
        elsewhere = [r for r in load.requests if not r.startswith((live_server.url + "/", "data:"))]
        if elsewhere:
            outside[name] = elsewhere
        report.append(f"{name}: {load.total / 1024:.1f} KB in {len(load.sizes)} responses")
        if load.total > BUDGET:
            heavy[name] = {url: size for url, size in load.sizes.items()}
    print("\n".join(report))  # shown with pytest -s
    assert outside == {}, f"requests that left the site: {outside}"
    assert heavy == {}, f"pages over {BUDGET // 1024} KB compressed: {heavy}\n" + "\n".join(report)
