"""Reverting a change: undoing it with a new change, through the service of its kind.

A revert never rewrites history: it is an edit like any other, logged and versioned, whose
version names the change it undoes. Undoing a creation removes the record (restorable), undoing
a removal restores it, and undoing an edit puts back the values it replaced, but only while the
record still holds the values that edit left: if someone changed them since, the revert is
refused (undo the later change first), so no later edit is silently lost.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.policy import Action, authorize
from audit.models import ChangeAction, ChangeRecord, PrivilegedKind, Version
from audit.services import Actor, privileged_action_log, provenance, snapshot
from core.partial_dates import PartialDate

# What an edit of a link may have changed besides its own columns, and how to undo those.
NOT_REVERTIBLE = {
    "party_role": _("A change of a party's role is undone by editing the party (in the admin)."),
}


def _record(change: ChangeRecord) -> models.Model:
    model = change.target_type.model_class()
    manager = getattr(model, "all_objects", model._base_manager)
    record = manager.filter(pk=change.target_id).first()
    if record is None:
        raise ValidationError(
            gettext("The record this change was made to no longer exists, so there is nothing to undo.")
        )
    return record


def _python(record: models.Model, attname: str, value: Any) -> Any:
    field = next(f for f in record._meta.concrete_fields if f.attname == attname)
    return field.to_python(value) if value is not None else None


def _still_as_left(record: models.Model, changes: dict[str, list[Any]]) -> None:
    """Refuse if the record no longer holds what the change left (someone edited it since)."""
    now = snapshot(record)
    if "purposes" in changes:
        now["purposes"] = sorted(record.purposes.values_list("slug", flat=True))
    moved = [name for name, (_before, after) in changes.items() if now.get(name) != after]
    if moved:
        names = ", ".join(name.replace("_", " ") for name in moved)
        raise ValidationError(
            gettext(
                "This record was changed again since (%(fields)s). Undo the later change first, or edit it directly."
            )
            % {"fields": names}
        )


def _undo_edit(actor: Actor, record: models.Model, changes: dict[str, list[Any]]) -> None:
    from associations.models import Association
    from associations.services import association_update
    from links.models import Link, StatusEvent
    from links.services import link_update, status_event_update
    from places.models import Institution, Place
    from places.services import institution_update, place_update
    from sources.models import Source
    from sources.services import source_update

    blocked = [NOT_REVERTIBLE[name] for name in changes if name in NOT_REVERTIBLE]
    if blocked:
        raise ValidationError(blocked[0])
    if "party_row" in changes:
        _undo_party_change(actor, record, changes)
        return
    if "parties" in changes:  # logged before parties kept their row: nothing exact to undo with
        raise ValidationError(
            gettext("This change of a link's parties is undone by editing its parties (in the admin).")
        )
    _still_as_left(record, changes)
    before = {name: values[0] for name, values in changes.items()}
    version = record.version
    if isinstance(record, Link):
        purposes = before.pop("purposes", None)
        values = {name: _python(record, name, value) for name, value in before.items()}
        dates = {}
        for name in ("first_contact", "agreement"):
            if name in values or f"{name}_precision" in values:
                start = values.pop(name, getattr(record, name))
                precision = values.pop(f"{name}_precision", getattr(record, f"{name}_precision"))
                dates[name] = PartialDate.from_fields(start, precision)
        if "parent_id" in values:
            values["parent"] = Link.all_objects.filter(pk=values.pop("parent_id")).first()
        link_update(actor=actor, link=record, expected_version=version, purposes=purposes, **dates, **values)
    elif isinstance(record, StatusEvent):
        values = {name: _python(record, name, value) for name, value in before.items()}
        when = None
        if "date" in values or "date_precision" in values:
            when = PartialDate(values.pop("date", record.date), values.pop("date_precision", record.date_precision))
        status_event_update(actor=actor, event=record, expected_version=version, when=when, **values)
    else:
        updates = {Place: place_update, Institution: institution_update, Source: source_update}
        update = next((fn for model, fn in updates.items() if isinstance(record, model)), None)
        keyword = type(record).__name__.lower()
        if isinstance(record, Association):
            update, keyword = association_update, "association"
        if update is None:
            raise ValidationError(
                gettext("Changes to a %(kind)s cannot be undone here.") % {"kind": record._meta.verbose_name}
            )
        values = {name: _python(record, name, value) for name, value in before.items()}
        update(actor=actor, expected_version=version, **{keyword: record}, **values)


def _undo_party_change(actor: Actor, link: models.Model, changes: dict[str, Any]) -> None:
    """Take away the party a change added, or add back the one it removed."""
    from links.models import Party
    from links.services import party_add, party_remove
    from places.models import Institution, Place

    row = changes["party_row"]
    which = {"place_id": row.get("place_id"), "institution_id": row.get("institution_id")}
    if changes["parties"][0] is None:  # it was added: remove it
        party = Party.objects.filter(link=link, **which).first()
        if party is None:
            raise ValidationError(gettext("That party is no longer on the link: nothing to undo."))
        party_remove(actor=actor, party=party)
    else:  # it was removed: add it back, with its role
        if row.get("institution_id"):
            party = Institution.objects.get(pk=row["institution_id"])
        else:
            party = Place.objects.get(pk=row["place_id"])
        party_add(actor=actor, link=link, party=party, role=row.get("role", ""))


def _set_removed(actor: Actor, record: models.Model, removed: bool, reason: str) -> None:
    from links.models import Link, StatusEvent
    from links.services import link_remove, link_restore, status_event_remove, status_event_restore

    if isinstance(record, Link):
        (link_remove if removed else link_restore)(actor=actor, link=record, reason=reason)
    elif isinstance(record, StatusEvent):
        (status_event_remove if removed else status_event_restore)(actor=actor, event=record, reason=reason)
    elif hasattr(record, "removed"):
        from audit.services import removed_set

        authorize(actor, Action.REMOVE, record)
        verb = "Removed" if removed else "Restored"
        removed_set(actor=actor, instance=record, removed=removed, summary=f"{verb} {record}")
    else:
        raise ValidationError(
            gettext("A %(kind)s cannot be removed; edit it instead.") % {"kind": record._meta.verbose_name}
        )


def _undo_retraction(actor: Actor, change: ChangeRecord) -> None:
    """A withdrawn citation is cited again, from the copy its retraction kept."""
    from links.models import Link, StatusEvent
    from sources.models import Source
    from sources.services import CitationSpec, citation_add

    kept = change.changes
    target = None
    if kept.get("link_id"):
        target = Link.all_objects.filter(pk=kept["link_id"]).first()
    elif kept.get("status_event_id"):
        target = StatusEvent.all_objects.filter(pk=kept["status_event_id"]).first()
    source = Source.objects.filter(pk=kept.get("source_id")).first()
    if target is None or source is None:
        raise ValidationError(
            gettext("The link or source this citation belonged to is gone; cite the source again by hand.")
        )
    spec = CitationSpec(
        source=source, quote=kept.get("quote", ""), claim=kept.get("claim", ""), locator=kept.get("locator", "")
    )
    citation_add(actor=actor, target=target, spec=spec)


@transaction.atomic
def change_revert(*, actor: Actor, change: ChangeRecord, reason: str) -> ChangeRecord:
    """Undo `change` with a new change whose version names it; returns that new change."""
    authorize(actor, Action.REVERT)
    if not reason.strip():
        raise ValidationError(
            {"reason": gettext("Say why you revert this change: history shows the reason to everyone.")}
        )
    change = ChangeRecord.objects.select_for_update().get(pk=change.pk)
    if Version.objects.filter(reverts=change).exists():
        raise ValidationError(gettext("This change has already been reverted."))
    latest = ChangeRecord.objects.order_by("-id").values_list("id", flat=True).first()
    with provenance(reason=reason.strip(), reverts_id=change.pk):
        if change.action == ChangeAction.RETRACT:
            _undo_retraction(actor, change)
        else:
            record = _record(change)
            if change.action == ChangeAction.CREATE:
                if type(record).__name__ == "Citation":
                    from sources.services import citation_remove

                    citation_remove(actor=actor, citation=record)
                else:
                    _set_removed(actor, record, True, reason.strip())
            elif change.action in (ChangeAction.REMOVE, ChangeAction.RESTORE):
                _set_removed(actor, record, change.action == ChangeAction.RESTORE, reason.strip())
            else:
                _undo_edit(actor, record, change.changes)
    made = ChangeRecord.objects.filter(pk__gt=latest or 0, version__reverts=change).order_by("id").first()
    if made is None:
        raise ValidationError(gettext("There was nothing to undo: the record is already as it was before this change."))
    privileged_action_log(
        actor=actor,
        kind=PrivilegedKind.REVERT,
        summary=f"Reverted change {change.pk}: {change.summary}"[:300],
        target=change,
        reason=reason.strip(),
    )
    return made
