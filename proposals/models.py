"""Changes proposed by contributors, waiting for a moderator, and what became of them.

A trusted role's change applies at once (and leaves no proposal: its Version says who, why and
on what source); anyone else's waits here until a moderator approves it (the change is then
made, citing the proposal) or rejects it with a reason. Either way the proposer is told.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ProposalKind(models.TextChoices):
    LINK_NEW = "link_new", _("a new link")
    LINK_CHANGE = "link_change", _("a correction to a link")
    LINK_REMOVE = "link_remove", _("removing a link")
    EVENT_NEW = "event_new", _("a new status change")
    EVENT_CHANGE = "event_change", _("a correction to a status change")
    SOURCE_NEW = "source_new", _("a new source")
    SOURCE_CHANGE = "source_change", _("a correction to a source")
    PLACE_CHANGE = "place_change", _("a correction to a place")
    ASSOCIATION_NEW = "association_new", _("a new association")
    ASSOCIATION_CHANGE = "association_change", _("a correction to an association")
    CALENDAR_EVENT_NEW = "calendar_event_new", _("a new calendar event")
    ACTIVITY_NEW = "activity_new", _("a new activity on a link")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("waiting for review")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn by the proposer")


class Proposal(models.Model):
    kind = models.CharField(max_length=20, choices=ProposalKind.choices)
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # What it changes (nothing yet for a new link, source or association) and the version of it
    # the proposer saw: approving a proposal about a record changed since is refused, not merged.
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_version = models.PositiveIntegerField(null=True, blank=True)
    # The proposed values, as the form gave them (plain JSON), and a one-line description.
    payload = models.JSONField(default=dict)
    summary = models.CharField(max_length=300)
    reason = models.TextField(blank=True, help_text=_("Why the change is right, in the proposer's words."))
    # Its source: one of a registry source, a web address or document, or a first-hand statement.
    source = models.ForeignKey("sources.Source", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_note = models.CharField(max_length=1000, blank=True)
    first_hand = models.CharField(max_length=500, blank=True)
    # Why it waits for review (the review rules that asked for it), in plain words.
    review_reasons = models.JSONField(default=list, blank=True)
    # The language the proposer wrote in: the decision is emailed to them in it.
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    applied_change = models.ForeignKey(
        "audit.ChangeRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["target_type", "target_id"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ProposalKind.values), name="proposal_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ProposalStatus.values), name="proposal_status_valid"),
            models.CheckConstraint(
                condition=Q(source__isnull=False) | ~Q(source_note="") | ~Q(first_hand=""),
                name="proposal_cites_a_source",
            ),
            models.CheckConstraint(
                condition=Q(status=ProposalStatus.PENDING, decided_at__isnull=True)
                | (~Q(status=ProposalStatus.PENDING) & Q(decided_at__isnull=False)),
                name="proposal_decided_iff_not_pending",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProposalStatus.REJECTED) | ~Q(decision_reason=""),
                name="proposal_rejection_has_a_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProposalStatus.APPROVED) | Q(applied_change__isnull=False),
                name="proposal_approval_applied",
            ),
        ]

    def __str__(self) -> str:
        return f"Proposal {self.pk}: {self.summary}"

    @property
    def target(self) -> models.Model | None:
        if self.target_type_id is None:
            return None
        model = self.target_type.model_class()
        manager = getattr(model, "all_objects", model._base_manager)
        return manager.filter(pk=self.target_id).first()

    @property
    def cites(self) -> str:
        """The source in words, as moderators see it."""
        if self.source_id:
            return str(self.source)
        if self.source_note:
            return self.source_note
        return gettext("First-hand: %(statement)s") % {"statement": self.first_hand}
