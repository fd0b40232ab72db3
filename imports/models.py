"""What imports leave behind: runs, how each name was tied to a place, and which links each dataset lists.

A dataset (e.g. Wikipedia's lists) is imported as dated snapshots. A link it stopped
listing is never deleted or ended: a ListingGap flags it for verification.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportFormat(models.TextChoices):
    RAW = "raw", "name pairs (city1,country1,city2,country2)"
    GEOCODED = "geocoded", "name pairs with coordinates"
    WIKIDATA = "wikidata", "Wikidata Query Service JSON (P190)"


class ImportRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "running"
        FINISHED = "finished", "finished"
        FAILED = "failed", "failed"
        # Its process died (killed, machine lost) without saying so; found by the next run.
        INTERRUPTED = "interrupted", "interrupted before it finished"

    dataset = models.CharField(max_length=100, help_text="Which list this is a snapshot of.")
    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, related_name="import_runs")
    snapshot_date = models.DateField()
    file_name = models.CharField(max_length=500)
    file_format = models.CharField(max_length=10, choices=ImportFormat.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=11, choices=Status.choices, default=Status.RUNNING)
    # Which process runs it and when it last committed a batch: how a later run tells a run
    # that is still going from one whose process was killed (imports.services.runs_interrupted_mark).
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    progressed_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.dataset} snapshot {self.snapshot_date} ({self.get_status_display()})"


class Outcome(models.TextChoices):
    MATCHED = "matched", "matched to a GeoNames place"
    AMBIGUOUS = "ambiguous", "ambiguous: a moderator must choose"
    UNMATCHED = "unmatched", "not found in the gazetteer"
    REGION = "region", "a region, county or province"
    COUNTRY = "country", "a whole country"
    CHOSEN = "chosen", "chosen by a moderator"


class NameResolution(models.Model):
    """How one name, as a source writes it in one country, was tied to a place.

    Reused by every row and every later import that writes the same name, so a
    moderator's choice is made once and re-imports need no matching at all.
    """

    key = models.CharField(max_length=400, unique=True)
    name = models.CharField(max_length=300, help_text="The name exactly as the source wrote it.")
    country = models.CharField(max_length=2)
    country_as_written = models.CharField(max_length=200, blank=True)
    subdivision = models.CharField(max_length=6, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    method = models.CharField(max_length=100, blank=True)
    explanation = models.CharField(max_length=500, blank=True)
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    candidates = models.JSONField(default=list, blank=True)
    latitude = models.FloatField(null=True, blank=True, help_text="Coordinates the source gave, if any.")
    longitude = models.FloatField(null=True, blank=True)
    distance_km = models.FloatField(null=True, blank=True)
    far = models.BooleanField(default=False, help_text="Matched more than 50 km from the source's coordinates.")
    occurrences = models.PositiveIntegerField(default=0)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["country", "name"]
        indexes = [models.Index(fields=["outcome"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=["ambiguous", "unmatched"]) | models.Q(place__isnull=False),
                name="resolution_tied_to_a_place_unless_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country}): {self.get_outcome_display()}"

    @property
    def is_open(self) -> bool:
        return self.place_id is None


class PendingPair(models.Model):
    """A listed pair held back until both of its names are tied to places."""

    dataset = models.CharField(max_length=100)
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="pending_pairs")
    first = models.ForeignKey(NameResolution, on_delete=models.PROTECT, related_name="+")
    second = models.ForeignKey(NameResolution, on_delete=models.PROTECT, related_name="+")
    line = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "first", "second"], name="pending_pair_once_per_dataset")
        ]

    def __str__(self) -> str:
        return f"{self.first.name} – {self.second.name} (held: {self.dataset})"


class Listing(models.Model):
    """That a dataset lists a link, and in which snapshots it was first and last seen."""

    dataset = models.CharField(max_length=100)
    link = models.ForeignKey("links.Link", on_delete=models.CASCADE, related_name="listings")
    first_listed = models.DateField()
    first_source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, related_name="+")
    last_listed = models.DateField()
    last_source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "link"], name="listing_once_per_dataset"),
            models.CheckConstraint(
                condition=models.Q(first_listed__lte=models.F("last_listed")), name="listing_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.link} in {self.dataset}"


class ListingGap(models.Model):
    """A snapshot of a dataset that no longer lists a link it listed before: the link needs verification."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="gaps")
    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, related_name="+")
    snapshot_date = models.DateField()
    resolved_at = models.DateTimeField(null=True, blank=True, help_text="When a later snapshot listed it again.")

    class Meta:
        ordering = ["snapshot_date"]
        constraints = [models.UniqueConstraint(fields=["listing", "source"], name="gap_once_per_snapshot")]

    def __str__(self) -> str:
        return f"No longer listed in {self.source} since {self.snapshot_date} — needs verification"
