"""The kinds of change a person can submit, each applied through the registry's own service.

A change arrives as a payload of plain values (what a form or the API gave); its kind says who
may apply it directly (the policy action and target), how to describe it to a moderator, and
which service makes it. Nothing here writes except through those services, so a change from a
proposal is validated, authorised, versioned and logged exactly as any other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext

from accounts.policy import Action, NewLink
from audit.services import Actor
from core.partial_dates import PartialDate
from links.models import Link, LinkKind, LinkStatus, Party, StatusEvent
from places.models import Place
from proposals.models import ProposalKind
from sources.models import Source, SourceKind
from sources.services import CitationSpec, citation_add, source_create

if TYPE_CHECKING:
    from events.models import Event
    from health.models import Activity


@dataclass(frozen=True)
class Citing:
    """What a change rests on: a source in the registry, a web address or document, or a
    first-hand statement ("I am the secretary of the association") that moderators weigh."""

    source: Source | None = None
    source_note: str = ""
    first_hand: str = ""

    def problem(self) -> str:
        if self.source is None and not self.source_note.strip() and not self.first_hand.strip():
            return gettext(
                "Say where this comes from: a web address, a document (such as council minutes), or, if you "
                "know it first-hand, how (for example 'I am the secretary of the association')."
            )
        return ""

    @property
    def words(self) -> str:
        if self.source is not None:
            return str(self.source)
        return self.source_note.strip() or f"First-hand: {self.first_hand.strip()}"


def source_for(actor: Actor, citing: Citing) -> Source:
    """The registry source a change cites: the one given, one already holding that address, or a new one.

    A first-hand statement becomes a source that says only that someone involved told the hub;
    the statement itself stays with the change's version, for moderators.
    """
    if citing.source is not None:
        return citing.source
    note = citing.source_note.strip()
    if note.startswith(("http://", "https://")):
        existing = Source.objects.filter(url=note).first()
        if existing is not None:
            return existing
        return source_create(actor=actor, title=note[:500], kind=SourceKind.WEBSITE, url=note[:1000])
    if note:
        return source_create(actor=actor, title=note[:500], kind=SourceKind.OTHER, document=note[:300])
    return source_create(
        actor=actor,
        title="A first-hand account given to the Twinning Hub by someone involved",
        kind=SourceKind.FIRST_HAND,
    )


def _date(value: object) -> PartialDate | None:
    return PartialDate.parse(str(value)) if value not in (None, "") else None


@dataclass(frozen=True)
class ChangeKind:
    kind: str
    direct_action: Action
    # The record the policy judges (a link, an event, a place …, or a NewLink for a new link).
    policy_target: Callable[[models.Model | None, dict[str, Any]], object]
    # Make the change through the registry's service; returns the record changed or created.
    apply: Callable[[Actor, models.Model | None, dict[str, Any], Citing, int | None], models.Model]
    describe: Callable[[models.Model | None, dict[str, Any]], str]


# ---------------------------------------------------------------- links


LINK_EDITABLE = {"name", "kind", "description", "endorsing_body", "first_contact", "agreement", "purposes"}


def _link_change(actor: Actor, link: Link, payload: dict[str, Any], citing: Citing, version: int | None) -> Link:
    from links.services import link_update

    unknown = set(payload) - LINK_EDITABLE
    if unknown:
        raise ValidationError(gettext("A link has no field(s) called %(fields)s.") % {"fields": _names(unknown)})
    changes = {k: v for k, v in payload.items() if k in {"name", "kind", "description", "endorsing_body"}}
    dates = {k: _date(payload[k]) for k in ("first_contact", "agreement") if k in payload}
    link = link_update(
        actor=actor, link=link, expected_version=version, purposes=payload.get("purposes"), **dates, **changes
    )
    citation_add(actor=actor, target=link, spec=CitationSpec(source=source_for(actor, citing)))
    return link


def _link_new(actor: Actor, _target: None, payload: dict[str, Any], citing: Citing, _version: int | None) -> Link:
    from links.services import link_create

    places = list(Place.objects.filter(pk__in=payload.get("places", [])))
    if len(places) != len(set(payload.get("places", []))) or len(places) < 2:
        raise ValidationError(gettext("Choose two different places that are in the registry."))
    return link_create(
        actor=actor,
        parties=places,
        kind=payload.get("kind") or LinkKind.UNSPECIFIED,
        name=payload.get("name", ""),
        description=payload.get("description", ""),
        purposes=payload.get("purposes", []),
        first_contact=_date(payload.get("first_contact")),
        agreement=_date(payload.get("agreement")),
        citations=[CitationSpec(source=source_for(actor, citing))],
    )


def _link_remove(actor: Actor, link: Link, payload: dict[str, Any], citing: Citing, _version: int | None) -> Link:
    from links.services import link_remove

    return link_remove(actor=actor, link=link, reason=payload.get("why", "") or citing.words)


# ---------------------------------------------------------------- status events

EVENT_EDITABLE = {"date", "status", "reason", "category", "deciding_body", "decision_note"}


def _event_values(payload: dict[str, Any]) -> dict[str, Any]:
    unknown = set(payload) - EVENT_EDITABLE
    if unknown:
        raise ValidationError(
            gettext("A status change has no field(s) called %(fields)s.") % {"fields": _names(unknown)}
        )
    values = {k: v for k, v in payload.items() if k != "date"}
    if "date" in payload:
        when = _date(payload["date"])
        if when is None:
            raise ValidationError({"date": gettext("Give the date of the status change (a year is enough).")})
        values["when"] = when
    return values


def _event_new(actor: Actor, link: Link, payload: dict[str, Any], citing: Citing, _version: int | None) -> StatusEvent:
    from links.services import status_event_record

    values = _event_values(payload)
    if "when" not in values or not values.get("status"):
        raise ValidationError(gettext("Give the date and the new status."))
    return status_event_record(
        actor=actor, link=link, citations=[CitationSpec(source=source_for(actor, citing))], **values
    )


def _event_change(
    actor: Actor, event: StatusEvent, payload: dict[str, Any], citing: Citing, version: int | None
) -> StatusEvent:
    from links.services import status_event_update

    event = status_event_update(actor=actor, event=event, expected_version=version, **_event_values(payload))
    citation_add(actor=actor, target=event, spec=CitationSpec(source=source_for(actor, citing)))
    return event


# ---------------------------------------------------------------- sources and places

SOURCE_EDITABLE = {"title", "kind", "publisher", "author", "url", "document", "published", "note"}


def _source_new(actor: Actor, _target: None, payload: dict[str, Any], citing: Citing, _v: int | None) -> Source:
    unknown = set(payload) - SOURCE_EDITABLE
    if unknown:
        raise ValidationError(gettext("A source has no field(s) called %(fields)s.") % {"fields": _names(unknown)})
    values = dict(payload)
    values["published"] = _date(values.get("published"))
    return source_create(actor=actor, **values)


def _source_change(
    actor: Actor, source: Source, payload: dict[str, Any], citing: Citing, version: int | None
) -> Source:
    from sources.services import source_update

    unknown = set(payload) - SOURCE_EDITABLE
    if unknown:
        raise ValidationError(gettext("A source has no field(s) called %(fields)s.") % {"fields": _names(unknown)})
    values = dict(payload)
    if "published" in values:
        when = _date(values.pop("published"))
        values["published"] = when.start if when else None
        values["published_precision"] = when.precision if when else ""
    return source_update(actor=actor, source=source, expected_version=version, **values)


PLACE_EDITABLE = {"name", "subdivision", "population", "note"}


def _place_change(actor: Actor, place: Place, payload: dict[str, Any], citing: Citing, version: int | None) -> Place:
    from places.services import place_update

    unknown = set(payload) - PLACE_EDITABLE
    if unknown:
        raise ValidationError(
            gettext("A place has no field(s) called %(fields)s that can be corrected here.")
            % {"fields": _names(unknown)}
        )
    return place_update(actor=actor, place=place, expected_version=version, **payload)


def _places_in_order(ids: list[int]) -> list[str]:
    places = Place.objects.in_bulk(ids)
    return [str(places[pk]) for pk in ids if pk in places]


def _status_label(status: object) -> str:
    return LinkStatus(status).label if status in LinkStatus.values else "?"


ASSOCIATION_EDITABLE = {"name", "website", "meeting_place", "description"}


def _association_new(actor: Actor, link: Link | None, payload: dict[str, Any], citing: Citing, _v: int | None):
    from associations.services import association_create

    unknown = set(payload) - ASSOCIATION_EDITABLE
    if unknown:
        raise ValidationError(
            gettext("An association has no field(s) called %(fields)s.") % {"fields": _names(unknown)}
        )
    return association_create(actor=actor, links=[link] if link is not None else [], **payload)


def _association_change(actor: Actor, association, payload: dict[str, Any], citing: Citing, version: int | None):
    from associations.services import association_update

    unknown = set(payload) - ASSOCIATION_EDITABLE
    if unknown:
        raise ValidationError(
            gettext("An association has no field(s) called %(fields)s.") % {"fields": _names(unknown)}
        )
    return association_update(actor=actor, association=association, expected_version=version, **payload)


# ---------------------------------------------------------------- calendar events

CALENDAR_EVENT_FIELDS = {
    "title", "kind", "start_date", "end_date", "start_time", "end_time", "time_zone", "url", "description",
    "place", "link",
}  # fmt: skip


def _calendar_event_scope(payload: dict[str, Any]) -> Link | Place | None:
    """The link or place the event is of (None: the whole network's), as the policy judges it."""
    for key, model, missing in (
        ("link", Link, gettext("The link of this event is no longer in the registry.")),
        ("place", Place, gettext("The place of this event is no longer in the registry.")),
    ):
        if payload.get(key) in (None, ""):
            continue
        record = model.objects.filter(pk=int(payload[key])).first() if str(payload[key]).isdigit() else None
        if record is None:
            raise ValidationError(missing)
        return record
    return None


def _parsed(payload: dict[str, Any], key: str, parse: Callable[[str], Any], problem: str) -> Any:
    value = payload.get(key)
    if value in (None, ""):
        return None
    try:
        return parse(str(value))
    except ValueError as exc:
        raise ValidationError({key: problem}) from exc


def _calendar_event_new(actor: Actor, _target: None, payload: dict[str, Any], citing: Citing, _v: int | None) -> Event:
    """Put the proposed event on the calendar, as the approving moderator (or a role that may add it)."""
    from events.services import event_create

    unknown = set(payload) - CALENDAR_EVENT_FIELDS
    if unknown:
        raise ValidationError(gettext("An event has no field(s) called %(fields)s.") % {"fields": _names(unknown)})
    scope = _calendar_event_scope(payload)
    start = _parsed(payload, "start_date", dt.date.fromisoformat, gettext("Give the first day, such as 2027-06-14."))
    if start is None:
        raise ValidationError({"start_date": gettext("Give the first day, such as 2027-06-14.")})
    time_problem = gettext("Give a time such as 19:00.")
    return event_create(
        actor=actor,
        title=str(payload.get("title", "")),
        kind=payload.get("kind") or "other",
        start_date=start,
        end_date=_parsed(payload, "end_date", dt.date.fromisoformat, gettext("Give the last day, such as 2027-06-15.")),
        start_time=_parsed(payload, "start_time", dt.time.fromisoformat, time_problem),
        end_time=_parsed(payload, "end_time", dt.time.fromisoformat, time_problem),
        time_zone=payload.get("time_zone") or "Europe/London",
        url=payload.get("url", ""),
        description=payload.get("description", ""),
        link=scope if isinstance(scope, Link) else None,
        place=scope if isinstance(scope, Place) else None,
    )


def _calendar_event_described(payload: dict[str, Any]) -> str:
    try:
        scope = _calendar_event_scope(payload)
    except ValidationError:
        scope = None
    values = {"title": payload.get("title", ""), "date": payload.get("start_date", "?")}
    if isinstance(scope, Link):
        return gettext("New event of %(scope)s: %(title)s, %(date)s") % (values | {"scope": scope.title})
    if isinstance(scope, Place):
        return gettext("New event in %(scope)s: %(title)s, %(date)s") % (values | {"scope": scope.name})
    return gettext("New event of the whole network: %(title)s, %(date)s") % values


# ---------------------------------------------------------------- activities on a link

ACTIVITY_FIELDS = {
    "kind", "title", "date", "description", "travelling_party", "participants", "participants_under_30", "cost",
    "cost_currency",
}  # fmt: skip


def _whole(payload: dict[str, Any], key: str) -> int | None:
    value = payload.get(key)
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise ValidationError({key: gettext("Give a whole number, such as 12.")})
    return int(value)


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite():
        raise ValueError(text)
    return value


def _activity_party(link: Link, payload: dict[str, Any]) -> Party | None:
    """Who travelled, read from the payload only as a number, and only among this link's parties."""
    value = payload.get("travelling_party")
    if value in (None, ""):
        return None
    party = Party.objects.filter(pk=int(value), link=link).first() if str(value).isdigit() else None
    if party is None:
        raise ValidationError({"travelling_party": gettext("Who travelled must be one of this link's parties.")})
    return party


def _activity_new(actor: Actor, link: Link, payload: dict[str, Any], citing: Citing, _v: int | None) -> Activity:
    """Record the proposed activity on the link, as the approving moderator (or a role that may record it).

    A web address is kept as the activity's own source address, as the direct form keeps it; a document
    or a first-hand statement becomes a registry source, as for any other change.
    """
    from health.services import activity_create

    unknown = set(payload) - ACTIVITY_FIELDS
    if unknown:
        raise ValidationError(gettext("An activity has no field(s) called %(fields)s.") % {"fields": _names(unknown)})
    if link.removed:
        raise ValidationError(gettext("This link was removed from the registry: no activity can be recorded on it."))
    when = _date(payload.get("date"))
    if when is None:
        raise ValidationError({"date": gettext("Give the date of the activity (a year is enough).")})
    cost = _parsed(payload, "cost", _decimal, gettext("Give the cost as a number, such as 3500."))
    note = citing.source_note.strip()
    web = note if citing.source is None and note.startswith(("http://", "https://")) else ""
    return activity_create(
        actor=actor,
        link=link,
        kind=str(payload.get("kind") or "other"),
        title=str(payload.get("title", "")),
        when=when,
        description=str(payload.get("description", "")),
        travelling_party=_activity_party(link, payload),
        participants=_whole(payload, "participants"),
        participants_under_30=_whole(payload, "participants_under_30"),
        cost=cost,
        cost_currency=str(payload.get("cost_currency", "")),
        source=None if web else source_for(actor, citing),
        source_url=web[:1000],
    )


def _activity_described(link: Link, payload: dict[str, Any]) -> str:
    from health.models import ActivityKind

    kind = payload.get("kind")
    return gettext("New activity on %(link)s: %(kind)s on %(date)s, %(title)s") % {
        "link": link.title,
        "kind": ActivityKind(kind).label if kind in ActivityKind.values else gettext("an activity"),
        "date": payload.get("date", "?"),
        "title": payload.get("title", ""),
    }


def _names(fields: set[str]) -> str:
    return ", ".join(sorted(fields))


def _described(payload: dict[str, Any]) -> str:
    return "; ".join(f"{key.replace('_', ' ')}: {value}" for key, value in payload.items() if value not in ("", None))


KINDS: dict[str, ChangeKind] = {
    ProposalKind.ASSOCIATION_NEW: ChangeKind(
        ProposalKind.ASSOCIATION_NEW,
        Action.EDIT,
        lambda _link, _p: None,  # creating an association is for moderators
        _association_new,
        lambda link, p: (
            gettext("New association: %(name)s, running %(link)s") % {"name": p.get("name", ""), "link": link.title}
            if link
            else gettext("New association: %(name)s") % {"name": p.get("name", "")}
        ),
    ),
    ProposalKind.ASSOCIATION_CHANGE: ChangeKind(
        ProposalKind.ASSOCIATION_CHANGE,
        Action.EDIT,
        lambda association, _p: association,
        _association_change,
        lambda association, p: (
            gettext("Correct %(record)s: %(changes)s") % {"record": association, "changes": _described(p)}
        ),
    ),
    ProposalKind.LINK_CHANGE: ChangeKind(
        ProposalKind.LINK_CHANGE,
        Action.EDIT,
        lambda link, _p: link,
        _link_change,
        lambda link, p: gettext("Correct %(record)s: %(changes)s") % {"record": link.title, "changes": _described(p)},
    ),
    ProposalKind.LINK_NEW: ChangeKind(
        ProposalKind.LINK_NEW,
        Action.EDIT,
        lambda _t, p: NewLink(frozenset(int(pk) for pk in p.get("places", []))),
        _link_new,
        lambda _t, p: (
            gettext("New link between %(places)s")
            % {"places": gettext(" and ").join(_places_in_order(p.get("places", [])))}
        ),
    ),
    ProposalKind.LINK_REMOVE: ChangeKind(
        ProposalKind.LINK_REMOVE,
        Action.REMOVE,
        lambda link, _p: link,
        _link_remove,
        lambda link, p: gettext("Remove %(link)s: %(why)s") % {"link": link.title, "why": p.get("why", "")},
    ),
    ProposalKind.EVENT_NEW: ChangeKind(
        ProposalKind.EVENT_NEW,
        Action.RECORD_DECISION,
        lambda link, _p: link,
        _event_new,
        lambda link, p: (
            gettext("%(link)s: %(status)s on %(date)s")
            % {"link": link.title, "status": _status_label(p.get("status")), "date": p.get("date", "?")}
        ),
    ),
    ProposalKind.EVENT_CHANGE: ChangeKind(
        ProposalKind.EVENT_CHANGE,
        Action.RECORD_DECISION,
        lambda event, _p: event,
        _event_change,
        lambda event, p: (
            gettext("%(link)s: correct %(event)s: %(changes)s")
            % {"link": event.link.title, "event": event, "changes": _described(p)}
        ),
    ),
    ProposalKind.SOURCE_NEW: ChangeKind(
        ProposalKind.SOURCE_NEW,
        Action.EDIT,
        lambda _t, _p: Source,
        _source_new,
        lambda _t, p: gettext("New source: %(title)s") % {"title": p.get("title", "")},
    ),
    ProposalKind.SOURCE_CHANGE: ChangeKind(
        ProposalKind.SOURCE_CHANGE,
        Action.EDIT,
        lambda source, _p: source,
        _source_change,
        lambda source, p: (
            gettext("Correct the source %(source)s: %(changes)s") % {"source": source, "changes": _described(p)}
        ),
    ),
    ProposalKind.CALENDAR_EVENT_NEW: ChangeKind(
        ProposalKind.CALENDAR_EVENT_NEW,
        Action.EDIT,
        lambda _t, p: _calendar_event_scope(p),  # a place's council officer adds its events directly
        _calendar_event_new,
        lambda _t, p: _calendar_event_described(p),
    ),
    ProposalKind.ACTIVITY_NEW: ChangeKind(
        ProposalKind.ACTIVITY_NEW,
        Action.EDIT,
        lambda link, _p: link,  # its association's editors and its places' council officers record it directly
        _activity_new,
        _activity_described,
    ),
    ProposalKind.PLACE_CHANGE: ChangeKind(
        ProposalKind.PLACE_CHANGE,
        Action.EDIT,
        lambda place, _p: place,
        _place_change,
        lambda place, p: gettext("Correct %(record)s: %(changes)s") % {"record": place, "changes": _described(p)},
    ),
}
