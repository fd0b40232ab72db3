"""Fixtures shared by every test: actors, sources and small registries built through the services."""

from __future__ import annotations

import pytest

from audit.services import Actor
from core.partial_dates import PartialDate
from places.services import place_create
from sources.services import CitationSpec, source_create


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
