"""Identifiers that outside systems (demo files, imports, Wikidata) use for registry rows."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models


class RegistryRecord(models.Model):
    """What every editable registry row carries: a version for optimistic locking, and timestamps.

    The version only changes through core.versioning.save_versioned, called by services.
    """

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class NotRemovedManager(models.Manager):
    """The default manager of records that can be removed: only those not removed.

    Removal is an edit that history can undo (the row stays, marked removed), so every page,
    count and export that reads through `objects` leaves removed rows out without saying so;
    history and restoring read `all_objects`.
    """

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(removed=False)


class ExternalId(models.Model):
    """Maps (scheme, value), e.g. ("demo", "coventry-volgograd"), to a registry row.

    Loaders and importers use it to be idempotent: a key seen before is never created twice.
    """

    scheme = models.CharField(max_length=40)
    value = models.CharField(max_length=300)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scheme", "value"], name="external_id_unique")]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"

    def target(self) -> models.Model:
        return self.target_type.get_object_for_this_type(pk=self.target_id)

    @classmethod
    def lookup(cls, scheme: str, value: str) -> models.Model | None:
        row = cls.objects.filter(scheme=scheme, value=value).select_related("target_type").first()
        return row.target() if row else None

    @classmethod
    def remember(cls, scheme: str, value: str, target: models.Model) -> ExternalId:
        return cls.objects.create(
            scheme=scheme, value=value, target_type=ContentType.objects.get_for_model(target), target_id=target.pk
        )


class SentEmail(models.Model):
    """One email the hub sent, by a key naming the event and its recipient ("guide-decision:12:v3:user-7",
    "dispute-review:4:2027-03-01:user-9"): a task run twice, or enqueued twice, finds its key and sends
    nothing (core.emails.send_once). Holds no address or text, only that it was sent and when."""

    key = models.CharField(max_length=120, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
