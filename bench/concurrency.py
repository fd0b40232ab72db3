"""Benchmark: 8 writer processes at once, each recording 500 status events on and editing the same 50 links.

    .venv/bin/python bench/concurrency.py                     # SQLite: a scratch file (WAL), deleted after
    DATABASE_URL=postgres://…/any .venv/bin/python bench/concurrency.py   # PostgreSQL: a scratch database
    .venv/bin/python bench/concurrency.py --workers 8 --events 40         # the size the test suite runs
    .venv/bin/python bench/concurrency.py --beside-import ../shared/data/wikipedia-twin-cities/twin_cities_raw.csv
                                      # 2 writers while the whole Wikipedia list is imported (gazetteer first)

On PostgreSQL it creates its own database (reliability_<random>) on the server DATABASE_URL
names, and drops it after: the database DATABASE_URL names is never touched. The writers are
the ones tests/reliability/test_concurrent_writers.py runs (core.reliability): each edit that
meets EditConflict is read again and retried. Prints one JSON line: time, events/s, writes/s,
latencies, conflicts retried, and the checker's verdict (errors and problems must be empty).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.reliability import ScratchDatabases, run_writers  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--events", type=int, default=500, help="Status events each worker records.")
    parser.add_argument("--links", type=int, default=50)
    parser.add_argument("--edits", type=int, default=None, help="Link edits each worker makes (default: --links).")
    parser.add_argument("--beside-import", type=Path, help="Import this file while writing; writers stop after it.")
    parser.add_argument("--countries", default="", help="With --beside-import: load only these countries' places.")
    args = parser.parse_args()
    beside = None
    if args.beside_import:
        source = "Wikipedia lists, February 2026"
        beside = ["import_pairs", str(args.beside_import.resolve()), "--source", source, "--json"]
        if "--workers" not in sys.argv:
            args.workers = 2  # staff saving while an import runs
        if "--events" not in sys.argv:
            args.events = 100_000  # as many as the import leaves time for
    with tempfile.TemporaryDirectory() as directory:
        databases = ScratchDatabases(os.environ.get("DATABASE_URL", ""), Path(directory))
        try:
            db = databases.create("bench")
            if beside:
                gazetteer = ["--countries", args.countries] if args.countries else []
                db.manage("load_gazetteer", *gazetteer)
            figures = run_writers(
                db, workers=args.workers, events=args.events, links=args.links, edits=args.edits, beside=beside
            )
            if db.kind == "sqlite":
                figures["sqlite_checks"] = db.sqlite_checks()
        finally:
            databases.close()
    figures["errors_count"], figures["errors"] = len(figures["errors"]), figures["errors"][:20]
    print(json.dumps(figures))
    if figures["errors"] or figures["problems"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
