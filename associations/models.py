"""Twinning associations: the volunteer bodies that run links, their committees and contacts."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import RegistryRecord
from core.text import fold

# The words after /associations/<id>/ that name its other pages, never an association's slug.
RESERVED_SLUGS = frozenset({"contact", "edit"})


class Association(RegistryRecord):
    """A twinning or friendship association, committee or charity that runs one or more links."""

    name = models.CharField(max_length=300)
    # The name folded (case and accents), for the list's search: "Zurich" finds "Zürich".
    folded = models.CharField(max_length=300, blank=True, db_index=True, editable=False)
    website = models.URLField(blank=True)
    meeting_place = models.CharField(max_length=300, blank=True, help_text=_("Where it usually meets, in words."))
    description = models.TextField(blank=True)
    links = models.ManyToManyField("links.Link", related_name="associations", blank=True, help_text=_("Links it runs."))
    # Nothing is deleted: an association that has wound up is marked so, and history can undo it.
    removed = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.CheckConstraint(condition=~models.Q(name=""), name="association_has_a_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.folded = fold(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        slug = slugify(self.name)[:80] or "association"
        if slug in RESERVED_SLUGS:
            slug = f"{slug}-association"
        return reverse("associations:detail", kwargs={"pk": self.pk, "slug": slug})


def day_in_words(date: dt.date) -> str:
    """'1 March 2024', for messages (the month in the language of the page)."""
    return date_format(date, "j F Y")


class CommitteeRoleKind(models.TextChoices):
    CHAIR = "chair", _("chair")
    SECRETARY = "secretary", _("secretary")
    TREASURER = "treasurer", _("treasurer")
    MEMBERSHIP_SECRETARY = "membership_secretary", _("membership secretary")
    MEMBER = "member", _("committee member")
    OTHER = "other", _("other")


class CommitteeRole(RegistryRecord):
    """Who held a committee role, and for which term. A term that ends gets its end date: the row
    stays, so the association's page can show its past officers as well as its current ones."""

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="committee_roles")
    person = models.CharField(max_length=200, help_text=_("The person's name, as they wish it shown."))
    role = models.CharField(max_length=24, choices=CommitteeRoleKind.choices)
    title = models.CharField(
        max_length=200, blank=True, help_text=_("The role's own title, e.g. 'Vice-chair' (needed for 'other').")
    )
    term_start = models.DateField()
    term_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["association", "-term_start", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(person=""), name="committee_role_has_a_person"),
            models.CheckConstraint(condition=Q(role__in=CommitteeRoleKind.values), name="committee_role_kind_valid"),
            models.CheckConstraint(
                condition=~Q(role=CommitteeRoleKind.OTHER) | ~Q(title=""),
                name="committee_role_other_has_a_title",
                violation_error_message=_("A role of kind 'other' needs its title, e.g. 'Vice-chair'."),
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="committee_term_ends_after_it_starts",
                violation_error_message=_("A term cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} of {self.association}: {self.person}"

    @property
    def label(self) -> str:
        """What the role is called on the page: its own title if it has one."""
        return self.title or self.get_role_display()

    def clean(self) -> None:
        """The constraints' rules, said against the field to correct (forms show them there)."""
        errors = {}
        if self.role == CommitteeRoleKind.OTHER and not self.title.strip():
            errors["title"] = gettext("Give the role's title, e.g. 'Vice-chair': 'other' says nothing by itself.")
        if self.term_start and self.term_end and self.term_end < self.term_start:
            errors["term_end"] = gettext("The term cannot end (%(end)s) before it starts (%(start)s).") % {
                "end": day_in_words(self.term_end),
                "start": day_in_words(self.term_start),
            }
        if errors:
            raise ValidationError(errors)


class Contact(RegistryRecord):
    """A way to reach the association. Private unless `public`: then only its own editors and
    moderators see the details, and visitors write through the hub's form instead."""

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="contacts")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True, help_text=_("e.g. 'Secretary' or 'Membership enquiries'."))
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    postal_address = models.TextField(max_length=500, blank=True)
    public = models.BooleanField(
        default=False, help_text=_("Show these details to everyone. Off: only the association's editors see them.")
    )
    removed = models.BooleanField(default=False)

    class Meta:
        ordering = ["association", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="contact_has_a_name"),
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone="") | ~Q(postal_address=""),
                name="contact_has_a_way_to_reach",
                violation_error_message=_(
                    "Give at least one way to reach this contact: an email address, a phone number or a postal address."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.association})"

    def clean(self) -> None:
        if not (self.email or self.phone.strip() or self.postal_address.strip()):
            raise ValidationError(
                {
                    "email": gettext(
                        "Give at least one way to reach this contact: an email address, a phone number or a "
                        "postal address."
                    )
                }
            )


class ContactMessage(models.Model):
    """A message a visitor wrote to an association through the hub, forwarded by email.

    Kept so that a recipient can report it as abuse (moderators see reported messages in the
    admin), and so that a message is forwarded once, after its row is committed; deleted after
    CONTACT_REPORT_DAYS, a reported one that many days after a moderator marked it reviewed
    (`manage.py remove_old_contact_messages`). When its sender erases their account, a reported
    message keeps its body for the moderators with the sender's name and address blanked.
    """

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="contact_messages")
    sender_name = models.CharField(max_length=200)
    sender_email = models.EmailField()
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True, db_index=True)
    report_reason = models.TextField(max_length=1000, blank=True)
    # When a moderator dealt with the report (admin action "Mark reviewed").
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Blank only once the sender erased their account, which keeps only reported messages.
            models.CheckConstraint(
                condition=~Q(sender_name="") | Q(reported_at__isnull=False), name="contact_message_has_a_sender"
            ),
            models.CheckConstraint(
                condition=~Q(sender_email="") | Q(reported_at__isnull=False),
                name="contact_message_has_a_reply_address",
            ),
            models.CheckConstraint(condition=~Q(body=""), name="contact_message_has_a_body"),
            models.CheckConstraint(
                condition=Q(reported_at__isnull=False) | Q(report_reason=""),
                name="contact_message_reason_only_when_reported",
            ),
            models.CheckConstraint(
                condition=Q(reported_at__isnull=False) | Q(reviewed_at__isnull=True),
                name="contact_message_reviewed_only_when_reported",
            ),
        ]

    def __str__(self) -> str:
        sender = self.sender_name or "a sender who erased their account"
        return f"Message to {self.association} from {sender} ({self.created_at:%Y-%m-%d %H:%M})"


# ---------------------------------------------------------------- governance

# The roles the report calls "high intensity" (Part V, recommendation 2): rotated periodically, they
# give the most active volunteers a rest.
HIGH_INTENSITY_ROLES = (CommitteeRoleKind.CHAIR, CommitteeRoleKind.SECRETARY, CommitteeRoleKind.TREASURER)


class GovernanceReminder(models.Model):
    """That the association was (or is being) reminded, in `year`, that someone has held a
    high-intensity role for long: one row per term and year, so that a retried or re-run task never
    sends a second reminder. `sent_at` stays empty until the emails are handed to the mail server."""

    committee_role = models.ForeignKey(CommitteeRole, on_delete=models.CASCADE, related_name="governance_reminders")
    year = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    emails = models.PositiveSmallIntegerField(default=0, help_text=_("How many contacts were written to."))

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["committee_role", "year"], name="governance_reminder_once_a_year")
        ]

    def __str__(self) -> str:
        return f"Reminder {self.year}: {self.committee_role}"


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("under 18")
    FROM_18 = "18_29", _("18–29")
    FROM_30 = "30_44", _("30–44")
    FROM_45 = "45_59", _("45–59")
    FROM_60 = "60_74", _("60–74")
    FROM_75 = "75_over", _("75 and over")


FIRST_COUNT_YEAR = 1900


class MemberCount(RegistryRecord):
    """How many members the association had in one age band in one year: a count, never a person."""

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="member_counts")
    year = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=12, choices=AgeBand.choices)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["association", "year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "year", "band"],
                name="member_count_once_per_year_and_band",
                violation_error_message=_("The counts of this year are already recorded."),
            ),
            models.CheckConstraint(condition=Q(band__in=AgeBand.values), name="member_count_band_valid"),
            models.CheckConstraint(condition=Q(count__gte=0), name="member_count_not_negative"),
            models.CheckConstraint(condition=Q(year__gte=FIRST_COUNT_YEAR), name="member_count_year_plausible"),
        ]

    def __str__(self) -> str:
        return f"{self.association}: {self.count} members {self.band} in {self.year}"

    def clean(self) -> None:
        this_year = timezone.localdate().year
        if self.year is not None and self.year > this_year:
            raise ValidationError(
                {
                    "year": gettext(
                        "%(year)s has not come yet: record the counts of this year (%(now)s) or an earlier one."
                    )
                    % {"year": self.year, "now": this_year}
                }
            )
