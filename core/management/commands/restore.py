"""`manage.py restore FILE --yes`: replace the whole database with a backup, after backing up the current one."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from core.backup import BackupError, backup_check, database_description, database_restore


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by `manage.py backup`. Needs --yes. The current "
        "database is first backed up beside FILE (or in --safety-dir), so the restore can be undone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup to restore")
        parser.add_argument("--yes", action="store_true", help="yes, replace the current data")
        parser.add_argument("--safety-dir", type=Path, help="where to save the current database first")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database alias (default: default)")

    def handle(
        self, *args: object, file: Path, yes: bool, safety_dir: Path | None, database: str, **options: object
    ) -> None:
        try:
            backup_check(file, using=database)
            target = database_description(database)
            if not yes:
                raise CommandError(
                    f"Restoring replaces everything in the {target} with the contents of {file}. "
                    f"Nothing has been changed. If that is what you want, run: manage.py restore {file} --yes"
                )
            result = database_restore(file, using=database, safety_dir=safety_dir)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"The data as it was before is saved in {result.safety_backup}.")
        self.stdout.write(f"  To undo this restore: manage.py restore {result.safety_backup} --yes")
        self.stdout.write(self.style.SUCCESS(f"Restored {file} into the {target} in {result.seconds:.1f} s."))
        width = max(map(len, result.row_counts), default=0)
        for table, count in result.row_counts.items():
            self.stdout.write(f"  {table:<{width}}  {count:>10,} rows")
        for note in result.migration_notes:
            self.stdout.write(self.style.WARNING(note))
        if not result.migration_notes:
            self.stdout.write("Migrations: the database matches this code.")
        if result.checksums_checked and not result.checksum_problems:
            self.stdout.write(
                self.style.SUCCESS(f"All {len(result.row_counts)} tables match the checksums taken at backup time.")
            )
        elif result.checksum_problems:
            raise CommandError(
                "The restore finished, but these tables differ from the checksums taken at backup time:\n  "
                + "\n  ".join(result.checksum_problems)
                + f"\nTo go back to the data as it was: manage.py restore {result.safety_backup} --yes"
            )
