"""Back up and restore the whole registry with the database's own tools, and checksum every table.

SQLite is copied with the online backup API (`sqlite3.Connection.backup`), which copies a
consistent snapshot page by page while the site keeps serving; PostgreSQL with `pg_dump
--format=custom` and `pg_restore`. No home-made format: a backup opens with `sqlite3` or
`pg_restore --list`, whatever happens to this code.

`table_checksums()` gives, for every table of the project's models, the row count and a
SHA-256 of its rows in primary-key order, read in chunks (constant memory). A backup made with
checksums computes them inside the very snapshot it copies, so the restore can prove that every
table came back exactly. The commands `manage.py backup` and `manage.py restore` are thin
wrappers; docs/RELIABILITY.md says how to use them.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
EXTENSIONS = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
A_KIND = {"sqlite": "an SQLite", "postgresql": "a PostgreSQL"}
# Tables whose presence says "this is a Twinning Hub database", not any other Django site's.
HUB_TABLES = ("django_migrations", "links_link", "places_place", "audit_changerecord")
CHUNK = 5000

Checksums = dict[str, tuple[int, str]]


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    kind: str
    size_bytes: int
    seconds: float
    checksums: Checksums | None = None


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    safety_backup: Path
    seconds: float
    row_counts: dict[str, int]
    migration_notes: list[str] = field(default_factory=list)
    checksums_checked: bool = False
    checksum_problems: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ which database, which file


def database_kind(using: str = DEFAULT_DB_ALIAS) -> str:
    """'sqlite' or 'postgresql': the two databases the hub runs on."""
    vendor = connections[using].vendor
    if vendor not in EXTENSIONS:
        raise BackupError(f"Backups support SQLite and PostgreSQL; this database is {vendor}.")
    return vendor


def database_description(using: str = DEFAULT_DB_ALIAS) -> str:
    """How a person would name the database: its kind and where it lives."""
    settings = connections[using].settings_dict
    if database_kind(using) == "sqlite":
        return f"SQLite database {settings['NAME']}"
    where = f"{settings.get('HOST') or 'localhost'}:{settings.get('PORT') or 5432}"
    return f"PostgreSQL database {settings['NAME']} on {where}"


def backup_kind(path: Path) -> str | None:
    """What kind of database `path` is a backup of, read from its first bytes; None if neither."""
    with open(path, "rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    return None


def checksums_path(backup: Path) -> Path:
    """Where a backup's checksums live: beside it, so they travel together."""
    return backup.with_name(backup.name + ".checksums.json")


def backup_check(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Refuse, before anything is touched, a file that is not a hub backup of this kind of database."""
    path = Path(path)
    kind = database_kind(using)
    if not path.is_file():
        raise BackupError(f"There is no file at {path}. Check the path (backups end in .sqlite3 or .pgdump).")
    found = backup_kind(path)
    if found is None:
        raise BackupError(
            f"{path} is not a backup made by `manage.py backup`: it is neither an SQLite database nor a "
            "pg_dump archive. Check the path."
        )
    if found != kind:
        raise BackupError(
            f"{path} is a backup of {A_KIND[found]} database, but this hub runs on {KIND_NAMES[kind]} "
            f"({database_description(using)}). A backup can only be restored into the same kind of database: "
            f"restore it where DATABASE_URL points at {KIND_NAMES[found]}."
        )
    tables = _sqlite_file_tables(path) if kind == "sqlite" else _pgdump_tables(path)
    missing = [table for table in HUB_TABLES if table not in tables]
    if missing:
        raise BackupError(
            f"{path} is a backup of {A_KIND[kind]} database, but not of a Twinning Hub registry (it has no "
            f"{', '.join(missing)} table). Check that you picked the right file."
        )


def _sqlite_file_tables(path: Path) -> set[str]:
    try:
        with _sqlite_read_only(path) as source:
            check = source.execute("PRAGMA quick_check").fetchone()[0]
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read as an SQLite database ({error}). Use another backup.") from error
    if check != "ok":
        raise BackupError(f"{path} is damaged (SQLite's integrity check says: {check}). Use an earlier backup.")
    return tables


def _pgdump_tables(path: Path) -> set[str]:
    listing = _run([_pg_binary("pg_restore"), "--list", str(path)], env=os.environ.copy(), what="pg_restore --list")
    # A table's line reads "215; 1259 16390 TABLE public links_link postgres".
    tables = set()
    for line in listing.splitlines():
        words = line.split()
        if " TABLE " in line and "TABLE DATA" not in line and len(words) >= 6:
            tables.add(words[words.index("TABLE") + 2])
    return tables


@contextmanager
def _sqlite_read_only(path: Path) -> Iterator[sqlite3.Connection]:
    source = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    try:
        yield source
    finally:
        source.close()


# ------------------------------------------------------------------ backup


def database_backup(path: Path, *, using: str = DEFAULT_DB_ALIAS, checksums: bool = False) -> BackupResult:
    """Write a backup of the whole database to `path`, atomically: a failed backup leaves no file.

    With `checksums`, the table checksums are taken inside the same snapshot as the copy and
    written beside it (`<path>.checksums.json`), so that a restore can prove it is exact even
    if the site was writing while the backup ran.
    """
    path = Path(path)
    kind = database_kind(using)
    if not path.parent.is_dir():
        raise BackupError(
            f"The folder {path.parent} does not exist. Create it (mkdir -p {path.parent}) or choose another path."
        )
    connection = connections[using]
    if connection.in_atomic_block:
        # pg_dump would miss this transaction's writes, and SQLite's backup would wait for them forever.
        raise BackupError("A backup copies committed data: run it outside a transaction (an atomic block).")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    sums: Checksums | None = None
    try:
        with _read_snapshot(connection):
            if kind == "sqlite":
                _sqlite_backup(connection, partial)
            else:
                _pg_dump(connection, partial)
            if checksums:
                sums = _checksums(connection)
        # Checksums of an earlier backup under this name would fail the restore of this one.
        checksums_path(path).unlink(missing_ok=True)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    if sums is not None:
        checksums_path(path).write_text(checksums_json(sums) + "\n", encoding="utf-8")
    return BackupResult(path, kind, path.stat().st_size, time.perf_counter() - started, sums)


def _sqlite_backup(connection: BaseDatabaseWrapper, target: Path) -> None:
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        # A backup is one self-contained file: no -wal or -shm beside it, readable read-only.
        copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy the database to {target}: {error}.") from error
    finally:
        copy.close()


def _pg_dump(connection: BaseDatabaseWrapper, target: Path) -> None:
    with connection.cursor() as cursor:
        # pg_dump reads the exact snapshot this transaction sees, which the checksums read too.
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
    args, env = _pg_connection(connection)
    _run(
        [_pg_binary("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={target}", *args],
        env=env,
        what="pg_dump",
    )


# ------------------------------------------------------------------ restore


def database_restore(path: Path, *, using: str = DEFAULT_DB_ALIAS, safety_dir: Path | None = None) -> RestoreResult:
    """Replace the whole database with the backup at `path`.

    First the current database is backed up to `safety_dir` (by default the backup's own folder),
    so that a wrong restore can itself be undone. Afterwards the row counts are read, the
    migrations compared with this code's, and, if the backup has checksums beside it, every
    table compared with them.
    """
    path = Path(path)
    backup_check(path, using=using)
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a transaction: it replaces the whole database.")
    kind = database_kind(using)
    safety = _free_path(Path(safety_dir or path.parent), f"before-restore-{_stamp()}", EXTENSIONS[kind])
    try:
        database_backup(safety, using=using)
    except (BackupError, OSError) as error:
        raise BackupError(
            f"Nothing was restored: the safety backup of the current database could not be written to {safety} "
            f"({error}). Choose a writable folder with --safety-dir."
        ) from error
    started = time.perf_counter()
    if kind == "sqlite":
        _sqlite_restore(connection, path)
    else:
        _pg_restore(connection, path)
    connection.close()
    seconds = time.perf_counter() - started
    sums_file = checksums_path(path)
    problems: list[str] = []
    if sums_file.is_file():
        counted = table_checksums(using=using)
        problems = checksums_compare(checksums_load(sums_file), counted)
        counts = {table: count for table, (count, _digest) in counted.items()}
    else:
        counts = table_row_counts(using=using)
    return RestoreResult(
        path=path,
        safety_backup=safety,
        seconds=seconds,
        row_counts=counts,
        migration_notes=migration_notes(using=using),
        checksums_checked=sums_file.is_file(),
        checksum_problems=problems,
    )


def _sqlite_restore(connection: BaseDatabaseWrapper, path: Path) -> None:
    connection.ensure_connection()
    try:
        with _sqlite_read_only(path) as source:
            # One write transaction on the live file: other connections see the old or the new database.
            source.backup(connection.connection)
    except sqlite3.Error as error:
        raise BackupError(
            f"SQLite could not restore {path}: {error}. If the site is busy, stop it and try again."
        ) from error


def _pg_restore(connection: BaseDatabaseWrapper, path: Path) -> None:
    connection.close()  # hold no locks that pg_restore's DROP TABLE would wait for
    args, env = _pg_connection(connection)
    _run(
        [
            _pg_binary("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",  # all or nothing: a failed restore leaves the database as it was
            *args,
            str(path),
        ],
        env=env,
        what="pg_restore",
    )


def migration_notes(*, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """What `migrate --check` would complain about, in words: empty when code and database agree."""
    executor = MigrationExecutor(connections[using])
    try:
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:  # an inconsistent history is reported, not raised: the data is restored
        return [f"The migration history does not fit this code ({error}). Run manage.py migrate to see more."]
    notes = []
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan)
        notes.append(f"The backup predates {len(plan)} migration(s) of this code ({names}): run manage.py migrate.")
    unknown = sorted(set(executor.loader.applied_migrations) - set(executor.loader.graph.nodes))
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown)
        notes.append(
            f"The backup has migrations this code does not know ({names}): it was made by a newer version "
            "of the hub. Deploy that version before serving this database."
        )
    return notes


# ------------------------------------------------------------------ checksums


def table_checksums(*, using: str = DEFAULT_DB_ALIAS) -> Checksums:
    """Row count and SHA-256 of every table of the project's models, from one consistent snapshot.

    The rows are read in primary-key order, in chunks, so memory stays flat. A digest depends on
    the database's types (SQLite returns dates as text), so compare checksums from the same kind
    of database: a backup's with its restore's.
    """
    connection = connections[using]
    with _read_snapshot(connection):
        return _checksums(connection)


def table_row_counts(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows in every table of the project's models: the quick sanity check after a restore."""
    connection = connections[using]
    quote = connection.ops.quote_name
    counts = {}
    with _read_snapshot(connection), connection.cursor() as cursor:
        for table, *_rest in _tables(connection):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def checksums_json(checksums: Checksums) -> str:
    return json.dumps({table: list(value) for table, value in checksums.items()}, indent=2, sort_keys=True)


def checksums_load(path: Path) -> Checksums:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return {table: (int(count), str(digest)) for table, (count, digest) in data.items()}
    except (ValueError, TypeError, AttributeError) as error:
        raise BackupError(f"{path} is not a checksums file written by `manage.py backup --checksums`.") from error


def checksums_compare(expected: Checksums, actual: Checksums) -> list[str]:
    """Each table that differs, in words; an empty list means every table is identical."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        if table not in actual:
            problems.append(f"{table}: in the backup's checksums but not in the database")
        elif table not in expected:
            problems.append(f"{table}: in the database but not in the backup's checksums")
        elif expected[table][0] != actual[table][0]:
            problems.append(f"{table}: {expected[table][0]:,} rows at backup time, {actual[table][0]:,} now")
        elif expected[table][1] != actual[table][1]:
            problems.append(f"{table}: same number of rows ({actual[table][0]:,}) but different contents")
    return problems


def _field_type(introspection: object, column: object) -> str:
    """Django's field type for a column, or "" for a type Django has no field for (a stored
    full-text tsvector on PostgreSQL): such columns are checksummed as text."""
    try:
        return introspection.get_field_type(column.type_code, column)  # type: ignore[attr-defined]
    except KeyError:
        return ""


def _tables(connection: BaseDatabaseWrapper) -> list[tuple[str, list[str], str, list[int]]]:
    """(table, columns, primary key, positions of binary columns) for every model table present.

    M2M tables included. The columns are read from the database, not the models, so that a
    table is checksummed as it is stored, whichever version of the code is looking at it.
    """
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
    models.append(MigrationRecorder.Migration)  # which schema the data belongs to
    introspection = connection.introspection
    found: dict[str, tuple[str, list[str], str, list[int]]] = {}
    with connection.cursor() as cursor:
        present = set(introspection.table_names(cursor))
        for model in models:
            table = model._meta.db_table
            if table in present and table not in found:
                description = introspection.get_table_description(cursor, table)
                binary = [
                    position
                    for position, column in enumerate(description)
                    if _field_type(introspection, column) == "BinaryField"
                ]
                pk = introspection.get_primary_key_column(cursor, table) or model._meta.pk.column
                found[table] = (table, [column.name for column in description], pk, binary)
    return sorted(found.values())


def _checksums(connection: BaseDatabaseWrapper) -> Checksums:
    quote = connection.ops.quote_name
    result: Checksums = {}
    for table, columns, pk, binary in _tables(connection):
        digest = hashlib.sha256()
        count = 0
        sql = f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)} ORDER BY {quote(pk)}"
        with connection.chunked_cursor() as cursor:  # a server-side cursor on PostgreSQL
            cursor.execute(sql)
            while rows := cursor.fetchmany(CHUNK):
                if binary:  # PostgreSQL returns bytea as memoryview, whose repr is its address
                    rows = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows]
                # repr() is unambiguous (strings are quoted and escaped), so one line is one row.
                digest.update(("\n".join(map(repr, rows)) + "\n").encode())
                count += len(rows)
        result[table] = (count, digest.hexdigest())
    return result


@contextmanager
def _read_snapshot(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Hold one read transaction, so that every table is read as of the same moment.

    PostgreSQL: REPEATABLE READ, READ ONLY. SQLite: a plain (deferred) BEGIN, because Django's
    atomic() here begins IMMEDIATE, which would make the site's writers wait; in WAL mode a
    reader never blocks them. Inside a transaction already open, that transaction is the snapshot.
    """
    connection.ensure_connection()
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    raw = connection.connection
    raw.execute("BEGIN DEFERRED")
    try:
        raw.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # the snapshot starts at the first read
        yield
    finally:
        raw.execute("ROLLBACK")


# ------------------------------------------------------------------ helpers


def _pg_binary(name: str) -> str:
    """`name` from PATH, else from the highest /usr/lib/postgresql/<version>/bin (Debian's layout)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates.sort(key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parent.parent.name.split(".")])
    if candidates:
        return candidates[-1]
    raise BackupError(
        f"{name} was not found. Install PostgreSQL's client tools (on Debian: apt install postgresql-client) "
        f"or put {name} on PATH."
    )


def _pg_connection(connection: BaseDatabaseWrapper) -> tuple[list[str], dict[str, str]]:
    """Command-line arguments and environment for pg_dump/pg_restore; the password only in the environment."""
    settings = connection.settings_dict
    args = ["--no-password"]  # never stop to prompt: fail with a message instead
    if settings.get("HOST"):
        args.append(f"--host={settings['HOST']}")
    if settings.get("PORT"):
        args.append(f"--port={settings['PORT']}")
    if settings.get("USER"):
        args.append(f"--username={settings['USER']}")
    args.append(f"--dbname={settings['NAME']}")
    env = os.environ.copy()
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    options = settings.get("OPTIONS", {})
    for option, variable in {
        "sslmode": "PGSSLMODE",
        "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT",
        "sslkey": "PGSSLKEY",
        "passfile": "PGPASSFILE",
    }.items():
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def _run(command: list[str], *, env: dict[str, str], what: str) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-1500:]
        raise BackupError(
            f"{what} failed (exit code {result.returncode}):\n{detail}\nCheck that the database is reachable with "
            "the settings in DATABASE_URL and that the PostgreSQL client tools are at least the server's version."
        )
    return result.stdout


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def _free_path(folder: Path, stem: str, extension: str) -> Path:
    """folder/stem.ext, or stem-2.ext, stem-3.ext … if that name is taken: never overwrite a backup."""
    candidate = folder / f"{stem}{extension}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{extension}"
        number += 1
    return candidate
