"""Writes to the change log. Called by every registry service, inside its transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import ChangeAction, ChangeRecord, PrivilegedAction, PrivilegedKind, Version


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
    if isinstance(value, (dt.date, dt.datetime, dt.time, Decimal)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of a row, as JSON-friendly values (columns the database computes left out)."""
    names = fields or [f.attname for f in instance._meta.concrete_fields if not getattr(f, "generated", False)]
    return {name: _plain(getattr(instance, name)) for name in names}


@dataclass(frozen=True)
class Provenance:
    """Why a change is made and on what authority: what its Version records beside the change itself."""

    reason: str = ""
    source_id: int | None = None
    source_note: str = ""  # a web address or a document, when the source is not (yet) in the registry
    first_hand: str = ""  # "I am the secretary of the association"
    proposal_id: int | None = None
    reverts_id: int | None = None


NO_PROVENANCE = Provenance()
_provenance: ContextVar[Provenance | None] = ContextVar("provenance", default=None)


@contextmanager
def provenance(**fields: Any) -> Iterator[Provenance]:
    """Within this block, every change recorded carries this reason and source in its version.

    The services of every kind of change take the actor and the new values; the reason and the
    source are the same for all the rows one edit writes (a link and its citations, an event and
    the link's status), so the caller states them once, around the service call.
    """
    token = _provenance.set(replace(_provenance.get() or NO_PROVENANCE, **fields))
    try:
        yield _provenance.get()
    finally:
        _provenance.reset(token)


def _version_of(record: ChangeRecord, target: models.Model | None) -> Version:
    given = _provenance.get() or NO_PROVENANCE
    return Version(
        change=record,
        snapshot=snapshot(target) if target is not None else {},
        reason=given.reason,
        source_id=given.source_id,
        source_note=given.source_note[:1000],
        first_hand=given.first_hand[:500],
        proposal_id=given.proposal_id,
        reverts_id=given.reverts_id,
    )


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
    record = ChangeRecord.objects.create(
        actor=user,
        actor_label=actor.label or ("" if user else "anonymous"),
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        summary=summary[:300],
        changes=changes or {},
    )
    _version_of(record, target).save()
    return record


def created_record(
    *,
    actor: Actor,
    instance: models.Model,
    fields: list[str],
    summary: str,
    more_changes: dict[str, Any] | None = None,
) -> models.Model:
    """The one way a new registry row is added: validate, save, log what it holds (`fields`, plus
    `more_changes` such as its parent's id). Call it inside the service's transaction, after
    checking who may add it."""
    instance.full_clean()
    instance.save()
    changes = snapshot(instance, fields) | (more_changes or {})
    change_record(actor=actor, action=ChangeAction.CREATE, target=instance, summary=summary, changes=changes)
    return instance


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
    changed = diff(before, snapshot(instance, fields))
    if not changed:  # a save that changes nothing is no change: no new version, nothing in the log
        if expected_version is not None and expected_version != instance.version:
            save_versioned(instance, expected_version=expected_version, fields=names)  # still say it was stale
        return instance
    save_versioned(instance, expected_version=expected_version, fields=names)
    change_record(actor=actor, action=ChangeAction.UPDATE, target=instance, summary=summary, changes=changed)
    return instance


def removed_set(*, actor: Actor, instance: models.Model, removed: bool, summary: str) -> models.Model:
    """Remove a record (hide it, keeping the row) or restore it: an edit like any other, logged.

    The record must have a `removed` flag and a version; call it inside the service's
    transaction, after authorising. A record already in that state is left as it is.
    """
    from core.versioning import save_versioned

    if instance.removed == removed:
        return instance
    instance.removed = removed
    if not removed:
        instance.full_clean()  # restoring must not break a rule another row now holds (e.g. uniqueness)
    save_versioned(instance, expected_version=None, fields=["removed"])
    change_record(
        actor=actor,
        action=ChangeAction.REMOVE if removed else ChangeAction.RESTORE,
        target=instance,
        summary=summary,
        changes={"removed": [not removed, removed]},
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
    records = ChangeRecord.objects.bulk_create(
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
    Version.objects.bulk_create(_version_of(record, target) for record, target in zip(records, targets, strict=True))
