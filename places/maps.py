"""World maps drawn on the server as SVG: no JavaScript, no tile server, nothing fetched from elsewhere.

There is no coastline dataset in the hub, so the world is drawn from the gazetteer itself: every
GeoNames place of 500+ people (places.models.GazetteerEntry), projected and thinned to one dot per
grid cell, outlines the inhabited world. That background is worked out once per gazetteer (keyed
by its size: `load_gazetteer` is the only thing that changes it): `manage.py map_background` writes
it to var/maps/ for every process to read, and a process that finds no file works it out itself
(about a second) on its first map. Either way it is kept in the process and in Django's cache,
never recomputed per request.

The projection is Equal Earth (Šavrič, Patterson and Jenny, 2018): equal-area, so a country's
dots are as many as its inhabited area deserves, with the familiar rounded outline. Map units:
the world is WIDTH (1000) units wide, x to the east, y down (SVG's way), cropped to the
inhabited latitudes (LAT_TOP to LAT_BOTTOM: nothing of 500 people lies outside them).

The dots are a handful of <path>s, not thousands of <circle>s: each row of the grid is written
as runs of neighbouring occupied cells ("m3 0h7"), and a dash pattern of zero-length dashes with
round caps draws a dot at every cell of a run. The world's background is ~4 KB gzipped.

Every text on a map (names, titles) goes through format_html, so a hostile place name is
escaped; the SVG is well-formed XML; it names no address at all.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# ---------------------------------------------------------------- the projection

_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def _equal_earth(lat: float, lon: float) -> tuple[float, float]:
    """Equal Earth's (x, y) on the unit sphere, y to the north."""
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (
        2
        * math.sqrt(3)
        * math.radians(lon)
        * math.cos(theta)
        / (3 * (9 * _A4 * t6 * t2 + 7 * _A3 * t6 + 3 * _A2 * t2 + _A1))
    )
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


WIDTH = 1000.0
LAT_TOP, LAT_BOTTOM = 84.0, -58.0
_SCALE = WIDTH / (2 * _equal_earth(0.0, 180.0)[0])
_TOP = _equal_earth(LAT_TOP, 0.0)[1] * _SCALE
HEIGHT = _TOP - _equal_earth(LAT_BOTTOM, 0.0)[1] * _SCALE


def project(lat: float, lon: float) -> tuple[float, float]:
    """A latitude and longitude (degrees) as map units: (0, 0) is the top left corner."""
    x, y = _equal_earth(lat, lon)
    return WIDTH / 2 + x * _SCALE, _TOP - y * _SCALE


def _n2(value: float) -> str:
    """A coordinate or size for SVG: at most two decimals, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def _n(value: float) -> str:
    """A coordinate for SVG: at most one decimal, no trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class View:
    """The part of the map shown (a viewBox), in map units."""

    x: float = 0.0
    y: float = 0.0
    width: float = WIDTH
    height: float = HEIGHT

    @property
    def scale(self) -> float:
        """How much smaller than the whole world's a unit looks: sizes are multiplied by it so
        that dots and lines look the same size on the screen at any zoom."""
        return self.width / WIDTH

    def box(self) -> str:
        return " ".join(_n(v) for v in (self.x, self.y, self.width, self.height))


WORLD = View()
# A place's map shows at least this much of the world's width (about 90° of longitude), so that
# a town with partners next door still shows where in the world it is.
MIN_VIEW_WIDTH = 250.0


def view_around(points: Iterable[tuple[float, float]]) -> View:
    """The smallest view with the world's proportions that holds `points` with a margin."""
    points = list(points)
    if not points:
        return WORLD
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    margin = 16.0
    left, right, top, bottom = min(xs) - margin, max(xs) + margin, min(ys) - margin, max(ys) + margin
    aspect = WIDTH / HEIGHT
    width = max(right - left, (bottom - top) * aspect, MIN_VIEW_WIDTH)
    if width >= WIDTH * 0.85:
        return WORLD
    height = width / aspect
    x = min(max((left + right - width) / 2, 0.0), WIDTH - width)
    y = min(max((top + bottom - height) / 2, 0.0), HEIGHT - height)
    return View(x, y, width, height)


# ---------------------------------------------------------------- great circles


def great_circle(a: tuple[float, float], b: tuple[float, float], step: float = 4.0) -> list[list[tuple[float, float]]]:
    """The shortest way round the Earth from `a` to `b` (latitude, longitude), as map-unit
    polylines: one, or two where it crosses the 180th meridian (each side is drawn to the edge)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    v1 = (math.cos(lat1) * math.cos(lon1), math.cos(lat1) * math.sin(lon1), math.sin(lat1))
    v2 = (math.cos(lat2) * math.cos(lon2), math.cos(lat2) * math.sin(lon2), math.sin(lat2))
    omega = math.acos(max(-1.0, min(1.0, sum(p * q for p, q in zip(v1, v2, strict=True)))))
    steps = max(1, math.ceil(math.degrees(omega) / step))
    points: list[tuple[float, float]] = []
    for i in range(steps + 1):
        t = i / steps
        if omega < 1e-9 or math.isclose(omega, math.pi):
            # The same point, or antipodes (no one shortest way): a straight line on the map.
            lat, lon = a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        else:
            k1, k2 = math.sin((1 - t) * omega) / math.sin(omega), math.sin(t * omega) / math.sin(omega)
            x, y, z = (k1 * p + k2 * q for p, q in zip(v1, v2, strict=True))
            lat, lon = math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))
        points.append((lat, lon))
    lines: list[list[tuple[float, float]]] = [[project(*points[0])]]
    for (lat0, lon0), (lat1_, lon1_) in itertools.pairwise(points):
        if abs(lon1_ - lon0) > 180:  # crosses the 180th meridian: end at one edge, go on from the other
            edge = 180.0 if lon0 > 0 else -180.0
            span = (360 - abs(lon1_ - lon0)) or 1.0
            lat_edge = lat0 + (lat1_ - lat0) * (abs(edge - lon0) / span)
            lines[-1].append(project(lat_edge, edge))
            lines.append([project(lat_edge, -edge)])
        lines[-1].append(project(lat1_, lon1_))
    return lines


def _polyline(points: Sequence[tuple[float, float]]) -> str:
    head, *rest = points
    return f"M{_n(head[0])} {_n(head[1])}" + "".join(f"L{_n(x)} {_n(y)}" for x, y in rest)


# ---------------------------------------------------------------- the background of inhabited places

# Grid cells (in map units) the background is thinned to: the coarsest for the whole world, finer
# ones for a zoomed view, so that the dots are about as far apart on the screen at any zoom.
LEVELS = (1.0, 1.5, 2.5)
# A dot's diameter, as a share of its cell.
DOT = 0.7
# Bump when the background's shape changes, so that cached copies are not read as current.
BACKGROUND_FORMAT = 1

Runs = dict[int, list[tuple[int, int]]]  # row: [(first column, number of further cells), ...]
_EVERYWHERE = (-(10**6), 10**6, -(10**6), 10**6)  # every row and column


@dataclass(frozen=True)
class Background:
    """The inhabited world as grid cells, at each of LEVELS, for one state of the gazetteer."""

    places: int
    levels: dict[float, Runs]
    world_path: str  # the whole world at the coarsest level, written once

    def cells(self, level: float) -> int:
        return sum(length + 1 for runs in self.levels[level].values() for _, length in runs)


def _runs(cells: Iterable[tuple[int, int]]) -> Runs:
    rows: dict[int, list[int]] = {}
    for row, column in cells:
        rows.setdefault(row, []).append(column)
    runs: Runs = {}
    for row, columns in rows.items():
        columns.sort()
        row_runs = []
        start = previous = columns[0]
        for column in columns[1:]:
            if column != previous + 1:
                row_runs.append((start, previous - start))
                start = column
            previous = column
        row_runs.append((start, previous - start))
        runs[row] = row_runs
    return runs


def background_compute(coordinates: Iterable[tuple[float, float]]) -> Background:
    """Project every (latitude, longitude) and keep one dot per occupied cell at each level."""
    projected = [project(lat, lon) for lat, lon in coordinates]
    levels = {level: _runs({(int(y // level), int(x // level)) for x, y in projected}) for level in LEVELS}
    coarsest = max(LEVELS)
    return Background(places=len(projected), levels=levels, world_path=_runs_path(levels[coarsest], *_EVERYWHERE))


def _runs_path(runs: Runs, row_min: int, row_max: int, column_min: int, column_max: int) -> str:
    """Path data for the runs within the rows and columns given, in cell units, all moves relative
    after the first (each run: "m<dx> <dy>h<length>")."""
    parts: list[str] = []
    at: tuple[int, int] | None = None
    for row in sorted(r for r in runs if row_min <= r <= row_max):
        for start, length in runs[row]:
            first, last = max(start, column_min), min(start + length, column_max)
            if first > last:
                continue
            if at is None:
                parts.append(f"M{first} {row}h{last - first}")
            else:
                parts.append(f"m{first - at[0]} {row - at[1]}h{last - first}")
            at = (last, row)
    return "".join(parts)


def gazetteer_size() -> int:
    """How many places the gazetteer holds: one count of its primary key's index (about a millisecond)."""
    from places.models import GazetteerEntry

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(GazetteerEntry._meta.db_table)}")  # noqa: S608
        return cursor.fetchone()[0]


_kept: dict[int, Background] = {}


def background_file(size: int) -> Path:
    """Where `manage.py map_background` keeps the background of a gazetteer of `size` places
    (settings.MAP_BACKGROUND_DIR, by default var/maps/), for every process to read."""
    from django.conf import settings

    folder = Path(getattr(settings, "MAP_BACKGROUND_DIR", settings.BASE_DIR / "var" / "maps"))
    return folder / f"background-{BACKGROUND_FORMAT}-{size}.json"


def background_save(land: Background, size: int) -> Path:
    """Write the background to its file (whole or not at all: a reader never sees half of it)."""
    path = background_file(size)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "places": land.places,
        "levels": {str(level): {str(row): runs for row, runs in rows.items()} for level, rows in land.levels.items()},
    }
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as out:
        json.dump(data, out, separators=(",", ":"))
    os.chmod(out.name, 0o644)  # for the web server's user too
    os.replace(out.name, path)
    return path


def _background_read(size: int) -> Background | None:
    try:
        data = json.loads(background_file(size).read_text())
        levels = {
            float(level): {int(row): [tuple(run) for run in runs] for row, runs in rows.items()}
            for level, rows in data["levels"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # missing or unreadable: worked out afresh
    if set(levels) != set(LEVELS):
        return None
    return Background(places=data["places"], levels=levels, world_path=_runs_path(levels[max(LEVELS)], *_EVERYWHERE))


def background(size: int | None = None) -> Background:
    """The background for the gazetteer as it is: from this process, else Django's cache, else the
    file `map_background` wrote, else worked out from the gazetteer (about a second for 235,000
    places) and kept in this process and the cache.

    One query (the gazetteer's size) when kept; `size` saves even that when the caller has it.
    """
    from django.core.cache import cache

    from places.models import GazetteerEntry

    size = gazetteer_size() if size is None else size
    if size == 0:  # no gazetteer loaded (a new install, most tests): no dots, and nothing to keep
        return background_compute([])
    if size in _kept:
        return _kept[size]
    key = f"map-background:{BACKGROUND_FORMAT}:{size}"
    found = cache.get(key) or _background_read(size)
    if found is None:
        found = background_compute(
            GazetteerEntry.objects.order_by().values_list("latitude", "longitude").iterator(5000)
        )
    cache.set(key, found, timeout=None)
    _kept.clear()  # one gazetteer at a time
    _kept[size] = found
    return found


def background_forget() -> None:
    """Forget the background kept in this process (tests, and `map_background`)."""
    _kept.clear()


def background_level(view: View) -> float:
    """The grid for a view: dots about 2.5 units apart when the whole world is shown."""
    wanted = max(LEVELS) * view.scale
    return max([level for level in LEVELS if level <= wanted] or [min(LEVELS)])


def background_svg(land: Background, view: View) -> SafeString:
    """The background's dots within `view`, as one <path> (in cell units, scaled to map units)."""
    level = background_level(view)
    if view == WORLD and level == max(LEVELS):
        data = land.world_path
    else:
        data = _runs_path(
            land.levels[level],
            math.floor(view.y / level) - 1,
            math.ceil((view.y + view.height) / level) + 1,
            math.floor(view.x / level) - 1,
            math.ceil((view.x + view.width) / level) + 1,
        )
    if not data:
        return mark_safe("")
    return format_html(
        '<path class="map-land" transform="scale({level}) translate(.5 .5)" d="{d}" fill="none" stroke="#b1b4b6" '
        'stroke-width="{w}" stroke-linecap="round" stroke-dasharray="0 1"></path>',
        level=_n(level) if level != int(level) else int(level),
        d=data,
        w=DOT,
    )


def _world_outline(view: View) -> SafeString:
    """The projection's edge (the 180th meridian on each side), filled as the sea."""
    lats = [LAT_TOP - i * (LAT_TOP - LAT_BOTTOM) / 24 for i in range(25)]
    right = [project(lat, 180.0) for lat in lats]
    left = [project(lat, -180.0) for lat in reversed(lats)]
    return format_html(
        '<path class="map-sea" d="{}Z" fill="#f3f7fa" stroke="#d8dde0" stroke-width="{}"></path>',
        _polyline(right + left),
        _n2(view.scale * 1.2),
    )


# ---------------------------------------------------------------- drawing a map


@dataclass(frozen=True)
class Dot:
    """A place on the map: where it is, what its tooltip says, how big it is (radius on the whole world's map)."""

    lat: float
    lon: float
    label: str
    radius: float = 4.0
    kind: str = "partner"  # "partner" or "home": the place whose map it is


@dataclass(frozen=True)
class Line:
    """A link drawn from one place to another, along the great circle."""

    start: tuple[float, float]
    end: tuple[float, float]
    label: str


COLOURS = {"partner": "#1d70b8", "home": "#d4351c", "line": "#1d70b8", "ink": "#0b0c0c"}
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"'


def count_radius(links: int) -> float:
    """A dot's radius for a place with `links` links: its area grows with the number."""
    return 2.4 + 1.6 * math.sqrt(max(links, 1))


def map_svg(
    *,
    map_id: str,
    title: str,
    description: str,
    land: Background,
    dots: Sequence[Dot],
    lines: Sequence[Line] = (),
    view: View = WORLD,
    legend: Sequence[tuple[int, str]] = (),
) -> SafeString:
    """An <svg role="img"> labelled by its <title> and <desc>: the sea, the inhabited world's dots,
    then the lines, then the dots (largest first, so that small ones stay visible on top).

    `legend` is [(links, label)] for a key of dot sizes in the bottom left corner.
    """
    k = view.scale
    parts: list[SafeString] = [_world_outline(view), background_svg(land, view)]
    if lines:
        paths = []
        for line in lines:
            d = "".join(_polyline(part) for part in great_circle(line.start, line.end))
            paths.append(format_html('<path d="{}"><title>{}</title></path>', d, line.label))
        parts.append(
            format_html(
                '<g class="map-lines" fill="none" stroke="{}" stroke-width="{}" stroke-opacity="0.7" '
                'stroke-linecap="round">{}</g>',
                COLOURS["line"],
                _n2(1.6 * k),
                mark_safe("".join(paths)),
            )
        )
    # The dots' common look is on their group: each <circle> carries only where it is, its size and its name.
    for kind in ("partner", "home"):
        circles = [
            format_html(
                '<circle cx="{}" cy="{}" r="{}"><title>{}</title></circle>',
                _n2(x),
                _n2(y),
                _n2(dot.radius * k),
                dot.label,
            )
            for dot in sorted((d for d in dots if d.kind == kind), key=lambda d: -d.radius)
            for x, y in [project(dot.lat, dot.lon)]
        ]
        if circles:
            parts.append(
                format_html(
                    '<g class="map-{}" fill="{}" fill-opacity="{}" stroke="#ffffff" stroke-width="{}">{}</g>',
                    kind,
                    COLOURS[kind],
                    "1" if kind == "home" else "0.75",
                    _n2(0.8 * k),
                    mark_safe("".join(circles)),
                )
            )
    if legend:
        parts.append(_legend(legend, view))
    return format_html(
        '<svg class="map" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="{box}" '
        'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg" {font}>'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=map_id,
        box=view.box(),
        font=mark_safe(FONT),
        title=title,
        desc=description,
        body=mark_safe("".join(parts)),
    )


def _legend(legend: Sequence[tuple[int, str]], view: View) -> SafeString:
    """Dot sizes and what they mean, bottom left (the South Pacific, where no place is)."""
    k = view.scale
    widest = max(count_radius(links) for links, _ in legend) * k
    centre = view.x + 14 * k + widest
    y = view.y + view.height - 12 * k
    items = []
    for links, label in reversed(legend):
        r = count_radius(links) * k
        items.append((_n(centre), _n(y - r), _n(r), _n(centre + widest + 8 * k), _n(y - r + 5 * k), label))
        y -= 2 * r + 8 * k
    return format_html(
        '<g class="map-legend" font-size="{}" fill="{}">{}</g>',
        _n(14 * k),
        COLOURS["ink"],
        format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="{}" fill="{}" fill-opacity="0.75" stroke="#ffffff"></circle>'
            '<text x="{}" y="{}">{}</text>',
            ((cx, cy, r, COLOURS["partner"], tx, ty, label) for cx, cy, r, tx, ty, label in items),
        ),
    )
