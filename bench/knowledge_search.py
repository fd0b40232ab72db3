"""Speed of the knowledge bank's full-text search: 10,000 guides and answers (issue 10).

    DATABASE_URL=… .venv/bin/python bench/knowledge_search.py [--guides 5000 --answers 5000 --queries 500]

Adds `--guides` published guides and `--answers` answers (to one question in five as many) with
synthetic English text (~150 words each, drawn from a 3,000-word vocabulary with a Zipf-like
skew, so common words match thousands of entries and rare ones a handful), indexes them as the
services do (`knowledge.search.index`), all inside one transaction that is rolled back at the
end: the database is left as it was.

It times `knowledge.selectors.search_results` as the search page calls it (the ranked search with
its highlighted snippets, then the records each hit stands for), for random queries of one to
three words: a third with a very common word, a third with mid-frequency words, a third rare.
The issue 10 target: p95 ≤ 50 ms. It also says how many queries matched more than
`knowledge.search.RANK_LIMIT` entries (only the first that many are ranked; the page says so).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOPICAL = (
    "twinning link partner town council volunteers committee youth exchange school visit funding grant "
    "visa delegation friendship solidarity heritage culture sport music choir festival anniversary charter "
    "mayor association members chair secretary treasurer burnout online meeting digital privacy brexit "
    "erasmus turing hosting families students teachers hospital church union museum football"
).split()


class Rollback(Exception):
    """Raised to undo everything the benchmark wrote."""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    letters = "abcdefghijklmnoprstuvw"
    made: set[str] = set(TOPICAL)
    while len(made) < size:
        made.add("".join(rng.choice(letters) for _ in range(rng.randint(4, 10))))
    words = TOPICAL + sorted(made - set(TOPICAL))
    rng.shuffle(words)
    return words


def text(rng: random.Random, words: list[str], weights: list[float], length: int) -> str:
    return " ".join(rng.choices(words, weights=weights, k=length)).capitalize() + "."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--guides", type=int, default=5_000)
    parser.add_argument("--answers", type=int, default=5_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning_hub.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from knowledge import search, selectors
    from knowledge.models import Answer, EntryKind, Guide, GuideStatus, Question, SearchEntry

    rng = random.Random(args.seed)
    words = vocabulary(rng)
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(words))]  # Zipf-like: a few words everywhere
    print(f"database: {connection.vendor}")
    try:
        with transaction.atomic():
            now = timezone.now()
            guides = Guide.objects.bulk_create(
                [
                    Guide(
                        title=text(rng, words, weights, 6),
                        slug=f"bench-guide-{i}",
                        summary=text(rng, words, weights, 25),
                        body=text(rng, words, weights, 150),
                        status=GuideStatus.PUBLISHED,
                        published_at=now,
                    )
                    for i in range(args.guides)
                ],
                batch_size=1000,
            )
            questions = Question.objects.bulk_create(
                [Question(title=text(rng, words, weights, 10)) for _ in range(max(1, args.answers // 5))]
            )
            answers = Answer.objects.bulk_create(
                [
                    Answer(question=rng.choice(questions), body=text(rng, words, weights, 120))
                    for _ in range(args.answers)
                ],
                batch_size=1000,
            )
            begin = time.perf_counter()
            for guide in guides[:200]:  # as the services index one guide: Markdown rendered, then stored
                search.index(kind=EntryKind.GUIDE, object_id=guide.pk, title=guide.title, body_markdown=guide.body)
            one_by_one = (time.perf_counter() - begin) / 200 * 1000
            entries = [
                SearchEntry(kind=EntryKind.GUIDE, object_id=g.pk, title=g.title, body=f"{g.summary}\n\n{g.body}")
                for g in guides[200:]
            ]
            by_question = {q.pk: q for q in questions}
            entries += [
                SearchEntry(kind=EntryKind.ANSWER, object_id=a.pk, title=by_question[a.question_id].title, body=a.body)
                for a in answers
            ]
            begin = time.perf_counter()
            SearchEntry.objects.bulk_create(entries, batch_size=1000)
            bulk = time.perf_counter() - begin
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE knowledge_searchentry")
            print(
                f"entries: {SearchEntry.objects.count():,} ({args.guides:,} guides, {args.answers:,} answers); "
                f"indexing one guide: {one_by_one:.1f} ms; the rest in bulk: {bulk:.1f} s"
            )

            common, middle, rare = words[:30], words[30:600], words[600:]
            queries = []
            for i in range(args.queries):
                pool = (common, middle, rare)[i % 3]
                queries.append(" ".join(rng.sample(pool, rng.randint(1, 3 if pool is not common else 2))))
            selectors.search_results(queries[0])  # warm the connection and the caches
            timings, counts, capped = [], [], 0
            for query in queries:
                begin = time.perf_counter()
                found = selectors.search_results(query)
                timings.append((time.perf_counter() - begin) * 1000)
                counts.append(len(found))
                capped += found.capped
            print(
                f"{len(timings)} queries: p50 {statistics.median(timings):.1f} ms, "
                f"p95 {percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms; "
                f"queries with results: {sum(1 for c in counts if c)}/{len(counts)}; "
                f"more than {search.RANK_LIMIT:,} matches (best of the first {search.RANK_LIMIT:,} ranked): {capped}"
            )
            for name, start in (("common", 0), ("mid", 1), ("rare", 2)):
                part = timings[start::3]
                print(f"  {name} words: p50 {statistics.median(part):.1f} ms, p95 {percentile(part, 0.95):.1f} ms")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
