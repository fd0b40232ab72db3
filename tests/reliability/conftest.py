"""Scratch databases for the reliability tests: of the kind the suite runs on, made and dropped here.

These tests run the hub as other processes would (writers, gunicorn, manage.py) against a
database of their own, never the test database pytest-django holds open in a transaction:
a migrated SQLite file in a temporary directory, or, when DATABASE_URL names PostgreSQL, a
database called reliability_<random> on that server, dropped at the end of the session.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.reliability import ScratchDatabases

WIKIPEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "wikipedia-twin-cities"
# A few thousand rows of the Wikipedia list: the pairs between these countries, matched against
# their part of the gazetteer only (which loads in seconds).
COUNTRIES = {
    "GB": {"United Kingdom", "England", "England, United Kingdom"},
    "DE": {"Germany"},
    "FR": {"France"},
    "IT": {"Italy"},
    "PL": {"Poland"},
    "NL": {"Netherlands"},
}


@pytest.fixture(scope="session")
def scratch_databases(tmp_path_factory) -> Iterator[ScratchDatabases]:
    databases = ScratchDatabases(os.environ.get("DATABASE_URL", ""), tmp_path_factory.mktemp("scratch"))
    yield databases
    databases.close()


@dataclass(frozen=True)
class ImportFile:
    path: Path
    countries: str  # for load_gazetteer --countries
    source: str = "Wikipedia lists, February 2026"

    def command(self, *extra: str) -> list[str]:
        return ["import_pairs", str(self.path), "--source", self.source, *extra]


@pytest.fixture
def wikipedia_slice(tmp_path) -> ImportFile:
    """The 3,853 rows of the Wikipedia list between GB, DE, FR, IT, PL and NL, as a CSV file of their own."""
    raw = WIKIPEDIA / "twin_cities_raw.csv"
    if not raw.exists():
        pytest.skip(f"{raw} is absent: this test imports a slice of the shared Wikipedia dataset (see its SOURCE.md).")
    names = set().union(*COUNTRIES.values())
    with raw.open(encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    path = tmp_path / "slice.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([rows[0]] + [row for row in rows[1:] if row[1] in names and row[3] in names])
    return ImportFile(path=path, countries=",".join(COUNTRIES))
