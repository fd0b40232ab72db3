"""Making text safe to open in a spreadsheet."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Prefix text a spreadsheet would run as a formula (=, +, -, @ ...) with an apostrophe.

    Numbers pass unchanged. The apostrophe is what Excel and LibreOffice themselves use to
    mark "this is text".
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
