"""Import a list of twinned places: Wikipedia-style CSV (raw or geocoded) or Wikidata JSON."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from audit.services import Actor
from core.partial_dates import PartialDate
from imports.readers import ImportFileError
from imports.services import import_pairs, snapshot_date_from_title

LABELS = {
    "pairs_read": "Pairs read",
    "links_created": "Links created",
    "links_merged": "Links merged with ones the registry had",
    "links_unchanged": "Links already imported from this list (unchanged)",
    "places_matched": "Names tied to a place",
    "places_created": "Places added from GeoNames",
    "places_ambiguous": "Names with several possible places (see /imports/review)",
    "places_unmatched": "Names not found (download: /imports/unmatched.csv)",
    "flagged_missing": "Links no longer listed, flagged for verification",
    "errors": "Rows with errors (skipped)",
}


class Command(BaseCommand):
    help = "Import pairs of twinned places, match them to GeoNames and merge them with the registry."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--source", required=True, help='The snapshot, e.g. "Wikipedia lists, February 2026".')
        parser.add_argument("--dataset", default="", help="Which list this is a snapshot of (default by format).")
        parser.add_argument("--format", dest="file_format", default="", choices=["", "raw", "geocoded", "wikidata"])
        parser.add_argument("--date", default="", help="Snapshot date (2026-02); default: from --source, or today.")
        parser.add_argument("--encoding", default="utf-8-sig", help="The file's encoding (default UTF-8).")
        parser.add_argument("--skip-bad-rows", action="store_true", help="Import the good rows, report the bad.")
        parser.add_argument("--json", action="store_true", help="End with the report as one JSON line.")

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["path"]
        try:
            date = PartialDate.parse(options["date"]).start if options["date"] else None
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        date = date or snapshot_date_from_title(str(options["source"]))
        bar = tqdm(desc="Importing pairs", unit=" pairs", disable=None)
        try:
            report = import_pairs(
                path=path,
                source_title=str(options["source"]),
                dataset=str(options["dataset"]),
                file_format=str(options["file_format"]),
                snapshot_date=date,
                encoding=str(options["encoding"]),
                skip_bad_rows=bool(options["skip_bad_rows"]),
                actor=Actor.system(f"import: {options['source']}"),
                progress=bar.update,
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        counts = report.as_dict()
        width = max(len(label) for label in LABELS.values())
        for key, label in LABELS.items():
            self.stdout.write(f"{label:<{width}}  {counts[key]:>7,}")
        extra = {k: v for k, v in counts.items() if k not in LABELS}
        for key, value in extra.items():
            self.stdout.write(f"{key.replace('_', ' ').capitalize():<{width}}  {value:>7,}")
        if counts["links_created"] == 0 and counts["links_merged"] == 0:
            self.stdout.write("Nothing new: every pair was already in the registry from this list.")
        for problem in report.problems[:20]:
            self.stdout.write(f"  - {problem}")
        if options["json"]:
            self.stdout.write(json.dumps(counts, sort_keys=True))
