"""A political-dispute review: an association's or a council's private answers to the report's questions
when a partner's government acts badly, with an optional summary it chooses to publish.

The answers belong to the association or council that wrote them (not to the person who typed them,
and not to the hub): only that owner's editors or officers read them, and no moderator does. Only the
published summary is public, on the link's timeline.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import RegistryRecord
from core.partial_dates import DatePrecision, PartialDate, precision_constraint


class Decision(models.TextChoices):
    UNDECIDED = "undecided", _("not decided yet")
    CONTINUE = "continue", _("continue as before")
    PEOPLE_ONLY = "people_only", _("continue people-to-people only")
    PAUSE = "pause", _("pause the link")
    END = "end", _("end the link")


class DisputeReview(RegistryRecord):
    """One owner's working-through of the questions about one link, after one act of the partner's government."""

    link = models.ForeignKey("links.Link", on_delete=models.PROTECT, related_name="dispute_reviews")
    # Who it belongs to: exactly one of an association that runs the link, or a council (its place, a party).
    association = models.ForeignKey(
        "associations.Association", null=True, blank=True, on_delete=models.PROTECT, related_name="dispute_reviews"
    )
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="dispute_reviews"
    )
    what_happened = models.CharField(_("what the partner's government did"), max_length=1000)
    happened_on = models.DateField(_("when"))
    happened_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    # The answers, one field per question of disputes.questions.QUESTIONS (the words live there).
    assistance_asked = models.TextField(blank=True)
    criticism_risk = models.TextField(blank=True)
    ties_without_council = models.TextField(blank=True)
    changes_needed = models.TextField(blank=True)
    decision = models.CharField(
        _("what you decided"), max_length=12, choices=Decision.choices, default=Decision.UNDECIDED
    )
    next_review_on = models.DateField(_("look at it again on"), null=True, blank=True)
    # The one public part, shown on the link's timeline while published_at is set. Unpublishing clears
    # published_at and keeps the text (and the change log keeps both).
    public_summary = models.TextField(_("summary for the link's timeline"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Who wrote it first, for the owner's own record; an erased account leaves the review to its owner.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["link", "-happened_on", "-id"]
        verbose_name = _("political-dispute review")
        verbose_name_plural = _("political-dispute reviews")
        indexes = [
            models.Index(
                fields=["link", "published_at"],
                name="dispute_published_on_link",
                condition=Q(published_at__isnull=False),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(association__isnull=False) & Q(place__isnull=True))
                | (Q(association__isnull=True) & Q(place__isnull=False)),
                name="dispute_review_has_one_owner",
            ),
            models.CheckConstraint(condition=Q(decision__in=Decision.values), name="dispute_review_decision_valid"),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | ~Q(public_summary=""),
                name="dispute_review_published_has_summary",
            ),
            precision_constraint("happened_on", "happened_precision", "dispute_review_happened_precision"),
        ]

    def __str__(self) -> str:
        # Never the answers, nor what happened: a record's name can surface where its fields do not.
        return gettext("Political-dispute review %(number)s of link %(link)s") % {
            "number": self.pk,
            "link": self.link_id,
        }

    def get_absolute_url(self) -> str:
        return reverse("disputes:detail", kwargs={"pk": self.pk})

    @property
    def when(self) -> PartialDate:
        return PartialDate(self.happened_on, self.happened_precision)

    @property
    def published(self) -> bool:
        return self.published_at is not None

    @property
    def owner_name(self) -> str:
        """Who the review belongs to, as pages name it: the association, or the council of its place."""
        if self.association_id:
            return self.association.name
        from places.local_names import local_name

        return gettext("the council of %(place)s") % {"place": local_name(self.place)}
