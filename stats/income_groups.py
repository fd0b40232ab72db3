"""The World Bank's income groups of economies (stats/data/world_bank_income_groups.csv, cited there)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy

DATA_FILE = Path(__file__).resolve().parent / "data" / "world_bank_income_groups.csv"
FISCAL_YEAR = "FY2025"
CITATION = (
    'World Bank, "World Bank Country and Lending Groups", classification for fiscal year 2025 '
    "(published July 2024, from 2023 GNI per capita)"
)
SOURCE_URL = "https://datahelpdesk.worldbank.org/knowledgebase/articles/906519-world-bank-country-and-lending-groups"

# Poorest first: the order the statistics page lists them in.
GROUPS = ["Low income", "Lower middle income", "Upper middle income", "High income"]
NOT_CLASSIFIED = "Not classified"
# How the page names them, in the reader's language (the data file and the API keep the English).
GROUP_LABELS = {
    "Low income": gettext_lazy("Low income"),
    "Lower middle income": gettext_lazy("Lower middle income"),
    "Upper middle income": gettext_lazy("Upper middle income"),
    "High income": gettext_lazy("High income"),
    NOT_CLASSIFIED: gettext_lazy("Not classified"),
}


@cache
def income_groups() -> dict[str, str]:
    """{ISO 3166-1 alpha-2 code: income group}, read from the data file once per process."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    groups = {row["iso2"].strip().upper(): row["income_group"].strip() for row in rows}
    unknown = set(groups.values()) - set(GROUPS)
    if unknown:
        raise ValueError(f"{DATA_FILE.name}: unknown income group(s) {sorted(unknown)}; use one of {GROUPS}.")
    return groups


def income_group(country: str) -> str:
    """The income group of the economy with ISO code `country`, or "Not classified"."""
    return income_groups().get(country.upper(), NOT_CLASSIFIED)
