"""Export the whole registry as CSV files and one JSON file (documented in docs/DATA.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from api.registry_export import export_registry


class Command(BaseCommand):
    help = "Write places, institutions, links, parties, status events, sources and citations to DIRECTORY."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: object, directory: Path, **options: object) -> None:
        def progress(table: str, count: int) -> None:
            self.stdout.write(f"  {table}.csv: {count:,} rows")

        counts = export_registry(directory, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Registry exported to {directory} ({sum(counts.values()):,} rows)."))
