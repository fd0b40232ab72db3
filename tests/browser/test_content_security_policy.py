"""The Content-Security-Policy in a real browser: Chromium reports no violation on any kind of page,
no request leaves the site, and the API docs page (its styles now a static file) still shows its
list of operations, styled."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from links.purposes import ensure_purposes
from tests.test_security import PAGE_NAMES, registry_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects the violations the page itself sees (the event fires even where the console is quiet).
# Playwright's init scripts run outside the page's policy, so this script is not one to block.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def test_no_page_violates_the_content_security_policy(page, live_server):
    ensure_purposes()  # a transactional test starts from empty tables
    registry = registry_build()
    console: list[str] = []
    outside: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on(
        "request",
        lambda request: None if request.url.startswith((live_server.url, "data:")) else outside.append(request.url),
    )
    page.add_init_script(LISTEN)

    problems: dict[str, list[str]] = {}
    for name in PAGE_NAMES:
        console.clear()
        page.goto(registry.urls[name])
        page.wait_for_load_state("load")
        found = [line for line in console if "Content Security Policy" in line or "Permissions-Policy" in line]
        found += page.evaluate("window.__violations")
        if found:
            problems[name] = found
    assert problems == {}
    assert outside == [], "requests that left the site"


def test_the_api_docs_page_still_lists_its_operations_with_its_styles(page):
    page.goto("/api/v1/docs")
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents.get_by_role("link", name="GET /api/v1/links", exact=False).first).to_be_visible()
    assert contents.get_by_role("listitem").count() > 5
    # The styles moved from a <style> block to api/docs.css: the example blocks keep their grey rule.
    example = page.locator(".api-docs pre").first
    assert example.evaluate("e => getComputedStyle(e).borderLeftWidth") == "4px"
    assert page.locator(".api-docs .method").first.evaluate("e => getComputedStyle(e).fontWeight") == "700"
