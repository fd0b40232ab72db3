from django.core.management.base import BaseCommand, CommandError

from links.demo import DemoDataError, load_demo_data


class Command(BaseCommand):
    help = "Load the seed documents' links, events and sources from demo_data/ (safe to run again)."

    def handle(self, *args: object, **options: object) -> None:
        try:
            report = load_demo_data()
        except DemoDataError as exc:
            raise CommandError(f"Demo data not loaded, nothing was changed: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Demo data: {report}"))
