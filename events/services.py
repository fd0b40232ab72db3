"""Writes of calendar events: each checks who may make it, validates, saves and logs, in one transaction.

Who may add, change or remove an event is who may change its link (or, for an event of a place only,
the place's council officers) directly; an event of neither (a conference, an online meet-up of the
whole network) is the moderators'. Any other contributor proposes one (proposals, kind
"calendar_event_new"), and the approving moderator puts it on the calendar through event_create.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.policy import Action, authorize
from audit.services import Actor, created_record, removed_set, versioned_update
from events.models import Event

EVENT_FIELDS = [
    "title",
    "kind",
    "start_date",
    "end_date",
    "start_time",
    "end_time",
    "time_zone",
    "place_id",
    "link_id",
    "url",
    "description",
]


def _target(event: Event) -> object:
    """What the policy judges for an event: its link, else its place, else nothing (the network's)."""
    return event.link or event.place


@transaction.atomic
def event_create(*, actor: Actor, title: str, start_date, **fields: Any) -> Event:
    """Put an event on the calendar (fields: those of EVENT_FIELDS, by model name: place, link …)."""
    event = Event(title=title.strip(), start_date=start_date, **fields)
    authorize(actor, Action.EDIT, _target(event))
    summary = f"Event on {event.start_date}: {event.title}"
    return created_record(actor=actor, instance=event, fields=EVENT_FIELDS, summary=summary)


@transaction.atomic
def event_update(*, actor: Actor, event: Event, changes: dict[str, Any], expected_version: int | None) -> Event:
    authorize(actor, Action.EDIT, _target(event))
    versioned_update(
        actor=actor,
        instance=event,
        changes=changes,
        fields=EVENT_FIELDS,
        expected_version=expected_version,
        summary=f"Edited event {event.title}",
    )
    authorize(actor, Action.EDIT, _target(event))  # and may they move it where it now is
    return event


@transaction.atomic
def event_remove(*, actor: Actor, event: Event, removed: bool = True) -> Event:
    """Take an event off the calendar and its feeds (a cancelled or mistaken one), or put it back.

    Whoever may add the event may remove it: a cancelled visit is its organisers' news, not only the
    moderators'. The row stays, and the removal is a change in its history like any other.
    """
    authorize(actor, Action.EDIT, _target(event))
    return removed_set(actor=actor, instance=event, removed=removed, summary=f"Event {event.title}")
