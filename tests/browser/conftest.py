"""Real-browser tests. Their fixtures (browser, page) live in the root conftest.py, shared with other
apps; the ones only these tests use (a page without JavaScript, either page, the demo registry) are
here."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def page_without_js(browser, live_server) -> Iterator[object]:
    """A page in a second browser context with JavaScript switched off, as some readers browse.

    axe-core cannot run here (it is JavaScript): accessibility is checked in the other context."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(params=["with JavaScript", "without JavaScript"])
def any_page(request) -> object:
    """The test runs twice: once in a page with JavaScript, once in one without."""
    return request.getfixturevalue("page" if request.param == "with JavaScript" else "page_without_js")


@pytest.fixture
def demo(transactional_db) -> None:
    """The demo registry (the seed documents' 42 links). A transactional test empties every table
    when it ends, migration-made rows included, so the purposes are made again first."""
    from links.demo import load_demo_data
    from links.purposes import ensure_purposes

    ensure_purposes()
    load_demo_data()


@pytest.fixture
def no_minimum_fill_time(settings) -> None:
    """The contact and sign-up forms refuse a reply faster than a person types; a test types
    faster. The live server runs in the test's process, so it reads these settings."""
    settings.FORM_MIN_SECONDS = 0
    settings.SIGNUP_MIN_SECONDS = 0
