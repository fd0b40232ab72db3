"""Writes to links, their parties and status events: validate, save, cite and log in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Max, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from audit.models import ChangeAction
from audit.services import Actor, change_record, change_records_bulk, diff, snapshot, versioned_update
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
        raise ValidationError({"parties": "A link needs at least two parties. Add the partner place or institution."})
    seen: set[tuple[str, int]] = set()
    for party, _role in rows:
        key = (type(party).__name__, party.pk)
        if key in seen:
            raise ValidationError({"parties": f"{party} is listed twice. Each party may appear once."})
        seen.add(key)
    return rows


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
    if not citations:
        raise ValidationError({"citations": "Cite at least one source for this link."})
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
                f"The link would begin ({began}) after its status event '{event}'. "
                "Correct the event's date first, or check the link's dates."
            )


@transaction.atomic
def party_add(*, actor: Actor, link: Link, party: Place | Institution, role: str = "") -> Party:
    field = "institution" if isinstance(party, Institution) else "place"
    if link.parties.filter(**{field: party}).exists():
        raise ValidationError(f"{party} is already a party to this link.")
    position = (link.parties.aggregate(m=Max("position"))["m"] or 0) + 1
    row = Party(link=link, position=position, role=role, **{field: party})
    row.full_clean()
    row.save()
    change_record(
        actor=actor,
        action=ChangeAction.UPDATE,
        target=link,
        summary=f"Added party {party} to {link}",
        changes={"parties": [None, str(party)]},
    )
    return row


@transaction.atomic
def party_update(*, actor: Actor, party: Party, role: str) -> Party:
    """Change what a party's role is described as (the party itself is replaced with add/remove)."""
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
    link = party.link
    if link.parties.count() <= 2:
        raise ValidationError("A link needs at least two parties; add another before removing this one.")
    change_record(
        actor=actor,
        action=ChangeAction.UPDATE,
        target=link,
        summary=f"Removed party {party} from {link}",
        changes={"parties": [snapshot(party), None]},
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
    event.full_clean()
    event.save()
    change_record(
        actor=actor,
        action=ChangeAction.CREATE,
        target=event,
        summary=f"{link.title}: {event.get_status_display()} on {when}",
        changes=snapshot(event, EVENT_FIELDS),
    )
    for spec in citations:
        citation_add(actor=actor, target=event, spec=spec)
    current_status_refresh(Link.objects.filter(pk=link.pk))
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
    current_status_refresh(Link.objects.filter(pk=event.link_id))
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


@transaction.atomic
def links_create_imported(
    *, actor: Actor, pairs: Sequence[tuple[Place, Place]], citation: CitationSpec, kind: str = LinkKind.UNSPECIFIED
) -> list[Link]:
    """Create many two-party links from an imported list, each citing the list, logged like any write.

    The bulk path of link_create for imports: the rules it checks per link (two distinct
    parties, a citation) hold by construction here, and the database constraints still apply.
    """
    for first, second in pairs:
        if first.pk == second.pk:
            raise ValidationError(f"A link needs two different parties; {first} is on both sides.")
    links = Link.objects.bulk_create(Link(kind=kind) for _ in pairs)
    Party.objects.bulk_create(
        Party(link=link, place=place, position=position, country=place.country, subdivision=place.subdivision)
        for link, pair in zip(links, pairs, strict=True)
        for position, place in enumerate(pair)
    )
    Citation.objects.bulk_create(
        Citation(
            link=link, source=citation.source, claim=citation.claim, quote=citation.quote, locator=citation.locator
        )
        for link in links
    )
    change_records_bulk(
        actor=actor,
        action=ChangeAction.CREATE,
        targets=links,
        summaries=[f"Added link {a.name} – {b.name} from {citation.source}" for a, b in pairs],
        changes=[{"parties": [str(a), str(b)], "kind": kind} for a, b in pairs],
    )
    return links
