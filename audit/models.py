"""One row for every write to the registry: who, when, what, and which fields changed.

Services write these inside the same transaction as the change itself, so the log
can never disagree with the data. Versions, moderation and the public history
(a later issue) read from here instead of hooking into many places.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ChangeAction(models.TextChoices):
    CREATE = "create", "created"
    UPDATE = "update", "updated"
    RETRACT = "retract", "retracted"


class ChangeRecord(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who acted when no user did: "demo data loader", "import: Wikipedia lists" ...
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=10, choices=ChangeAction.choices)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField()
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(actor__isnull=False) | ~models.Q(actor_label=""),
                name="change_record_has_an_actor",
            ),
            models.CheckConstraint(
                condition=models.Q(action__in=ChangeAction.values), name="change_record_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.who}: {self.summary}"

    @property
    def who(self) -> str:
        return str(self.actor) if self.actor_id else self.actor_label
