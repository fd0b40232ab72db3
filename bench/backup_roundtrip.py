"""Benchmark: back up the full registry, restore it into a scratch copy, and compare every table.

    .venv/bin/python bench/backup_roundtrip.py                                  # SQLite: var/db.sqlite3
    DATABASE_URL=postgres://…/hub .venv/bin/python bench/backup_roundtrip.py    # PostgreSQL

The database DATABASE_URL names (by default var/db.sqlite3) is only read: the backup is restored
into a scratch copy, a new SQLite file in a temporary folder or a new PostgreSQL database
`<name>_roundtrip_<pid>` that is dropped at the end. Prints one line per step and a final JSON
line with the times, the sizes and whether every table's row count and SHA-256 came back equal.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = "scratch"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning_hub.settings")
    import django

    django.setup()
    from django.db import connections

    from core.backup import (
        EXTENSIONS,
        checksums_compare,
        database_backup,
        database_description,
        database_kind,
        database_restore,
        table_checksums,
    )

    kind = database_kind()
    source = connections["default"].settings_dict
    folder = Path(tempfile.mkdtemp(prefix="hub-backup-bench-"))
    figures: dict[str, object] = {"database": kind, "source": database_description()}
    print(f"source: {figures['source']}, files in {folder}", flush=True)

    def timed(step: str, action):
        started = time.perf_counter()
        result = action()
        figures[f"{step}_s"] = round(time.perf_counter() - started, 2)
        print(f"{step}: {figures[f'{step}_s']} s", flush=True)
        return result

    try:
        plain = folder / f"plain{EXTENSIONS[kind]}"
        timed("backup", lambda: database_backup(plain))
        backup = folder / f"hub{EXTENSIONS[kind]}"
        reference = timed("backup_with_checksums", lambda: database_backup(backup, checksums=True)).checksums
        figures["backup_bytes"] = backup.stat().st_size
        figures["tables"] = len(reference)
        figures["rows"] = sum(count for count, _digest in reference.values())

        if kind == "sqlite":
            figures["database_bytes"] = Path(source["NAME"]).stat().st_size
            scratch_name = str(folder / "scratch.sqlite3")
            if Path(scratch_name).resolve() == Path(source["NAME"]).resolve():
                sys.exit("The scratch copy would be the source database itself: refusing.")
        else:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_database_size(current_database())")
                figures["database_bytes"] = cursor.fetchone()[0]
            scratch_name = f"{source['NAME']}_roundtrip_{os.getpid()}"
            _pg_admin(source, f'CREATE DATABASE "{scratch_name}"')
        connections.settings[SCRATCH] = {**source, "NAME": scratch_name}
        try:
            result = timed("restore_total", lambda: database_restore(backup, using=SCRATCH, safety_dir=folder))
            figures["restore_s"] = round(result.seconds, 2)  # the restore alone, without safety backup and checks
            copy = timed("checksums", lambda: table_checksums(using=SCRATCH))
            problems = checksums_compare(reference, copy)
            figures["restore_verified_by_checksums_file"] = result.checksums_checked and not result.checksum_problems
            figures["equal"] = not problems
            figures["problems"] = problems
            figures["migration_notes"] = result.migration_notes
        finally:
            connections[SCRATCH].close()
            if kind == "postgresql":
                _pg_admin(source, f'DROP DATABASE IF EXISTS "{scratch_name}"')
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the backups, safety backup and scratch file
    print(json.dumps(figures))
    if problems:
        sys.exit("The restored copy differs from the backup: " + "; ".join(problems))


def _pg_admin(settings: dict, statement: str) -> None:
    """CREATE or DROP DATABASE, from the server's maintenance database (they cannot run in a transaction)."""
    import psycopg

    with psycopg.connect(
        dbname="postgres",
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or None,
        user=settings.get("USER") or None,
        password=settings.get("PASSWORD") or None,
        autocommit=True,
    ) as admin:
        admin.execute(statement)


if __name__ == "__main__":
    main()
