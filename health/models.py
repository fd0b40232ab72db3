"""The living state of links: what happens on them (activities), who says they still run
(verifications and the requests that ask for them), and the health worked out from both.

A link's decided status (links.StatusEvent) says what councils resolved; its health says whether
anything still happens. A link can be formally active and dormant in practice ("silent
untwinning"), so the two are kept and shown apart.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import NotRemovedManager, RegistryRecord
from core.partial_dates import DatePrecision, PartialDate, precision_constraint


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("visit or delegation")
    EXCHANGE = "exchange", _("school or youth exchange")
    PROJECT = "project", _("joint project")
    FUNDRAISER = "fundraiser", _("fundraiser")
    ONLINE = "online", _("online meeting")
    COMMEMORATION = "commemoration", _("commemoration")
    CULTURAL = "cultural", _("cultural event")
    OTHER = "other", _("other activity")


class Activity(RegistryRecord):
    """Something that happened on a link, dated and sourced."""

    link = models.ForeignKey("links.Link", on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"), help_text=_("For a year or month, its first day; set the precision."))
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    description = models.TextField(_("description"), blank=True)
    # For visits and exchanges: which side travelled, how many people, how many of them under 30.
    travelling_party = models.ForeignKey(
        "links.Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who travelled"),
    )
    participants = models.PositiveIntegerField(_("people taking part"), null=True, blank=True)
    participants_under_30 = models.PositiveIntegerField(_("of them, under 30"), null=True, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, null=True, blank=True)
    cost_currency = models.CharField(
        _("currency"), max_length=3, blank=True, help_text=_("ISO 4217 code, for example GBP or EUR.")
    )
    source = models.ForeignKey(
        "sources.Source", null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    source_url = models.URLField(_("web address of the source"), max_length=1000, blank=True)
    removed = models.BooleanField(default=False, editable=False)

    objects = NotRemovedManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["link", "-date", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["link", "-date"], name="activity_latest_first")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ActivityKind.values), name="activity_kind_valid"),
            precision_constraint("date", "date_precision", "activity_date_precision"),
            models.CheckConstraint(
                condition=Q(participants_under_30__isnull=True)
                | Q(participants__isnull=True)
                | Q(participants_under_30__lte=F("participants")),
                name="activity_under_30_within_participants",
            ),
            models.CheckConstraint(condition=Q(cost__isnull=True) | Q(cost__gte=0), name="activity_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | ~Q(cost_currency=""), name="activity_cost_has_currency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.when})"

    @property
    def when(self) -> PartialDate:
        return PartialDate(self.date, self.date_precision)


class VerifierRole(models.TextChoices):
    CONTACT = "contact", _("a contact of the association that runs it")
    COUNCIL_OFFICER = "council_officer", _("a council officer")
    MODERATOR = "moderator", _("a moderator")


class VerificationAnswer(models.TextChoices):
    ACTIVE = "active", _("still active")
    PAUSED = "paused", _("paused")
    ENDED = "ended", _("ended")
    OTHER_RUNS = "other_runs", _("someone else runs it now")


class Verification(models.Model):
    """Someone on the ground said how a link stands. Append-only: the newest is the link's last verification."""

    link = models.ForeignKey("links.Link", on_delete=models.PROTECT, related_name="verifications")
    answer = models.CharField(max_length=12, choices=VerificationAnswer.choices)
    verified_at = models.DateTimeField()
    by_role = models.CharField(max_length=20, choices=VerifierRole.choices)
    by_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    by_contact = models.ForeignKey(
        "associations.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="verifications"
    )
    note = models.TextField(blank=True)
    request = models.ForeignKey(
        "health.VerificationRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="verifications"
    )

    class Meta:
        ordering = ["-verified_at", "-id"]
        indexes = [models.Index(fields=["link", "-verified_at"], name="verification_latest_first")]
        constraints = [
            models.CheckConstraint(condition=Q(answer__in=VerificationAnswer.values), name="verification_answer_valid"),
            models.CheckConstraint(condition=Q(by_role__in=VerifierRole.values), name="verification_role_valid"),
            models.CheckConstraint(
                condition=Q(by_user__isnull=False) | Q(by_contact__isnull=False), name="verification_has_a_verifier"
            ),
        ]

    def __str__(self) -> str:
        return f"Link {self.link_id}: {self.answer} ({self.verified_at:%Y-%m-%d})"


class RequestStatus(models.TextChoices):
    WAITING = "waiting", _("waiting to be sent")
    SENT = "sent", _("sent, not answered yet")
    ANSWERED = "answered", _("answered")
    UNANSWERED = "unanswered", _("never answered")
    CANCELLED = "cancelled", _("cancelled")


class VerificationRequest(models.Model):
    """One "Is this link still active?" email to one contact, with its retries.

    The emailed links carry a signed token naming this request and its `nonce`; answering clears
    the nonce, so a link works once. `attempts` counts the emails sent: a retried task that finds
    the attempt already sent sends nothing.
    """

    link = models.ForeignKey("links.Link", on_delete=models.PROTECT, related_name="verification_requests")
    contact = models.ForeignKey("associations.Contact", on_delete=models.PROTECT, related_name="verification_requests")
    status = models.CharField(max_length=12, choices=RequestStatus.choices, default=RequestStatus.WAITING)
    nonce = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=12, choices=VerificationAnswer.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RequestStatus.values), name="request_status_valid"),
            models.UniqueConstraint(
                fields=["link", "contact"],
                condition=Q(status__in=["waiting", "sent"]),
                name="request_one_open_per_contact_and_link",
            ),
        ]

    def __str__(self) -> str:
        return f"Verification request {self.pk} for link {self.link_id} ({self.status})"


class HealthState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("health of a link", "active")
    QUIET = "quiet", pgettext_lazy("health of a link", "quiet")
    DORMANT = "dormant", pgettext_lazy("health of a link", "dormant")
    UNKNOWN = "unknown", pgettext_lazy("health of a link", "unknown")


class LinkHealth(models.Model):
    """A link's health as last worked out, kept by the services that record activities and
    verifications and by a daily task (health changes with time alone). Search, statistics and
    the council dashboard read it from here, never recomputing it per request."""

    link = models.OneToOneField("links.Link", primary_key=True, on_delete=models.CASCADE, related_name="health")
    state = models.CharField(max_length=10, choices=HealthState.choices, default=HealthState.UNKNOWN, db_index=True)
    reasons = models.JSONField(default=list, blank=True)  # reason codes, worded by health.selectors
    last_activity_on = models.DateField(null=True, blank=True)
    last_verified_at = models.DateTimeField(null=True, blank=True)
    last_verified_role = models.CharField(max_length=20, choices=VerifierRole.choices, blank=True)
    last_verified_answer = models.CharField(max_length=12, choices=VerificationAnswer.choices, blank=True)
    unverified = models.BooleanField(default=False, help_text=_("Requests to verify it went unanswered."))
    activities_recent = models.PositiveIntegerField(default=0)  # in the last three years
    activities_before = models.PositiveIntegerField(default=0)  # in the three years before
    computed_on = models.DateField()

    class Meta:
        verbose_name_plural = "link health"
        constraints = [models.CheckConstraint(condition=Q(state__in=HealthState.values), name="health_state_valid")]

    def __str__(self) -> str:
        return f"Link {self.link_id}: {self.state}"
