"""Writes to the change log. Called by every registry service, inside its transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import ChangeAction, ChangeRecord, PrivilegedAction, PrivilegedKind


@dataclass(frozen=True)
class Actor:
    """Who is making a change: a signed-in user, or a named process such as the demo loader."""

    user: AbstractBaseUser | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if self.user is None and not self.label:
            raise ValueError("A change needs an actor: a user or a process label.")

    @classmethod
    def system(cls, label: str) -> Actor:
        return cls(user=None, label=label)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dt.date, dt.datetime, Decimal)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of a row, as JSON-friendly values."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _plain(getattr(instance, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def change_record(
    *,
    actor: Actor,
    action: ChangeAction,
    target: models.Model,
    summary: str,
    changes: dict[str, Any] | None = None,
) -> ChangeRecord:
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    return ChangeRecord.objects.create(
        actor=user,
        actor_label=actor.label or ("" if user else "anonymous"),
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        summary=summary[:300],
        changes=changes or {},
    )


def privileged_action_log(
    *,
    actor: Actor,
    kind: PrivilegedKind,
    summary: str,
    subject_user_id: int | None = None,
    target: models.Model | None = None,
    reason: str = "",
) -> PrivilegedAction:
    """Append to the log of privileged actions, inside the caller's transaction."""
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    return PrivilegedAction.objects.create(
        actor=user,
        actor_label=actor.label or ("" if user else "anonymous"),
        kind=kind,
        summary=summary[:300],
        subject_user_id=subject_user_id,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        reason=reason,
    )


def versioned_update(
    *,
    actor: Actor,
    instance: models.Model,
    changes: dict[str, Any],
    fields: list[str],
    expected_version: int | None,
    summary: str,
) -> models.Model:
    """The one way registry rows are edited: validate, write if still at `expected_version`, log the diff.

    `fields` are the editable attribute names; the log records only those that changed.
    Call it inside the service's transaction.
    """
    from core.versioning import save_versioned

    names = [instance._meta.get_field(f).name for f in fields]  # "place_id" -> "place"
    unknown = set(changes) - set(names) - set(fields)
    if unknown:
        raise TypeError(f"Unknown {instance._meta.verbose_name} fields: {sorted(unknown)}")
    before = snapshot(instance, fields)
    for field, value in changes.items():
        setattr(instance, field, value)
    instance.full_clean()
    save_versioned(instance, expected_version=expected_version, fields=names)
    change_record(
        actor=actor,
        action=ChangeAction.UPDATE,
        target=instance,
        summary=summary,
        changes=diff(before, snapshot(instance, fields)),
    )
    return instance


def change_records_bulk(
    *,
    actor: Actor,
    action: ChangeAction,
    targets: list[models.Model],
    summaries: list[str],
    changes: list[dict[str, Any]] | None = None,
) -> None:
    """Log many writes at once (imports): one row per target, as change_record would write."""
    if not targets:
        return
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    content_type = ContentType.objects.get_for_model(targets[0])
    ChangeRecord.objects.bulk_create(
        ChangeRecord(
            actor=user,
            actor_label=actor.label or ("" if user else "anonymous"),
            action=action,
            target_type=content_type,
            target_id=target.pk,
            summary=summary[:300],
            changes=(changes[i] if changes else {}),
        )
        for i, (target, summary) in enumerate(zip(targets, summaries, strict=True))
    )
