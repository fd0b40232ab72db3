"""Twinning associations: the volunteer bodies that run links, their committees and contacts."""

from __future__ import annotations

from django.db import models

from core.models import RegistryRecord


class Association(RegistryRecord):
    """A twinning or friendship association, committee or charity that runs one or more links."""

    name = models.CharField(max_length=300)
    website = models.URLField(blank=True)
    meeting_place = models.CharField(max_length=300, blank=True, help_text="Where it usually meets, in words.")
    description = models.TextField(blank=True)
    links = models.ManyToManyField("links.Link", related_name="associations", blank=True, help_text="Links it runs.")
    # Nothing is deleted: an association that has wound up is marked so, and history can undo it.
    removed = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.CheckConstraint(condition=~models.Q(name=""), name="association_has_a_name")]

    def __str__(self) -> str:
        return self.name
