"""Schemathesis: every request the OpenAPI document allows is answered without a 5xx, as the document says.

The schema is loaded from the app itself (in-process WSGI, no server). Each GET operation is
run with a bounded, derandomized number of examples (25), so CI stays fast and stable; the
writes are fuzzed too, with a staff token (15 each). The registry is the demo data (the seed
documents), loaded once for the module and rolled back after it.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from links.demo import load_demo_data
from links.purposes import ensure_purposes

pytestmark = pytest.mark.django_db


def _statistics_available() -> bool:
    try:
        from stats.selectors import link_statistics  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module")
def demo_registry(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_purposes()
        load_demo_data()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def live_app(demo_registry, db, settings):
    """The app as the schemathesis requests reach it: demo registry, no rate limit, the test's connection kept."""
    settings.API_ANON_RATE = "1000000/min"  # schemathesis is one client making many requests
    # As Django's test client does: a request must not close the test's connection (and its transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded eagerly, from the app in-process: the OpenAPI document needs no database. (The lazy
# `schemathesis.pytest.from_fixture` does not work with pytest 9: it sets a removed `_nodeid`.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
if not _statistics_available():
    schema = schema.exclude(path="/api/v1/statistics")


@schema.include(method="GET").parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_get_answers_as_the_openapi_document_says(case, live_app):
    # Every check but "schema-valid request rejected": the API rightly refuses, with a 400 in plain
    # words, some values the schema cannot rule out: a cursor it did not give out, year_to before
    # year_from, an as_of years ahead, two letters that are not a country code.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


def test_statistics_are_checked_too_once_they_exist():
    if not _statistics_available():
        pytest.skip("stats.selectors.link_statistics is not there yet, so /statistics is left out of the run above")


@schema.include(method="POST").parametrize()
@hypothesis_settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_writes_with_a_staff_token_never_fail_on_bad_input(case, live_app, staff_headers):
    # Most generated bodies are refused (unknown ids, bad dates): what matters is a 4xx, never a 5xx.
    case.call_and_validate(headers=staff_headers, excluded_checks=[positive_data_acceptance])
