"""The hostile-input corpus: what an attacker, a broken client or a careless paste sends us.

Plain data, grouped by what each value attacks. tests/test_hostile_input.py throws it at every
public page's URL parameters, every API parameter and JSON field, and every admin form field.
Each field gets the values that fit its kind (FIELD_KINDS below: free text, a code or choice,
a date, a number, an id), each value once, so the whole run stays within seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

# ------------------------------------------------------------------ the values

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
MARKUP = (SCRIPT, IMG)  # neither may ever appear unescaped in an HTML response

SQL = ("' OR 1=1 --", "1; DROP TABLE links_link")
HTML = (SCRIPT, IMG, "javascript:alert(1)")
OVERLONG = "x" * 10_001
NUL = "Test\x00ford"
# A lone UTF-16 surrogate. JSON can spell one ("\ud800"); a URL or a form cannot carry it as
# UTF-8, so there it arrives as invalid UTF-8 instead (INVALID_UTF8).
LONE_SURROGATE = "\ud800"
# Percent-encoded, for raw query strings and form bodies: bytes that are not UTF-8 at all, the
# UTF-8-style encoding of a surrogate, an overlong encoding of "/", and broken escapes.
INVALID_UTF8 = ("%ff%fe", "%ed%a0%80", "%c0%af")
BROKEN_ESCAPES = ("%", "%zz")
BAD_DATES = ("2022-02-30", "0000-00-00", "99999-01-01", "2022-13-01")
BAD_NUMBERS = ("-1", "0", str(10**30), "1e309", "NaN")
EMPTY = ("", "   ")
UNICODE = ("Zürich 🏳️‍🌈 Łódź", "\u202eexe.txt\u202c", "\u200fالقدس")  # emoji, RTL override, RTL mark
FORMULAS = ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)")
UNKNOWN_PARAMETERS = ("bogus", "__proto__", "country__in", "order_by")

# In JSON bodies, values of the wrong type for a text field.
JSON_WRONG_TYPES = (1, True, None, [], {})
# For id fields in JSON: out of range, not integers, or integers in disguise.
JSON_BAD_IDS = (-1, 0, 10**30, 1.5, float("nan"), float("inf"), True, "12", "1; DROP TABLE links_link", [1], {})

# Whole request bodies for the JSON write endpoints: (what it is, body bytes, content type).
BAD_BODIES = (
    ("not JSON", b"{", "application/json"),
    ("empty", b"", "application/json"),
    ("JSON null", b"null", "application/json"),
    ("a JSON array", b"[]", "application/json"),
    ("a JSON string", b'"x"', "application/json"),
    ("NaN", b"NaN", "application/json"),
    ("deeply nested", b"[" * 100_000 + b"]" * 100_000, "application/json"),
    ("invalid UTF-8", b'{"title": "\xff\xfe"}', "application/json"),
    ("a form", b"title=x&kind=news", "application/x-www-form-urlencoded"),
    (
        "multipart",
        b"--b\r\nContent-Disposition: form-data; name=title\r\n\r\nx\r\n--b--\r\n",
        "multipart/form-data; boundary=b",
    ),
)
HUGE_BODY = 3_000_000  # bytes: over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)


# ------------------------------------------------------------------ what each kind of field must do


@dataclass(frozen=True)
class Kind:
    """The values a kind of field must refuse with a message, and those it must accept as data."""

    rejects: tuple[str, ...]
    accepts: tuple[str, ...] = ()


# Both markup payloads in one value: a field that echoes a value back shows both, one request.
BOTH_MARKUP = SCRIPT + IMG
# Free text (a search box, a name, a quote): injections are just text, to store or search for
# and to show escaped; only what cannot be text is refused.
FREE_TEXT = Kind(
    rejects=(OVERLONG, NUL),
    accepts=(*SQL, BOTH_MARKUP, HTML[2], UNICODE[0], UNICODE[1], FORMULAS[0], EMPTY[1]),
)
# A code or a choice from a list (a country code, a kind of link, a status).
CODE = Kind(rejects=(BOTH_MARKUP, SQL[0], OVERLONG, NUL, UNICODE[0]), accepts=("",))
# A date typed as year-month-day.
# (It accepts the first day there is, and a leap day of a year long past.)
DATE = Kind(rejects=(BOTH_MARKUP, *BAD_DATES, NUL), accepts=("", "0001-01-01", "1600-02-29"))
# A year or another whole number with bounds.
NUMBER = Kind(rejects=(BOTH_MARKUP, *BAD_NUMBERS), accepts=("", "1000", "2100"))  # a year, at its bounds
# Parameters read leniently on purpose: a page number (a bad one shows the first or last page),
# a checkbox (any value ticks it), a parameter the page does not know (ignored).
LENIENT = Kind(rejects=(), accepts=(BOTH_MARKUP, "-1", str(10**30), "NaN", NUL, ""))

# Every injection in one value: a formula first (where a spreadsheet looks), then SQL, both
# markups and a right-to-left override. Where text is data, one request proves it all harmless.
# 93 characters: it fits the shortest free-text field (a citation's locator, 100).
EVERYTHING = FORMULAS[0] + SQL[0] + BOTH_MARKUP + UNICODE[1]
# Both things text cannot be at once: too long for any field, and holding NUL.
UNSTORABLE = OVERLONG + NUL

# For admin form fields, where every refusal re-renders a large form: few values, combined.
ADMIN_TEXT = Kind(rejects=(UNSTORABLE,), accepts=(EVERYTHING,))
# Any other field (a choice, an id, a number, a date, a code) refuses these, plus its own kind's.
ADMIN_OTHER = Kind(rejects=(BOTH_MARKUP, str(10**30)))
