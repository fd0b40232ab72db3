"""Work out the maps' background (the gazetteer's places as grid dots) once for every process; say how big it is."""

import gzip
import time

from django.core.cache import cache
from django.core.management.base import BaseCommand

from places.maps import (
    BACKGROUND_FORMAT,
    LEVELS,
    WORLD,
    background,
    background_compute,
    background_forget,
    background_save,
    background_svg,
    gazetteer_size,
)
from places.models import GazetteerEntry


class Command(BaseCommand):
    help = (
        "Work out the maps' background from the gazetteer (run it after load_gazetteer) and write it to "
        "var/maps/, where every process reads it: without it, each process works it out on its first map."
    )

    def handle(self, *args: object, **options: object) -> None:
        size = gazetteer_size()
        started = time.perf_counter()
        land = background_compute(GazetteerEntry.objects.order_by().values_list("latitude", "longitude").iterator(5000))
        seconds = time.perf_counter() - started
        path = background_save(land, size)
        cache.delete(f"map-background:{BACKGROUND_FORMAT}:{size}")
        background_forget()
        assert background(size).places == land.places  # read back as maps will read it
        world = str(background_svg(land, WORLD)).encode()
        levels = ", ".join(f"{land.cells(level):,} at {level:g} units" for level in LEVELS)
        self.stdout.write(
            f"Background of {land.places:,} gazetteer places worked out in {seconds:.2f} s and written to {path}: "
            f"dots {levels}. The whole world's: {len(world):,} bytes, {len(gzip.compress(world)):,} gzipped."
        )
