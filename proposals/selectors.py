"""Reads of proposals: the moderators' queue, a person's own, and what a proposal would change."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from proposals.models import Proposal, ProposalKind, ProposalStatus

LABELS = {
    "name": _("Name"),
    "kind": _("Kind"),
    "first_contact": _("First contact"),
    "agreement": _("Agreement signed"),
    "endorsing_body": _("Endorsed by"),
    "purposes": _("Purposes"),
    "description": _("Description"),
    "date": _("Date"),
    "status": _("Status"),
    "reason": _("Reason"),
    "deciding_body": _("Who decided"),
    "decision_note": _("How it was decided"),
    "why": _("Why remove it"),
    "places": _("Places"),
    "title": _("Title"),
    "publisher": _("Publisher"),
    "published": _("Published"),
    "url": _("Web address"),
    "document": _("Document"),
    "population": _("Population"),
    "subdivision": _("Region"),
    "note": _("Note"),
    "start_date": _("First day"),
    "end_date": _("Last day"),
    "start_time": _("Starts at"),
    "end_time": _("Ends at"),
    "time_zone": _("Time zone"),
    "place": _("Place"),
    "link": _("Link"),
    "travelling_party": _("Who travelled"),
    "participants": _("People taking part"),
    "participants_under_30": _("Of them, under 30"),
    "cost": _("Cost"),
    "cost_currency": _("Currency"),
}


def pending_proposals() -> QuerySet[Proposal]:
    """Waiting proposals, oldest first (fair to proposers), with what the queue shows."""
    return (
        Proposal.objects.filter(status=ProposalStatus.PENDING)
        .select_related("proposer", "source", "target_type")
        .order_by("created_at", "id")
    )


def proposals_of(user: object) -> QuerySet[Proposal]:
    return Proposal.objects.filter(proposer=user).select_related("decided_by").order_by("-created_at", "-id")


def _current_value(target: object, key: str) -> Any:
    """What the record holds now for a payload key, as the payload writes it."""
    if target is None:
        return ""
    if key in ("first_contact", "agreement"):
        when = getattr(target, f"{key}_on", None)
        return when.iso() if when else ""
    if key == "date" and hasattr(target, "when"):
        return target.when.iso()
    if key == "purposes":
        return sorted(p.slug for p in target.purposes.all())
    return getattr(target, key, "")


def _calendar_event_value(key: str, value: Any) -> str:
    if key == "place":
        from places.models import Place

        return str(Place.objects.filter(pk=value).first() or value)
    if key == "link":
        from links.models import Link

        link = Link.all_objects.filter(pk=value).first()
        return link.title if link else str(value)
    if key == "kind":
        from events.models import EventKind

        return str(EventKind(value).label) if value in EventKind.values else str(value)
    return str(value)


def _activity_value(key: str, value: Any) -> str:
    if key == "kind":
        from health.models import ActivityKind

        return str(ActivityKind(value).label) if value in ActivityKind.values else str(value)
    if key == "travelling_party":
        from links.models import Party

        parties = Party.objects.select_related("place", "institution")
        party = parties.filter(pk=int(value)).first() if str(value).isdigit() else None
        return party.display_name if party else str(value)
    if key == "date":
        from core.partial_dates import PartialDate

        try:
            return str(PartialDate.parse(str(value)))
        except ValueError:
            return str(value)
    return str(value)


def proposal_rows(proposal: Proposal) -> list[tuple[str, str, str]]:
    """(field, now, proposed) for each value the proposal gives: the moderator's comparison."""
    target = proposal.target
    rows = []
    for key, proposed in proposal.payload.items():
        if key == "places":
            from places.models import Place

            proposed = ", ".join(str(p) for p in Place.objects.filter(pk__in=proposed))
        if proposal.kind == ProposalKind.CALENDAR_EVENT_NEW:  # a new event: nothing "now", its place or link named
            rows.append((LABELS.get(key, key), "", _calendar_event_value(key, proposed)))
            continue
        if proposal.kind == ProposalKind.ACTIVITY_NEW:  # a new activity: nothing "now", its kind and party in words
            rows.append((LABELS.get(key, key), "", _activity_value(key, proposed)))
            continue
        now = "" if key in ("why", "places") else _current_value(target, key)
        if key == "status":  # the status in words, in the reader's language
            from links.models import LinkStatus

            now, proposed = (LinkStatus(v).label if v in LinkStatus.values else v for v in (now, proposed))
        shown = [", ".join(v) if isinstance(v, list) else ("" if v is None else str(v)) for v in (now, proposed)]
        rows.append((LABELS.get(key, key.replace("_", " ").capitalize()), shown[0], shown[1]))
    return rows


def proposals_for_export(user: object) -> list[dict[str, Any]]:
    """A person's proposals for their data download: what they proposed, cited and were told.
    The moderator who decided is named by role only."""
    return [
        {
            "proposed_at": proposal.created_at,
            "kind": proposal.get_kind_display(),
            "summary": proposal.summary,
            "values": proposal.payload,
            "note": proposal.reason,
            "source": proposal.source_note or (str(proposal.source) if proposal.source_id else ""),
            "first_hand": proposal.first_hand,
            "status": proposal.get_status_display(),
            "decided_at": proposal.decided_at,
            "decided_by": gettext("a moderator") if proposal.decided_by_id else "",
            "moderators_reason": proposal.decision_reason,
        }
        for proposal in Proposal.objects.filter(proposer=user).select_related("source").order_by("created_at", "id")
    ]
