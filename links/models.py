"""Links between parties (places or institutions), and the dated events that give their status.

A link's status on any date is never stored: it is derived from its status
events (see links.selectors.status_on and links.selectors.with_status_on).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from core.models import NotRemovedManager, RegistryRecord
from core.partial_dates import DatePrecision, PartialDate, precision_constraint


class LinkKind(models.TextChoices):
    FORMAL_TWINNING = "formal", gettext_lazy("formal twinning (pact, charter or MoU)")
    FRIENDSHIP = "friendship", gettext_lazy("friendship link (informal)")
    COMMUNITY = "community", gettext_lazy("community link (linking)")
    INSTITUTIONAL = "institutional", gettext_lazy("institutional link")
    SOLIDARITY = "solidarity", gettext_lazy("solidarity twinning")
    INTRA_NATIONAL = "intra_national", gettext_lazy("intra-national link")
    # Imported lists (Wikipedia's, Wikidata's) say two places are twinned but not how.
    UNSPECIFIED = "unspecified", gettext_lazy("twinning (kind not recorded)")


class Purpose(models.Model):
    """A purpose a link serves (peace and reconciliation, trade, education ...). Rows come from a migration."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LinkStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("status of a link", "proposed")
    ACTIVE = "active", pgettext_lazy("status of a link", "active")
    PAUSED = "paused", pgettext_lazy("status of a link", "paused")
    ENDED = "ended", pgettext_lazy("status of a link", "ended")
    # A decision to keep the link (as Plymouth did in 2022). The link stays active.
    REAFFIRMED = "reaffirmed", pgettext_lazy("status of a link", "reaffirmed (kept)")


# What each event leaves the link as: a reaffirmation leaves it active.
RESULTING_STATUS: dict[str, str] = {s.value: s.value for s in LinkStatus} | {
    LinkStatus.REAFFIRMED.value: LinkStatus.ACTIVE.value
}

# A link's status when no event has been recorded for it (most imported links).
UNKNOWN = "unknown"
CURRENT_STATUSES = [LinkStatus.PROPOSED.value, LinkStatus.ACTIVE.value, LinkStatus.PAUSED.value,
                    LinkStatus.ENDED.value, UNKNOWN]  # fmt: skip


# Links with a name or description of their own: few (imported links have neither), so a text
# search reads them through a partial index instead of scanning every link.
HAS_OWN_TEXT = ~models.Q(name="") | ~models.Q(description="")


class Link(RegistryRecord):
    name = models.CharField(
        max_length=300,
        blank=True,
        help_text=gettext_lazy(
            "Only where the link has a name of its own (e.g. 'Berbice twinning'); "
            "otherwise the parties' names are shown."
        ),
    )
    kind = models.CharField(max_length=20, choices=LinkKind.choices, default=LinkKind.FORMAL_TWINNING)
    purposes = models.ManyToManyField(Purpose, blank=True, related_name="links")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_links",
        help_text=gettext_lazy(
            "The link this one grew out of or belongs to (e.g. school links under a town twinning)."
        ),
    )
    first_contact = models.DateField(null=True, blank=True)
    first_contact_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True, default="")
    agreement = models.DateField(
        null=True, blank=True, help_text=gettext_lazy("When the pact, charter or MoU was signed.")
    )
    agreement_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True, default="")
    endorsing_body = models.CharField(
        max_length=300, blank=True, help_text=gettext_lazy("Who endorsed the link, e.g. 'full council of both cities'.")
    )
    description = models.TextField(blank=True)
    # The status its latest event left it in ("unknown" without events), kept by the services that
    # record events. Events are never dated in the future, so this is the status on any date from
    # today on: the search, the counts and the statistics read it from an index instead of working
    # it out from the events of every link (links.selectors.with_status_on).
    current_status = models.CharField(max_length=12, default=UNKNOWN, editable=False, db_index=True)
    # Removed by a moderator (a link that never existed, a vandal's): hidden everywhere, kept for
    # history, restorable. Protected: contested links whose changes always go to a moderator.
    removed = models.BooleanField(default=False, editable=False)
    protected = models.BooleanField(
        default=False, help_text=gettext_lazy("Changes to a protected link are always reviewed by a moderator.")
    )
    # When the link began (first contact, else the agreement; the far future when unknown, so that
    # undated links sort last), kept by the database itself: lists sort by it through an index.
    began_sort = models.GeneratedField(
        expression=Coalesce("first_contact", "agreement", models.Value(dt.date(9999, 12, 31))),
        output_field=models.DateField(),
        db_persist=True,
    )

    objects = NotRemovedManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["id"]
        verbose_name = gettext_lazy("link")
        verbose_name_plural = gettext_lazy("links")
        indexes = [
            models.Index(fields=["id"], condition=HAS_OWN_TEXT, name="link_has_own_text"),
            models.Index(fields=["began_sort", "id"], name="link_began_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(current_status__in=CURRENT_STATUSES), name="link_current_status_valid"
            ),
            precision_constraint("first_contact", "first_contact_precision", "link_first_contact_precision"),
            precision_constraint("agreement", "agreement_precision", "link_agreement_precision"),
            models.CheckConstraint(
                condition=models.Q(first_contact__isnull=True)
                | models.Q(agreement__isnull=True)
                | models.Q(first_contact__lte=models.F("agreement")),
                name="link_first_contact_not_after_agreement",
            ),
            models.CheckConstraint(condition=models.Q(kind__in=LinkKind.values), name="link_kind_valid"),
            models.CheckConstraint(condition=~models.Q(parent=models.F("id")), name="link_not_its_own_parent"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("links:detail", kwargs={"pk": self.pk, "slug": slugify(self.title)[:80] or "link"})

    @property
    def title(self) -> str:
        """The link's own name, or its parties' names joined by dashes. Uses prefetched parties."""
        if self.name:
            return self.name
        names = [party.name for party in self.parties.all()]
        return " – ".join(names) if names else f"Link {self.pk}"

    @property
    def display_title(self) -> str:
        """The title for the reader: its places named in the reader's language where known (Londres –
        Moscou). `title` stays the English one that addresses, exports and the change log use."""
        if self.name:
            return self.name
        names = [party.display_name for party in self.parties.all()]
        return " – ".join(names) if names else gettext("Link %(number)s") % {"number": self.pk}

    @property
    def first_contact_on(self) -> PartialDate | None:
        return PartialDate.from_fields(self.first_contact, self.first_contact_precision)

    @property
    def agreement_on(self) -> PartialDate | None:
        return PartialDate.from_fields(self.agreement, self.agreement_precision)

    @property
    def began_on(self) -> PartialDate | None:
        """The earliest date the sources give for the link: first contact, else the agreement."""
        return self.first_contact_on or self.agreement_on

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field in ("first_contact", "agreement"):
            value = getattr(self, field)
            precision_field = f"{field}_precision"
            if value is None:
                setattr(self, precision_field, "")
                continue
            if not getattr(self, precision_field):
                setattr(self, precision_field, DatePrecision.DAY)
            date = PartialDate(value, getattr(self, precision_field))
            if not date.is_aligned():
                errors[field] = gettext("A date known only to the %(precision)s must be stored as its first day.") % {
                    "precision": DatePrecision(date.precision).label
                }
            elif value > dt.date.today():
                errors[field] = gettext(
                    "This date is in the future. Record a proposed link with a 'proposed' status event instead."
                )
        if not errors and self.first_contact and self.agreement and self.first_contact > self.agreement:
            errors["agreement"] = gettext(
                "The agreement (%(agreement)s) is dated before the first contact (%(first_contact)s). "
                "Check both dates: first contact cannot come after the agreement."
            ) % {"agreement": self.agreement_on, "first_contact": self.first_contact_on}
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = gettext("A link cannot be part of itself.")
        if errors:
            raise ValidationError(errors)


class Party(models.Model):
    """One side of a link: a place, or an institution in a place (exactly one of the two)."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="parties")
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="parties")
    institution = models.ForeignKey(
        "places.Institution", null=True, blank=True, on_delete=models.PROTECT, related_name="parties"
    )
    role = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy("Optional, e.g. 'established municipality' or 'newly merged district'."),
    )
    position = models.PositiveSmallIntegerField(default=0)
    # Where the party is: its place's (or its institution's place's) country and first-level
    # subdivision, copied here on save and kept by the services that move places and institutions
    # (links.services.party_locations_refresh). "Links with a party in Germany" is then one index
    # range on parties, not a join through places for every party of the registry.
    country = models.CharField(max_length=2, blank=True, default="", editable=False)
    subdivision = models.CharField(max_length=6, blank=True, default="", editable=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "parties"
        indexes = [
            models.Index(fields=["country", "link"], name="party_country_link"),
            models.Index(fields=["subdivision", "link"], name="party_subdivision_link"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(place__isnull=False) & models.Q(institution__isnull=True))
                | (models.Q(place__isnull=True) & models.Q(institution__isnull=False)),
                name="party_is_a_place_or_an_institution",
            ),
            models.UniqueConstraint(fields=["link", "place"], name="party_place_once_per_link"),
            models.UniqueConstraint(fields=["link", "institution"], name="party_institution_once_per_link"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.locate()
        super().save(*args, **kwargs)

    def locate(self) -> Party:
        """Copy where the party is (its home place's country and subdivision); bulk paths call it too."""
        home = self.home_place
        self.country, self.subdivision = home.country, home.subdivision
        return self

    @property
    def name(self) -> str:
        return self.institution.name if self.institution_id else self.place.name

    @property
    def display_name(self) -> str:
        """The party's name for the reader: an institution's own, a place's in the reader's language where known."""
        from places.local_names import local_name

        return self.institution.name if self.institution_id else local_name(self.place)

    @property
    def home_place(self):
        """The place this party is in (the institution's place for an institution)."""
        return self.institution.place if self.institution_id else self.place

    def clean(self) -> None:
        if bool(self.place_id) == bool(self.institution_id):
            raise ValidationError(gettext("Each party is either a place or an institution: choose exactly one."))


class EventCategory(models.TextChoices):
    FOUNDING = "founding", pgettext_lazy("reason for a status change", "founding or formalising")
    RECORD = "record", pgettext_lazy("reason for a status change", "status reported by a source (no decision recorded)")
    WAR = "war", pgettext_lazy("reason for a status change", "war")
    HUMAN_RIGHTS = "human_rights", pgettext_lazy("reason for a status change", "human rights")
    POLITICAL_DISPUTE = "political_dispute", pgettext_lazy("reason for a status change", "political dispute")
    ANIMAL_WELFARE = "animal_welfare", pgettext_lazy("reason for a status change", "animal welfare")
    COST = "cost", pgettext_lazy("reason for a status change", "cost")
    INACTIVITY = "inactivity", pgettext_lazy("reason for a status change", "inactivity")
    FAILED_INVESTMENT = "failed_investment", pgettext_lazy("reason for a status change", "failed investment")
    SOLIDARITY = "solidarity", pgettext_lazy("reason for a status change", "solidarity")
    OTHER = "other", pgettext_lazy("reason for a status change", "other")


class StatusEvent(RegistryRecord):
    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="events")
    date = models.DateField(help_text=gettext_lazy("For a year or month, the first day of it; set the precision."))
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    sequence = models.PositiveSmallIntegerField(
        default=0, help_text=gettext_lazy("Order among events on the same date (0 first).")
    )
    status = models.CharField(max_length=12, choices=LinkStatus.choices)
    reason = models.TextField(
        blank=True, help_text=gettext_lazy("Why, in plain words, ideally as the decision-maker put it.")
    )
    category = models.CharField(max_length=20, choices=EventCategory.choices, blank=True)
    deciding_body = models.CharField(
        max_length=300, blank=True, help_text=gettext_lazy("Who decided, e.g. 'Coventry City Council, full council'.")
    )
    decision_note = models.CharField(
        max_length=500,
        blank=True,
        help_text=gettext_lazy("How it was decided, e.g. 'unanimous cross-party resolution'."),
    )
    # Removed (recorded in error, or vandalism): left out of the link's status and timeline, kept
    # for history, restorable.
    removed = models.BooleanField(default=False, editable=False)

    objects = NotRemovedManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["link", "date", "sequence", "id"]
        verbose_name = gettext_lazy("status change")
        verbose_name_plural = gettext_lazy("status changes")
        indexes = [models.Index(fields=["link", "-date", "-sequence", "-id"], name="event_latest_first")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=LinkStatus.values), name="event_status_valid"),
            models.CheckConstraint(
                condition=models.Q(date_precision__in=DatePrecision.values), name="event_precision_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(category="") | models.Q(category__in=EventCategory.values),
                name="event_category_valid",
            ),
            models.UniqueConstraint(
                fields=["link", "date", "sequence"],
                condition=models.Q(removed=False),
                name="event_order_unique_within_day",
            ),
        ]

    def __str__(self) -> str:
        with translation.override(settings.LANGUAGE_CODE):  # in English: the change log quotes it
            return f"{self.get_status_display()} on {self.when}"

    @property
    def when(self) -> PartialDate:
        return PartialDate(self.date, self.date_precision)

    @property
    def resulting_status(self) -> str:
        return RESULTING_STATUS[self.status]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.date is None:
            raise ValidationError({"date": gettext("Give the date of this status change (a year is enough).")})
        when = self.when
        if not when.is_aligned():
            errors["date"] = gettext("A date known only to the %(precision)s must be stored as its first day.") % {
                "precision": DatePrecision(when.precision).label
            }
        elif self.date > dt.date.today():
            errors["date"] = gettext("This date is in the future. Record a status change once it has been decided.")
        elif self.link_id:
            began = self.link.began_on
            if began and when.end < began.start:
                errors["date"] = gettext(
                    "This event (%(when)s) is dated before the link began (%(began)s). "
                    "Check the date, or correct the link's first-contact or agreement date."
                ) % {"when": when, "began": began}
        if errors:
            raise ValidationError(errors)
