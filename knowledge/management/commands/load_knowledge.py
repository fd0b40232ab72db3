from django.core.management.base import BaseCommand, CommandError

from knowledge.seed import SeedError, load


class Command(BaseCommand):
    help = "Load the knowledge bank's guides and case studies (knowledge/data/*.md), after load_demo_data."

    def handle(self, *args: object, **options: object) -> None:
        try:
            report = load()
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Guides: {report.created} added, {report.unchanged} already there.")
