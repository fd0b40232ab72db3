"""Check that the registry is whole (after a crash, a killed import, a restore): exit 1 on any problem."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from core.integrity import database_problems, registry_problems


class Command(BaseCommand):
    help = (
        "Check the database (SQLite integrity and foreign keys) and the registry's cross-row rules: every link "
        "has two parties and a source, derived columns (status, link health) agree, activities are dated within their "
        "link's life, every write is in the change log. Exit 1 on a problem."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the problems as one JSON line.")

    def handle(self, *args: object, **options: object) -> None:
        problems = database_problems() + registry_problems()
        if options["json"]:
            self.stdout.write(json.dumps({"problems": problems}))
        else:
            for problem in problems:
                self.stdout.write(f"- {problem}")
            if not problems:
                self.stdout.write(self.style.SUCCESS("The registry is whole: no problems found."))
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found.", returncode=1)
