"""Writes to links, their parties and status events: validate, save, cite and log in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Max, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext

from accounts.policy import Action, NewLink, authorize
from audit.models import ChangeAction
from audit.services import (
    Actor,
    change_record,
    change_records_bulk,
    created_record,
    diff,
    provenance,
    removed_set,
    snapshot,
    versioned_update,
)
from core.partial_dates import PartialDate
from core.versioning import save_versioned
from links.models import UNKNOWN, Link, LinkKind, LinkStatus, Party, Purpose, StatusEvent
from places.models import Institution, Place
from sources.models import Citation
from sources.services import CitationSpec, citation_add

LINK_FIELDS = [
    "name",
    "kind",
    "parent_id",
    "first_contact",
    "first_contact_precision",
    "agreement",
    "agreement_precision",
    "endorsing_body",
    "description",
]
EVENT_FIELDS = [
    "date",
    "date_precision",
    "sequence",
    "status",
    "reason",
    "category",
    "deciding_body",
    "decision_note",
]

PartyLike = Place | Institution | tuple[Place | Institution, str]


def _party_rows(parties: Sequence[PartyLike]) -> list[tuple[Place | Institution, str]]:
    rows = [p if isinstance(p, tuple) else (p, "") for p in parties]
    if len(rows) < 2:
        raise ValidationError(
            {"parties": gettext("A link needs at least two parties. Add the partner place or institution.")}
        )
    seen: set[tuple[str, int]] = set()
    for party, _role in rows:
        key = (type(party).__name__, party.pk)
        if key in seen:
            raise ValidationError(
                {"parties": gettext("%(party)s is listed twice. Each party may appear once.") % {"party": party}}
            )
        seen.add(key)
    return rows


def _place_id(party: Place | Institution) -> int:
    return party.place_id if isinstance(party, Institution) else party.pk


def _set_dates(link: Link, first_contact: PartialDate | None, agreement: PartialDate | None) -> None:
    link.first_contact = first_contact.start if first_contact else None
    link.first_contact_precision = first_contact.precision if first_contact else ""
    link.agreement = agreement.start if agreement else None
    link.agreement_precision = agreement.precision if agreement else ""


def _purposes(slugs: Iterable[str]) -> list[Purpose]:
    slugs = list(slugs)
    found = list(Purpose.objects.filter(slug__in=slugs))
    missing = set(slugs) - {p.slug for p in found}
    if missing:
        known = ", ".join(Purpose.objects.values_list("slug", flat=True))
        raise ValidationError({"purposes": f"Unknown purpose(s): {', '.join(sorted(missing))}. Known: {known}."})
    return found


@transaction.atomic
def link_create(
    *,
    actor: Actor,
    parties: Sequence[PartyLike],
    kind: str,
    citations: Sequence[CitationSpec],
    name: str = "",
    purposes: Iterable[str] = (),
    first_contact: PartialDate | None = None,
    agreement: PartialDate | None = None,
    endorsing_body: str = "",
    description: str = "",
    parent: Link | None = None,
) -> Link:
    """Create a link between two or more parties. Every link cites at least one source."""
    rows = _party_rows(parties)
    authorize(actor, Action.EDIT, NewLink(frozenset(_place_id(party) for party, _ in rows)))
    if not citations:
        raise ValidationError({"citations": gettext("Cite at least one source for this link.")})
    link = Link(name=name, kind=kind, parent=parent, endorsing_body=endorsing_body, description=description)
    _set_dates(link, first_contact, agreement)
    link.full_clean()
    link.save()
    for position, (party, role) in enumerate(rows):
        field = "institution" if isinstance(party, Institution) else "place"
        Party.objects.create(link=link, position=position, role=role, **{field: party})
    link.purposes.set(_purposes(purposes))
    change_record(
        actor=actor,
        action=ChangeAction.CREATE,
        target=link,
        summary=f"Added link {link.title}",
        changes=snapshot(link, LINK_FIELDS) | {"parties": [str(p) for p, _ in rows], "purposes": sorted(purposes)},
    )
    for spec in citations:
        citation_add(actor=actor, target=link, spec=spec)
    return link


@transaction.atomic
def link_update(
    *,
    actor: Actor,
    link: Link,
    expected_version: int | None = None,
    first_contact: PartialDate | None | type[...] = ...,
    agreement: PartialDate | None | type[...] = ...,
    purposes: Iterable[str] | None = None,
    **changes: object,
) -> Link:
    """Edit a link's own fields. Fails with EditConflict if someone saved it since `expected_version`."""
    authorize(actor, Action.EDIT, link)
    allowed = {"name", "kind", "parent", "endorsing_body", "description"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"Unknown link fields: {sorted(unknown)}")
    before = snapshot(link, LINK_FIELDS)
    before_purposes = sorted(link.purposes.values_list("slug", flat=True))
    for field, value in changes.items():
        setattr(link, field, value)
    _set_dates(
        link,
        link.first_contact_on if first_contact is ... else first_contact,
        link.agreement_on if agreement is ... else agreement,
    )
    link.full_clean()
    _check_events_not_before(link)
    save_versioned(link, expected_version=expected_version, fields=[link._meta.get_field(f).name for f in LINK_FIELDS])
    changed = diff(before, snapshot(link, LINK_FIELDS))
    if purposes is not None:
        link.purposes.set(_purposes(purposes))
        after_purposes = sorted(purposes)
        if after_purposes != before_purposes:
            changed["purposes"] = [before_purposes, after_purposes]
    change_record(
        actor=actor, action=ChangeAction.UPDATE, target=link, summary=f"Edited link {link.title}", changes=changed
    )
    return link


def _check_events_not_before(link: Link) -> None:
    began = link.began_on
    if not began:
        return
    for event in link.events.all():
        if event.when.end < began.start:
            raise ValidationError(
                gettext(
                    "The link would begin (%(began)s) after its status event '%(event)s on %(when)s'. "
                    "Correct the event's date first, or check the link's dates."
                )
                % {"began": began, "event": event.get_status_display(), "when": event.when}
            )


@transaction.atomic
def party_add(*, actor: Actor, link: Link, party: Place | Institution, role: str = "") -> Party:
    authorize(actor, Action.EDIT, link)
    field = "institution" if isinstance(party, Institution) else "place"
    if link.parties.filter(**{field: party}).exists():
        raise ValidationError(gettext("%(party)s is already a party to this link.") % {"party": party})
    position = (link.parties.aggregate(m=Max("position"))["m"] or 0) + 1
    row = Party(link=link, position=position, role=role, **{field: party})
    row.full_clean()
    row.save()
    change_record(
        actor=actor,
        action=ChangeAction.UPDATE,
        target=link,
        summary=f"Added party {party} to {link}",
        # The row itself too, so that a revert can take exactly this party away again.
        changes={"parties": [None, str(party)], "party_row": snapshot(row)},
    )
    return row


@transaction.atomic
def party_update(*, actor: Actor, party: Party, role: str) -> Party:
    """Change what a party's role is described as (the party itself is replaced with add/remove)."""
    authorize(actor, Action.EDIT, party)
    before = party.role
    party.role = role
    party.full_clean()
    party.save(update_fields=["role"])
    change_record(
        actor=actor,
        action=ChangeAction.UPDATE,
        target=party.link,
        summary=f"Changed the role of {party} in {party.link}",
        changes={"party_role": [before, role]},
    )
    return party


@transaction.atomic
def party_remove(*, actor: Actor, party: Party) -> None:
    """Remove a party, keeping at least two; the change log keeps what was removed."""
    authorize(actor, Action.EDIT, party)
    link = party.link
    if link.parties.count() <= 2:
        raise ValidationError(gettext("A link needs at least two parties; add another before removing this one."))
    change_record(
        actor=actor,
        action=ChangeAction.UPDATE,
        target=link,
        summary=f"Removed party {party} from {link}",
        changes={"parties": [str(party), None], "party_row": snapshot(party)},
    )
    party.delete()


@transaction.atomic
def status_event_record(
    *,
    actor: Actor,
    link: Link,
    when: PartialDate,
    status: str,
    citations: Sequence[CitationSpec],
    reason: str = "",
    category: str = "",
    deciding_body: str = "",
    decision_note: str = "",
    sequence: int | None = None,
) -> StatusEvent:
    """Record a dated change of a link's status. A status change must cite its source."""
    authorize(actor, Action.RECORD_DECISION, link)
    if not citations:
        raise ValidationError(
            {"citations": "A status change must cite its source (a council minute, letter, article ...)."}
        )
    if status not in LinkStatus.values:
        raise ValidationError({"status": f"'{status}' is not a status. Use one of: {', '.join(LinkStatus.values)}."})
    # Lock the link row so that two events recorded at once get distinct sequence numbers.
    Link.objects.select_for_update().filter(pk=link.pk).first()
    if sequence is None:
        last = link.events.filter(date=when.start).aggregate(m=Max("sequence"))["m"]
        sequence = 0 if last is None else last + 1
    event = StatusEvent(
        link=link,
        date=when.start,
        date_precision=when.precision,
        sequence=sequence,
        status=status,
        reason=reason,
        category=category,
        deciding_body=deciding_body,
        decision_note=decision_note,
    )
    created_record(
        actor=actor,
        instance=event,
        fields=EVENT_FIELDS,
        summary=_english(lambda: f"{link.title}: {event.get_status_display()} on {when}"),
    )
    for spec in citations:
        citation_add(actor=actor, target=event, spec=spec)
    current_status_refresh(Link.all_objects.filter(pk=link.pk))
    return event


@transaction.atomic
def status_event_update(
    *,
    actor: Actor,
    event: StatusEvent,
    expected_version: int | None = None,
    when: PartialDate | None = None,
    **changes: object,
) -> StatusEvent:
    authorize(actor, Action.RECORD_DECISION, event)
    if set(changes) & {"date", "date_precision"}:
        raise TypeError("Give the date as `when` (a PartialDate).")
    if when is not None:
        changes |= {"date": when.start, "date_precision": when.precision}
    event = versioned_update(
        actor=actor,
        instance=event,
        changes=changes,
        fields=EVENT_FIELDS,
        expected_version=expected_version,
        summary=f"{event.link.title}: edited event {event}",
    )
    current_status_refresh(Link.all_objects.filter(pk=event.link_id))
    return event


@transaction.atomic
def link_remove(*, actor: Actor, link: Link, reason: str) -> Link:
    """Remove a link (it never existed, or was vandalism): hidden everywhere, kept, restorable."""
    authorize(actor, Action.REMOVE, link)
    if not reason.strip():
        raise ValidationError({"reason": gettext("Say why the link is removed: history shows the reason to everyone.")})
    with provenance(reason=reason):
        return removed_set(actor=actor, instance=link, removed=True, summary=f"Removed link {link.title}")


@transaction.atomic
def link_restore(*, actor: Actor, link: Link, reason: str = "") -> Link:
    authorize(actor, Action.REMOVE, link)
    with provenance(reason=reason):
        return removed_set(actor=actor, instance=link, removed=False, summary=f"Restored link {link.title}")


@transaction.atomic
def status_event_remove(*, actor: Actor, event: StatusEvent, reason: str) -> StatusEvent:
    """Remove an event recorded in error: the link's status and timeline leave it out; history keeps it."""
    authorize(actor, Action.REMOVE, event)
    if not reason.strip():
        raise ValidationError({"reason": gettext("Say why the status change is removed: history shows the reason.")})
    with provenance(reason=reason):
        removed_set(actor=actor, instance=event, removed=True, summary=f"{event.link.title}: removed event {event}")
    current_status_refresh(Link.all_objects.filter(pk=event.link_id))
    return event


@transaction.atomic
def status_event_restore(*, actor: Actor, event: StatusEvent, reason: str = "") -> StatusEvent:
    authorize(actor, Action.REMOVE, event)
    with provenance(reason=reason):
        removed_set(actor=actor, instance=event, removed=False, summary=f"{event.link.title}: restored event {event}")
    current_status_refresh(Link.all_objects.filter(pk=event.link_id))
    return event


def party_locations_refresh(parties: QuerySet[Party]) -> int:
    """Copy each party's home place's country and subdivision onto it (Party.country), in one UPDATE.

    Called in the same transaction when a place changes country or subdivision, or an institution
    moves to another place; returns how many parties were updated.
    """

    def of_home(column: str) -> Coalesce:
        own = Place.objects.filter(pk=OuterRef("place_id")).values(column)[:1]
        institutions = Place.objects.filter(institutions__pk=OuterRef("institution_id")).values(column)[:1]
        return Coalesce(Subquery(own), Subquery(institutions))

    return parties.update(country=of_home("country"), subdivision=of_home("subdivision"))


def current_status_refresh(links: QuerySet[Link]) -> int:
    """Set Link.current_status of `links` from their latest events, in one UPDATE; returns how many.

    Every write of an event calls it for its link, in the same transaction; bulk loaders that
    write events directly call it once for all they loaded. It is derived data, so it does not
    count as an edit of the link (no version bump, no change record).
    """
    latest = (
        StatusEvent.objects.filter(link=OuterRef("pk"))
        .order_by("-date", "-sequence", "-id")
        .annotate(
            resulting=Case(When(status=LinkStatus.REAFFIRMED, then=Value(LinkStatus.ACTIVE)), default=F("status"))
        )
        .values("resulting")[:1]
    )
    return links.update(current_status=Coalesce(Subquery(latest), Value(UNKNOWN)))


@dataclass(frozen=True)
class LinkSpec:
    """One link of a bulk load: its parties (places or institutions), kind, dates and purposes."""

    parties: tuple[Place | Institution, ...]
    kind: str = LinkKind.UNSPECIFIED
    first_contact: PartialDate | None = None
    agreement: PartialDate | None = None
    purposes: tuple[str, ...] = ()


@transaction.atomic
def links_create_bulk(*, actor: Actor, specs: Sequence[LinkSpec], citation: CitationSpec) -> list[Link]:
    """Create many links at once (imports, the scale generator), each citing `citation`, logged like any write.

    The bulk path of link_create: each link is checked as link_create checks it (two or more
    distinct parties, a known kind and purposes, dates in order and not in the future) before
    anything is written, and the database constraints still apply.
    """
    authorize(actor, Action.EDIT, None)  # bulk loads: processes, or moderators and admins
    links = []
    for spec in specs:
        if len(spec.parties) < 2 or len({(type(p), p.pk) for p in spec.parties}) < len(spec.parties):
            names = " – ".join(str(p) for p in spec.parties)
            raise ValidationError(f"A link needs two or more different parties; got {names}.")
        if spec.kind not in LinkKind.values:
            raise ValidationError(f"'{spec.kind}' is not a kind of link. Use one of: {', '.join(LinkKind.values)}.")
        link = Link(kind=spec.kind)
        _set_dates(link, spec.first_contact, spec.agreement)
        link.clean()
        links.append(link)
    purposes = {p.slug: p for p in _purposes({slug for spec in specs for slug in spec.purposes})}
    Link.objects.bulk_create(links)
    Party.objects.bulk_create(
        Party(
            link=link, position=position, **{"institution" if isinstance(party, Institution) else "place": party}
        ).locate()
        for link, spec in zip(links, specs, strict=True)
        for position, party in enumerate(spec.parties)
    )
    Link.purposes.through.objects.bulk_create(
        Link.purposes.through(link_id=link.pk, purpose_id=purposes[slug].pk)
        for link, spec in zip(links, specs, strict=True)
        for slug in spec.purposes
    )
    cited = Citation.objects.bulk_create(
        Citation(
            link=link, source=citation.source, claim=citation.claim, quote=citation.quote, locator=citation.locator
        )
        for link in links
    )
    change_records_bulk(
        actor=actor,
        action=ChangeAction.CREATE,
        targets=links,
        summaries=[f"Added link {' – '.join(p.name for p in spec.parties)} from {citation.source}" for spec in specs],
        changes=[_bulk_link_changes(link, spec) for link, spec in zip(links, specs, strict=True)],
    )
    change_records_bulk(  # each citation is logged, as citation_add and citations_add_bulk log theirs
        actor=actor,
        action=ChangeAction.CREATE,
        targets=cited,
        summaries=[f"Cited {citation.source} for link {c.link_id}"[:300] for c in cited],
    )
    return links


def _english(make):
    """`make()` in English: the change log is written in English whatever the language of the page
    that made the change (a date is "22 March 2022" there, not "22 mars 2022")."""
    with translation.override(settings.LANGUAGE_CODE):
        return make()


def _bulk_link_changes(link: Link, spec: LinkSpec) -> dict[str, object]:
    changes: dict[str, object] = {"parties": [str(p) for p in spec.parties], "kind": spec.kind}
    for field in ("first_contact", "agreement"):
        if getattr(link, field):
            changes[field] = _english(lambda field=field: str(getattr(link, f"{field}_on")))
    if spec.purposes:
        changes["purposes"] = sorted(spec.purposes)
    return changes


def links_create_imported(
    *, actor: Actor, pairs: Sequence[tuple[Place, Place]], citation: CitationSpec, kind: str = LinkKind.UNSPECIFIED
) -> list[Link]:
    """Create many two-party links from an imported list, each citing the list (see links_create_bulk)."""
    return links_create_bulk(
        actor=actor, specs=[LinkSpec(parties=pair, kind=kind) for pair in pairs], citation=citation
    )


def _titles(link_ids: Iterable[int]) -> dict[int, str]:
    """Link.title for many links in one query per 5,000 (a link's name, else its parties' names)."""
    ids = sorted(set(link_ids))
    names: dict[int, list[str]] = {pk: [] for pk in ids}
    own: dict[int, str] = {}
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        own |= dict(Link.objects.filter(pk__in=chunk).exclude(name="").values_list("pk", "name"))
        rows = Party.objects.filter(link__in=chunk).order_by("link", "position", "id")
        for link_id, place, institution in rows.values_list("link_id", "place__name", "institution__name"):
            names[link_id].append(institution or place)
    return {pk: own.get(pk) or " – ".join(names[pk]) or f"Link {pk}" for pk in ids}


@dataclass(frozen=True)
class EventSpec:
    """One status event of a bulk load."""

    link: Link
    when: PartialDate
    status: str
    category: str = ""
    reason: str = ""
    sequence: int = 0


@transaction.atomic
def status_events_create_bulk(*, actor: Actor, specs: Sequence[EventSpec], citation: CitationSpec) -> list[StatusEvent]:
    """Record many dated status changes at once (imports, the scale generator), each citing `citation`.

    The bulk path of status_event_record: each event is checked as it checks one (a known status,
    a date stored as its period's first day, not in the future, not before the link began) before
    anything is written; the database keeps (link, date, sequence) unique. The links'
    current_status is refreshed once, at the end, in the same transaction.
    """
    authorize(actor, Action.RECORD_DECISION, None)  # bulk loads: processes, or moderators and admins
    events = []
    for spec in specs:
        if spec.status not in LinkStatus.values:
            raise ValidationError(f"'{spec.status}' is not a status. Use one of: {', '.join(LinkStatus.values)}.")
        event = StatusEvent(
            link=spec.link,
            date=spec.when.start,
            date_precision=spec.when.precision,
            sequence=spec.sequence,
            status=spec.status,
            category=spec.category,
            reason=spec.reason,
        )
        event.clean()
        events.append(event)
    StatusEvent.objects.bulk_create(events)
    titles = _titles({e.link_id for e in events})
    cited = Citation.objects.bulk_create(
        Citation(
            status_event=event,
            source=citation.source,
            claim=citation.claim,
            quote=citation.quote,
            locator=citation.locator,
        )
        for event in events
    )
    change_records_bulk(
        actor=actor,
        action=ChangeAction.CREATE,
        targets=events,
        summaries=_english(lambda: [f"{titles[e.link_id]}: {e.get_status_display()} on {e.when}" for e in events]),
        changes=_english(lambda: [{"status": e.status, "date": str(e.when), "category": e.category} for e in events]),
    )
    change_records_bulk(  # each citation is logged, as citation_add and citations_add_bulk log theirs
        actor=actor,
        action=ChangeAction.CREATE,
        targets=cited,
        summaries=[f"Cited {citation.source} for status event {c.status_event_id}"[:300] for c in cited],
    )
    link_ids = sorted({e.link_id for e in events})
    for start in range(0, len(link_ids), 5000):
        current_status_refresh(Link.objects.filter(pk__in=link_ids[start : start + 5000]))
    return events
