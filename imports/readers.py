"""Reading import files into pairs of names, refusing bad input with a plain explanation.

Nothing here touches the database: a file is read and checked whole before anything
is written, so a bad file changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from core.partial_dates import DatePrecision, PartialDate

RAW_COLUMNS = ["city1", "country1", "city2", "country2"]
GEOCODED_COLUMNS = ["city1", "country1", "lat1", "lng1", "city2", "country2", "lat2", "lng2"]
MAX_LINE = 10_000  # characters; a pair of place names is never this long
MAX_SHOWN = 10


class ImportFileError(Exception):
    """The file cannot be imported as it is. The message says what is wrong and what to do."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        shown = "\n".join(f"  - {p}" for p in self.problems[:MAX_SHOWN])
        more = f"\n  ... and {len(self.problems) - MAX_SHOWN} more" if len(self.problems) > MAX_SHOWN else ""
        super().__init__(f"{message}\n{shown}{more}" if self.problems else message)


@dataclass(frozen=True)
class NameRef:
    """One side of a pair as the source wrote it."""

    name: str
    country: str
    latitude: float | None = None
    longitude: float | None = None
    geonames_id: int | None = None
    wikidata_id: str = ""


@dataclass(frozen=True)
class PairRow:
    line: int
    first: NameRef
    second: NameRef
    start: PartialDate | None = None
    end: PartialDate | None = None
    reference: str = ""  # e.g. the Wikidata item the statement belongs to


@dataclass
class ReadResult:
    rows: list[PairRow]
    problems: list[str] = field(default_factory=list)


def detect_format(path: Path, encoding: str = "utf-8-sig") -> str:
    if path.suffix.lower() == ".json":
        return "wikidata"
    header = _decode(path, encoding).split("\n", 1)[0]
    columns = [c.strip().lower() for c in header.split(",")]
    return "geocoded" if columns == GEOCODED_COLUMNS else "raw"


def _decode(path: Path, encoding: str) -> str:
    if not path.exists():
        raise ImportFileError(f"There is no file at {path}. Check the path (it is relative to {Path.cwd()}).")
    if path.is_dir():
        raise ImportFileError(f"{path} is a folder, not a file.")
    data = path.read_bytes()
    if not data.strip():
        raise ImportFileError(f"{path.name} is empty. Nothing was imported.")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        guess = "windows-1252 (Excel on Windows)" if encoding.startswith("utf") else "utf-8"
        shown = "UTF-8" if encoding.lower().startswith("utf-8") else encoding
        raise ImportFileError(
            f"{path.name} is not valid {shown}: byte {data[exc.start]:#04x} at position {exc.start} "
            f"cannot be read. Save the file as UTF-8, or say its encoding with --encoding (perhaps {guess})."
        ) from exc
    except LookupError as exc:
        raise ImportFileError(f"'{encoding}' is not an encoding Python knows (try utf-8 or cp1252).") from exc


def _coordinate(value: str, low: float, high: float) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    number = float(value)
    if not low <= number <= high:
        raise ValueError(f"{number} is outside {low}..{high}")
    return number


def read_pairs_csv(path: Path, file_format: str, encoding: str = "utf-8-sig") -> ReadResult:
    """Read a Wikipedia-style CSV of pairs. Bad rows are collected as problems, with line numbers."""
    text = _decode(path, encoding)
    expected = GEOCODED_COLUMNS if file_format == "geocoded" else RAW_COLUMNS
    for number, line in enumerate(io.StringIO(text), start=1):
        if len(line) > MAX_LINE:
            raise ImportFileError(
                f"Line {number} of {path.name} is {len(line):,} characters long; a pair of place names "
                f"never is. Is this the right file? Nothing was imported."
            )
    reader = csv.reader(io.StringIO(text))
    header = [c.strip().lower() for c in next(reader, [])]
    if header != expected:
        missing = [c for c in expected if c not in header]
        raise ImportFileError(
            f"{path.name} does not have the columns of a {file_format} pairs file. Expected the header "
            f"'{','.join(expected)}', found '{','.join(header)}'"
            + (f" (missing: {', '.join(missing)})." if missing else ".")
            + " Check the file, or choose the format with --format."
        )
    rows: list[PairRow] = []
    problems: list[str] = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(expected):
            problems.append(f"line {line}: expected {len(expected)} values, found {len(cells)}: {cells!r}")
            continue
        values = dict(zip(expected, (c.strip() for c in cells), strict=True))
        if not values["city1"] or not values["city2"]:
            problems.append(f"line {line}: only one city is given; a pair needs both ({cells!r})")
            continue
        for n in ("1", "2"):
            values[f"city{n}"], values[f"country{n}"] = _repair_country(values[f"city{n}"], values[f"country{n}"])
        if not values["country1"] or not values["country2"]:
            problems.append(f"line {line}: a country is missing ({cells!r})")
            continue
        try:
            coords = [
                _coordinate(values.get(k, ""), lo, hi)
                for k, lo, hi in (("lat1", -90, 90), ("lng1", -180, 180), ("lat2", -90, 90), ("lng2", -180, 180))
            ]
        except ValueError as exc:
            problems.append(f"line {line}: a coordinate is not a valid number ({exc})")
            continue
        rows.append(
            PairRow(
                line=line,
                first=NameRef(values["city1"], values["country1"], coords[0], coords[1]),
                second=NameRef(values["city2"], values["country2"], coords[2], coords[3]),
            )
        )
    if not rows and not problems:
        raise ImportFileError(f"{path.name} has a header but no pairs. Nothing was imported.")
    return ReadResult(rows, problems)


def _repair_country(city: str, country: str) -> tuple[str, str]:
    """Where the lists left the country empty, it is often in the city cell: 'Varna, Bulgaria',
    or the partner is a territory named as a whole ('Falkland Islands')."""
    if country:
        return city, country
    from imports.countries import country_from_wikipedia

    if "," in city:
        name, _, rest = city.rpartition(",")
        if country_from_wikipedia(rest.strip()) is not None:
            return name.strip(), rest.strip()
    if country_from_wikipedia(city) is not None:
        return city, city
    return city, country


# ------------------------------------------------------------------------ Wikidata

WIKIDATA_VARIABLES = {"item", "itemLabel", "twin", "twinLabel"}


def _binding(row: dict, name: str) -> str:
    return (row.get(name) or {}).get("value", "")


def _wikidata_time(value: str) -> PartialDate | None:
    """A Wikidata time as the Query Service returns it ('1998-01-01T00:00:00Z').

    The plain JSON carries no precision, so 1 January is read as "that year" and the 1st of a
    month as "that month": the query in the README returns dates at the precision Wikidata keeps.
    """
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value[:10].lstrip("+"))
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a date") from exc
    if (day.month, day.day) == (1, 1):
        return PartialDate(day, DatePrecision.YEAR)
    if day.day == 1:
        return PartialDate(day, DatePrecision.MONTH)
    return PartialDate(day, DatePrecision.DAY)


def _point(value: str) -> tuple[float | None, float | None]:
    """'Point(13.4 52.5)' (longitude first, as WKT writes it) to (latitude, longitude)."""
    if not value.startswith("Point("):
        return None, None
    lng, lat = value[6:-1].split()
    return float(lat), float(lng)


def read_wikidata_json(path: Path, encoding: str = "utf-8") -> ReadResult:
    text = _decode(path, encoding)
    try:
        document = json.loads(text)
        bindings = document["results"]["bindings"]
        variables = set(document["head"]["vars"])
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ImportFileError(
            f"{path.name} is not the JSON the Wikidata Query Service returns (expected head.vars and "
            f"results.bindings): {exc}. Run the query in the README and save the result as JSON."
        ) from exc
    missing = WIKIDATA_VARIABLES - variables
    if missing:
        raise ImportFileError(f"{path.name} lacks the variables {', '.join(sorted(missing))}; use the README's query.")
    rows, problems = [], []
    for number, row in enumerate(bindings, start=1):
        sides = []
        for prefix in ("item", "twin"):
            label = _binding(row, f"{prefix}Label")
            qid = _binding(row, prefix).rsplit("/", 1)[-1]
            geonames = _binding(row, f"{prefix}GeoNames")
            latitude, longitude = _point(_binding(row, f"{prefix}Coord"))
            sides.append(
                NameRef(
                    name=label,
                    country=_binding(row, f"{prefix}Country"),
                    latitude=latitude,
                    longitude=longitude,
                    geonames_id=int(geonames) if geonames.isdigit() else None,
                    wikidata_id=qid,
                )
            )
        if not sides[0].name or not sides[1].name:
            problems.append(f"result {number}: a place has no label ({row!r})")
            continue
        try:
            start, end = _wikidata_time(_binding(row, "start")), _wikidata_time(_binding(row, "end"))
        except ValueError as exc:
            problems.append(f"result {number}: {exc}")
            continue
        rows.append(PairRow(number, sides[0], sides[1], start, end, reference=_binding(row, "item")))
    if not rows and not problems:
        raise ImportFileError(f"{path.name} holds no results. Nothing was imported.")
    return ReadResult(rows, problems)
