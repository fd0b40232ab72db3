"""Optimistic locking: an edit states which version it started from, and loses nothing if it is stale."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


class EditConflict(ValidationError):
    """Someone else saved the record after this edit began. Nothing was written."""


def save_versioned(instance: models.Model, *, expected_version: int | None, fields: list[str]) -> None:
    """Write `fields` only if the row is still at `expected_version`, and bump the version.

    The check and the write are one UPDATE statement, so two concurrent edits can
    never both succeed: the second gets EditConflict and the first edit stays.
    """
    model = type(instance)
    current = instance.version if expected_version is None else expected_version
    values: dict[str, Any] = {name: getattr(instance, name) for name in fields}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        from django.utils import timezone

        values["updated_at"] = instance.updated_at = timezone.now()
    updated = model._base_manager.filter(pk=instance.pk, version=current).update(version=current + 1, **values)
    if updated != 1:
        raise EditConflict(
            f"This {model._meta.verbose_name} was changed by someone else while you were editing it. "
            "Your changes were not saved. Reload the page to see the latest version, then make your "
            "change again.",
            code="edit_conflict",
        )
    instance.version = current + 1
