"""Sources (documents, web pages, datasets) and the citations that tie facts to them.

Every fact in the registry cites a source. A citation points at exactly one cited
row (a place, an institution, a link or a status event) and carries the quote
that supports that particular fact, so one source can back many facts with
different passages.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy

from core.models import RegistryRecord
from core.partial_dates import DatePrecision, PartialDate, precision_constraint


class SourceKind(models.TextChoices):
    NEWS = "news", gettext_lazy("news article")
    OFFICIAL = "official", gettext_lazy("council or official document")
    REPORT = "report", gettext_lazy("report or book")
    WEBSITE = "website", gettext_lazy("web page")
    DATASET = "dataset", gettext_lazy("dataset")
    # Someone involved told the hub (a proposal's first-hand statement); moderators saw the statement.
    FIRST_HAND = "first_hand", gettext_lazy("first-hand account")
    OTHER = "other", gettext_lazy("other")


class Source(RegistryRecord):
    title = models.CharField(max_length=500)
    kind = models.CharField(max_length=12, choices=SourceKind.choices, default=SourceKind.OTHER)
    publisher = models.CharField(max_length=300, blank=True)
    author = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    document = models.CharField(
        max_length=300, blank=True, help_text=gettext_lazy("Where a copy of the document is kept, if not at a URL.")
    )
    published = models.DateField(null=True, blank=True)
    published_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True, default="")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = gettext_lazy("source")
        verbose_name_plural = gettext_lazy("sources")
        constraints = [
            precision_constraint("published", "published_precision", "source_published_precision"),
            models.CheckConstraint(condition=~models.Q(title=""), name="source_has_title"),
            models.CheckConstraint(condition=models.Q(kind__in=SourceKind.values), name="source_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sources:detail", kwargs={"pk": self.pk, "slug": slugify(self.title)[:60] or "source"})

    @property
    def published_on(self) -> PartialDate | None:
        return PartialDate.from_fields(self.published, self.published_precision)

    def clean(self) -> None:
        if self.published and not self.published_precision:
            self.published_precision = DatePrecision.DAY
        if not self.published:
            self.published_precision = ""
        date = self.published_on
        if date and not date.is_aligned():
            raise ValidationError(
                {
                    "published": gettext("A date known to the %(precision)s must start on its first day.")
                    % {"precision": DatePrecision(date.precision).label}
                }
            )


class Citation(models.Model):
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.CASCADE, related_name="citations")
    institution = models.ForeignKey(
        "places.Institution", null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    link = models.ForeignKey("links.Link", null=True, blank=True, on_delete=models.CASCADE, related_name="citations")
    status_event = models.ForeignKey(
        "links.StatusEvent", null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    claim = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy("Which fact this supports, e.g. 'agreement date' or 'pause'."),
    )
    quote = models.TextField(blank=True, help_text=gettext_lazy("The passage of the source that supports the fact."))
    locator = models.CharField(max_length=100, blank=True, help_text=gettext_lazy("Page, section or paragraph."))
    created_at = models.DateTimeField(auto_now_add=True)

    CITED_FIELDS = ("place", "institution", "link", "status_event")

    class Meta:
        ordering = ["id"]
        verbose_name = gettext_lazy("citation")
        verbose_name_plural = gettext_lazy("citations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        place__isnull=False, institution__isnull=True, link__isnull=True, status_event__isnull=True
                    )
                    | models.Q(
                        place__isnull=True, institution__isnull=False, link__isnull=True, status_event__isnull=True
                    )
                    | models.Q(
                        place__isnull=True, institution__isnull=True, link__isnull=False, status_event__isnull=True
                    )
                    | models.Q(
                        place__isnull=True, institution__isnull=True, link__isnull=True, status_event__isnull=False
                    )
                ),
                name="citation_cites_exactly_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.cited}"

    @property
    def cited(self) -> models.Model | None:
        for field in self.CITED_FIELDS:
            if getattr(self, f"{field}_id"):
                return getattr(self, field)
        return None

    def clean(self) -> None:
        # An inline form cites a parent not yet saved: count the related object, not just its id.
        given = [f for f in self.CITED_FIELDS if getattr(self, f"{f}_id") or getattr(self, f, None) is not None]
        if len(given) != 1:
            raise ValidationError(
                gettext("A citation must support exactly one place, institution, link or status event.")
            )
