"""Full-text search of the knowledge bank, one interface over two databases.

`search(query)` returns the best matches, ranked, each with a snippet in which only the matched
words are marked (`<mark>`) and everything else is escaped. `index(...)` and `unindex(...)` keep
the searched text (`SearchEntry`) in step; the services call them in their transactions.

- SQLite: an FTS5 table over SearchEntry (migration 0002, kept by triggers); ranked by bm25 with
  the title weighing ten times the text; snippets by FTS5's `snippet()`.
- PostgreSQL: `plainto_tsquery` against the stored, GIN-indexed weighted tsvector; ranked by
  `ts_rank`; snippets by `ts_headline`, worked out for the page of results only.

Both rank at most the first RANK_LIMIT matches they find (in the order the index gives them,
roughly the oldest entries first): a word found in nearly every entry would otherwise cost reading
and ranking every entry (on PostgreSQL 22-27 ms alone for a word in all 10,000, 8-9 ms capped;
p95 63 ms under load before, 23 ms now: docs/BENCHMARKS.md).
`find()` says when that happened (`capped`), and the search page says so and asks for another word;
a query matching up to RANK_LIMIT entries, as nearly all do, is ranked in full.

Both databases stem English words ("volunteers" finds "volunteer") and ignore case; the snippet
markers are control characters that the indexed text never holds, swapped for <mark> after
escaping, so nothing anyone writes can become markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import nh3
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from core.markdown import render_markdown
from knowledge.models import SearchEntry

START, STOP = "\x02", "\x03"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12
SNIPPET_WORDS = 30
RANK_LIMIT = 1000  # matches ranked at most; more, and the reader is asked for another word

# A stored generated column (migration 0004): the title weighted A, the text B, GIN-indexed.
POSTGRES_VECTOR = "e.document"


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    title: str
    snippet: SafeString
    rank: float


@dataclass(frozen=True)
class Found:
    """A page of hits, with how many entries match: `count` is exact up to RANK_LIMIT; past it,
    `capped` is true and the hits are the best of the first RANK_LIMIT matches found."""

    hits: list[Hit]
    count: int
    capped: bool


def plain_text(markdown: str) -> str:
    """The words a reader sees in `markdown`, without markup (what search indexes and quotes)."""
    text = html.unescape(nh3.clean(str(render_markdown(markdown)), tags=set()))
    return _CONTROL.sub(" ", text).strip()


def index(*, kind: str, object_id: int, title: str, body_markdown: str, tags: list[str] | None = None) -> None:
    SearchEntry.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={"title": _CONTROL.sub(" ", title), "body": plain_text(body_markdown), "tags": tags or []},
    )


def unindex(*, kind: str, object_id: int) -> None:
    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()


def terms(query: str) -> list[str]:
    """The words of a query (punctuation and search operators dropped), at most MAX_TERMS."""
    return _WORD.findall(query or "")[:MAX_TERMS]


def highlighted(snippet: str) -> SafeString:
    """Escape the snippet, then turn the database's markers into <mark> (unpaired ones dropped)."""
    escaped = html.escape(snippet.replace("</mark>", ""), quote=True)
    out, open_ = [], False
    for char in escaped:
        if char == START and not open_:
            out.append("<mark>")
            open_ = True
        elif char == STOP and open_:
            out.append("</mark>")
            open_ = False
        elif char not in (START, STOP):
            out.append(char)
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 - every character came through html.escape


def _match(words: list[str]) -> str:
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def matching(query: str) -> QuerySet[SearchEntry]:
    """Every entry matching every word of `query`, unranked: a filter for lists in another order
    (the API's, by id), with the same meaning as `search`."""
    words = terms(query)
    if not words:
        return SearchEntry.objects.none()
    if connection.vendor == "postgresql":  # by id, so that it also works as a subquery (where the table has an alias)
        found = RawSQL(
            "SELECT id FROM knowledge_searchentry WHERE document @@ plainto_tsquery('english'::regconfig, %s)",
            [" ".join(words)],
        )
    else:
        found = RawSQL("SELECT rowid FROM knowledge_search_fts WHERE knowledge_search_fts MATCH %s", [_match(words)])
    return SearchEntry.objects.filter(id__in=found)


def search(query: str, *, limit: int = 20, offset: int = 0) -> list[Hit]:
    """The entries matching every word of `query`, best first (an empty query finds nothing)."""
    return find(query, limit=limit, offset=offset).hits


def find(query: str, *, limit: int = 20, offset: int = 0) -> Found:
    """`search`, with how many entries match (counted up to RANK_LIMIT, then "more than")."""
    words = terms(query)
    if not words:
        return Found(hits=[], count=0, capped=False)
    if connection.vendor == "postgresql":
        rows, count = _search_postgresql(words, limit, offset)
    else:
        rows, count = _search_sqlite(words, limit, offset)
    hits = [Hit(kind=r[0], object_id=r[1], title=r[2], snippet=highlighted(r[3] or ""), rank=r[4]) for r in rows]
    return Found(hits=hits, count=min(count, RANK_LIMIT), capped=count > RANK_LIMIT)


def _search_sqlite(words: list[str], limit: int, offset: int) -> tuple[list[tuple], int]:
    # Each word quoted (a double quote doubled): FTS5 reads it as a plain term, never as syntax.
    # First the best rows of the first RANK_LIMIT matches (bm25, the title weighing ten times the
    # text), with how many matched (up to RANK_LIMIT + 1: "more than"); then snippets for those
    # rows only, found by their rowids, so that a word in every entry costs one capped ranking
    # pass, not a second pass for snippets.

    match = _match(words)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid, rank, total FROM ("
            "  SELECT rowid, rank, row_number() OVER () AS n, count(*) OVER () AS total FROM ("
            "    SELECT rowid, bm25(knowledge_search_fts, 10.0, 1.0) AS rank FROM knowledge_search_fts"
            "    WHERE knowledge_search_fts MATCH %s LIMIT %s))"
            " WHERE n <= %s ORDER BY rank, rowid LIMIT %s OFFSET %s",
            [match, RANK_LIMIT + 1, RANK_LIMIT, limit, offset],
        )
        best = cursor.fetchall()
        if not best:
            return [], _count_sqlite(cursor, match) if offset else 0
        count = best[0][2]
        ranks = {rowid: rank for rowid, rank, _ in best}
        marks = ", ".join(["%s"] * len(best))
        cursor.execute(
            f"""SELECT knowledge_search_fts.rowid, e.kind, e.object_id, e.title,
                       snippet(knowledge_search_fts, 1, '{START}', '{STOP}', '…', {SNIPPET_WORDS})
                FROM knowledge_search_fts JOIN knowledge_searchentry e ON e.id = knowledge_search_fts.rowid
                WHERE knowledge_search_fts MATCH %s AND knowledge_search_fts.rowid IN ({marks})""",
            [match, *ranks],
        )
        found = {row[0]: row[1:] for row in cursor.fetchall()}
        rows = [(*found[rowid], -rank) for rowid, rank in ranks.items() if rowid in found]
    return rows, count


def _count_sqlite(cursor, match: str) -> int:
    """How many entries match, up to RANK_LIMIT + 1 (for a page past the last hit)."""
    cursor.execute(
        "SELECT count(*) FROM (SELECT rowid FROM knowledge_search_fts WHERE knowledge_search_fts MATCH %s LIMIT %s)",
        [match, RANK_LIMIT + 1],
    )
    return cursor.fetchone()[0]


def _search_postgresql(words: list[str], limit: int, offset: int) -> tuple[list[tuple], int]:
    # plainto_tsquery reads words only (no operators), AND-ed: the same meaning as SQLite's query.
    # `ranked` reads and ranks the first RANK_LIMIT + 1 matches the GIN index gives (materialized,
    # so only ids and ranks are kept, not the vectors); the page is the best of the first
    # RANK_LIMIT, the one more only says "more than"; `ts_headline` runs for the page's rows only.
    options = f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords=10, MaxFragments=2"
    sql = f"""
        WITH q AS (SELECT plainto_tsquery('english'::regconfig, %s) AS query),
        ranked AS MATERIALIZED (
            SELECT id, rank, row_number() OVER () AS n FROM (
                SELECT e.id, ts_rank({POSTGRES_VECTOR}, q.query) AS rank
                FROM knowledge_searchentry e, q
                WHERE {POSTGRES_VECTOR} @@ q.query
                LIMIT %s
            ) AS m
        ),
        best AS (SELECT id, rank FROM ranked WHERE n <= %s ORDER BY rank DESC, id LIMIT %s OFFSET %s)
        SELECT e.kind, e.object_id, e.title,
               ts_headline('english'::regconfig, e.body, q.query, %s), best.rank, (SELECT count(*) FROM ranked)
        FROM best JOIN knowledge_searchentry e ON e.id = best.id, q
        ORDER BY best.rank DESC, best.id"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [" ".join(words), RANK_LIMIT + 1, RANK_LIMIT, limit, offset, options])
        rows = cursor.fetchall()
        if rows:
            return [row[:5] for row in rows], rows[0][5]
        if not offset:
            return [], 0
        cursor.execute(  # a page past the last hit: how many there are, all the same
            f"""SELECT count(*) FROM (SELECT 1 FROM knowledge_searchentry e
                WHERE {POSTGRES_VECTOR} @@ plainto_tsquery('english'::regconfig, %s) LIMIT %s) AS m""",
            [" ".join(words), RANK_LIMIT + 1],
        )
        return [], cursor.fetchone()[0]
