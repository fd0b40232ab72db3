"""`manage.py backup FILE`: the whole database to one file, with SQLite's backup API or pg_dump."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from core.backup import (
    EXTENSIONS,
    BackupError,
    checksums_json,
    checksums_path,
    database_backup,
    database_description,
    database_kind,
    table_checksums,
)


class Command(BaseCommand):
    help = (
        "Back up the whole database to FILE (an SQLite file, or a pg_dump custom-format archive). "
        "--checksums also writes every table's row count and SHA-256 beside it, for restore to verify; "
        "--checksums without FILE prints them as JSON and writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="where to write the backup")
        parser.add_argument("--checksums", action="store_true", help="checksum every table (see above)")
        parser.add_argument("--overwrite", action="store_true", help="replace FILE if it already exists")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database alias (default: default)")

    def handle(
        self, *args: object, file: Path | None, checksums: bool, overwrite: bool, database: str, **options: object
    ) -> None:
        try:
            if file is None:
                if not checksums:
                    extension = EXTENSIONS[database_kind(database)]
                    raise CommandError(
                        f"Say where to write the backup, e.g. manage.py backup var/backups/hub-2026-03-01{extension} "
                        "(or --checksums alone to print the table checksums as JSON)."
                    )
                self.stdout.write(checksums_json(table_checksums(using=database)))
                return
            if file.exists() and not overwrite:
                raise CommandError(f"{file} already exists. Choose another name, or pass --overwrite to replace it.")
            result = database_backup(file, using=database, checksums=checksums)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {database_description(database)} to {result.path} "
                f"({result.size_bytes / 1e6:,.1f} MB in {result.seconds:.1f} s)."
            )
        )
        if result.checksums is not None:
            rows = sum(count for count, _digest in result.checksums.values())
            self.stdout.write(
                f"Checksums of {len(result.checksums)} tables ({rows:,} rows) written to "
                f"{checksums_path(result.path)}; restore checks them."
            )
        self.stdout.write(f"To restore it: manage.py restore {result.path} --yes")
