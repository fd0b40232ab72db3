"""Fixtures shared by every test: actors, sources and small registries built through the services."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from audit.services import Actor
from core.partial_dates import PartialDate
from places.services import place_create
from sources.services import CitationSpec, source_create


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache: a rolled-back test can leave a registry version behind
    (SQLite reuses the ids of rolled-back rows), and cached statistics with it."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def flushable_privileged_log(request) -> Iterator[None]:
    """Keep the privileged log's database guard in every test, and let a transactional test's
    database still be emptied after it, on SQLite.

    The log refuses UPDATE and DELETE in the database itself (audit migration 0002). PostgreSQL
    empties tables with TRUNCATE, which the guard leaves to the operator; SQLite's flush deletes
    row by row, so after a transactional test the guard is lifted for the flush, and each test
    puts it back (if missing) before it starts.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    if not transactional and marker is None and "db" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")  # set up first, torn down after
    from importlib import import_module

    from django.db import connection

    guard = import_module("audit.migrations.0002_privilegedaction")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in guard.APPEND_ONLY["sqlite"]:
                cursor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))
    yield
    if transactional and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in guard.DROP["sqlite"]:
                cursor.execute(sql)


@pytest.fixture(autouse=True)
def english_by_default() -> Iterator[None]:
    """Each test starts in English: a request to a /fr/ page leaves French active in the thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Accounts in tests hash passwords with a cheap hasher: the hashing is Django's, not ours to test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_user(db):
    """pytest-django's admin_client signs in as this: an admin with a second factor, as the hub
    requires (a superuser without one has no admin powers; see accounts.policy)."""
    from accounts.models import Role
    from accounts.testing import account_create

    user = account_create("admin@example.com", role=Role.ADMIN, second_factor=True)
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user


@pytest.fixture
def actor() -> Actor:
    return Actor.system("test suite")


@pytest.fixture
def source(db, actor):
    return source_create(
        actor=actor,
        title="Council minutes",
        kind="official",
        publisher="Testford Council",
        published=PartialDate.parse("2022-03-22"),
    )


@pytest.fixture
def cite(source):
    def make(quote: str = "As resolved by full council.") -> list[CitationSpec]:
        return [CitationSpec(source=source, quote=quote)]

    return make


@pytest.fixture
def make_place(db, actor):
    def make(name: str, country: str, **extra: object):
        return place_create(actor=actor, name=name, country=country, **extra)

    return make


@pytest.fixture
def call_command_output():
    """Run a management command and return what it printed."""
    import io

    from django.core.management import call_command

    def run(*args: str) -> str:
        out = io.StringIO()
        call_command(*args, stdout=out)
        return out.getvalue()

    return run


# ------------------------------------------------------------------ real-browser fixtures
# Debian's Chromium through Playwright, one browser for the whole run (two sync Playwright
# sessions cannot live in one process). Skipped, with the reason, where Chromium is absent,
# except under CI=true, where that is a failure: .ci/run installs it.


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium_problem() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (install Debian's 'chromium' package, or set CHROMIUM_PATH)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (make test installs it)"
    return ""


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    problem = _chromium_problem()
    if problem:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"Browser tests must run in CI: {problem}")
        pytest.skip(problem)
    # Playwright's sync API runs an event loop in this thread; Django's ORM, used by the
    # test's own setup in the same thread, refuses to run beside one unless told it is safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
