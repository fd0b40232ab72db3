"""Write Wikidata QuickStatements (P190 with start/end times and a reference) for the registry's links."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from api.quickstatements import QuickStatementsReport, quickstatements, read_mapping


class Command(BaseCommand):
    help = "Write QuickStatements for links between two GeoNames-matched places whose Wikidata items are known."

    def add_arguments(self, parser) -> None:
        parser.add_argument("output", type=Path, help="The file to write (QuickStatements v1, tab-separated).")
        parser.add_argument(
            "--qids",
            type=Path,
            default=None,
            help="CSV mapping GeoNames ids to Wikidata items (geonames_id,qid); see docs/DATA.md.",
        )

    def handle(self, *args: object, output: Path, qids: Path | None = None, **options: object) -> None:
        if qids is not None and not qids.exists():
            raise CommandError(f"There is no mapping file at {qids}.")
        report = QuickStatementsReport()
        with output.open("w", encoding="utf-8") as handle:
            for line in quickstatements(read_mapping(qids), report):
                handle.write(line + "\n")
        self.stdout.write(self.style.SUCCESS(f"{report.written:,} links written to {output} (two statements each)."))
        for reason, count in report.skipped.most_common():
            self.stdout.write(f"  skipped {count:,}: {reason}")
