"""Registry rows as the API's JSON. Each reads only what the selectors prefetched: no queries of its own."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, reverse
from django.utils.text import slugify

from core.partial_dates import PartialDate
from links.models import EventCategory, Link, LinkKind, LinkStatus, Party, StatusEvent
from links.selectors import UNKNOWN, StatusOnDate, status_on, timeline
from places.models import Institution, Place
from sources.models import Citation, Source

STATUS_LABELS = {s.value: s.label for s in LinkStatus} | {UNKNOWN: "status not recorded"}


def partial_date(value: PartialDate | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "iso": value.iso(),
        "precision": value.precision,
        "start": value.start,
        "end": value.end,
        "text": str(value),
    }


# reverse() costs ~0.1 ms and a page of links needs hundreds of URLs: each URL name is reversed
# once (per script prefix) with marker values, and the markers replaced after.
_PK_MARK = 918273645
_SLUG_MARK = "zqslugmarkzq"


@lru_cache(maxsize=32)
def _url_template(name: str, script_prefix: str, pk_name: str, with_slug: bool) -> str:
    kwargs: dict[str, Any] = {pk_name: _PK_MARK} | ({"slug": _SLUG_MARK} if with_slug else {})
    return reverse(name, kwargs=kwargs)


def api_url(name: str, pk: int) -> str:
    """reverse(f"api:{name}", kwargs={"id": pk}), fast."""
    return _url_template(f"api:{name}", get_script_prefix(), "id", False).replace(str(_PK_MARK), str(pk), 1)


def _web_url(name: str, pk: int, slug: str) -> str:
    template = _url_template(name, get_script_prefix(), "pk", True)
    return template.replace(str(_PK_MARK), str(pk), 1).replace(_SLUG_MARK, slug, 1)


# The same URLs as the models' get_absolute_url() (a test checks that they agree).
def link_web_url(link: Link, title: str) -> str:
    return _web_url("links:detail", link.pk, slugify(title)[:80] or "link")


def place_web_url(place: Place) -> str:
    return _web_url("places:detail", place.pk, slugify(place.name) or "place")


def source_web_url(source: Source) -> str:
    return _web_url("sources:detail", source.pk, slugify(source.title)[:60] or "source")


def place_ref(place: Place) -> dict[str, Any]:
    return {
        "id": place.pk,
        "name": place.name,
        "kind": place.kind,
        "country": place.country,
        "country_name": place.country_name,
        "subdivision": place.subdivision,
        "geonames_id": place.geonames_id,
        "api_url": api_url("place_detail", place.pk),
        "web_url": place_web_url(place),
    }


def place_out(place: Place) -> dict[str, Any]:
    return place_ref(place) | {
        "kind_label": place.get_kind_display(),
        "subdivision_name": place.subdivision_name,
        "latitude": None if place.latitude is None else float(place.latitude),
        "longitude": None if place.longitude is None else float(place.longitude),
        "population": place.population,
    }


def institution_out(institution: Institution) -> dict[str, Any]:
    return {
        "id": institution.pk,
        "name": institution.name,
        "kind": institution.kind,
        "kind_label": institution.get_kind_display(),
    }


def party_out(party: Party) -> dict[str, Any]:
    home = party.home_place
    return {
        "type": "institution" if party.institution_id else "place",
        "name": party.name,
        "role": party.role,
        "place": place_ref(home),
        "institution": institution_out(party.institution) if party.institution_id else None,
        "country": home.country,
        "geonames_id": home.geonames_id,
    }


def status_brief(status: str | None, on: dt.date) -> dict[str, Any]:
    status = status or UNKNOWN
    return {"on": on, "status": status, "label": str(STATUS_LABELS.get(status, status))}  # labels are lazy


def status_out(answer: StatusOnDate, on: dt.date) -> dict[str, Any]:
    return status_brief(answer.status, on) | {
        "label": answer.label,
        "certain": answer.certain,
        "inferred": answer.inferred,
        "since": partial_date(answer.event.when) if answer.event else None,
        "event_id": answer.event.pk if answer.event else None,
    }


def link_ref(link: Link, on: dt.date) -> dict[str, Any]:
    """A link in a list of links: needs prefetched parties and a `status_on_date` annotation."""
    title = link.title
    return {
        "id": link.pk,
        "title": title,
        "kind": link.kind,
        "status": status_brief(getattr(link, "status_on_date", None), on),
        "api_url": api_url("link_detail", link.pk),
        "web_url": link_web_url(link, title),
    }


def link_out(link: Link, on: dt.date) -> dict[str, Any]:
    """A link with its parties and purposes (prefetched by with_list_data) and status on `on` (annotated)."""
    title = link.title
    return {
        "id": link.pk,
        "title": title,
        "name": link.name,
        "kind": link.kind,
        "kind_label": str(LinkKind(link.kind).label),
        "parties": [party_out(p) for p in link.parties.all()],
        "purposes": [{"slug": p.slug, "name": p.name} for p in link.purposes.all()],
        "first_contact": partial_date(link.first_contact_on),
        "agreement": partial_date(link.agreement_on),
        "parent_id": link.parent_id,
        "status": status_brief(getattr(link, "status_on_date", None), on),
        "api_url": api_url("link_detail", link.pk),
        "web_url": link_web_url(link, title),
    }


def source_ref(source: Source) -> dict[str, Any]:
    return {
        "id": source.pk,
        "title": source.title,
        "publisher": source.publisher,
        "url": source.url,
        "published": partial_date(source.published_on),
        "api_url": api_url("source_detail", source.pk),
    }


def source_out(source: Source) -> dict[str, Any]:
    return source_ref(source) | {
        "kind": source.kind,
        "kind_label": source.get_kind_display(),
        "author": source.author,
        "citation_count": source.citation_count,
        "web_url": source_web_url(source),
    }


def citation_out(citation: Citation) -> dict[str, Any]:
    return {
        "id": citation.pk,
        "source": source_ref(citation.source),
        "claim": citation.claim,
        "quote": citation.quote,
        "locator": citation.locator,
    }


def event_out(event: StatusEvent, label: str) -> dict[str, Any]:
    return {
        "id": event.pk,
        "date": partial_date(event.when),
        "sequence": event.sequence,
        "status": event.status,
        "status_label": event.get_status_display(),
        "label": label,
        "resulting_status": event.resulting_status,
        "reason": event.reason,
        "category": event.category,
        "category_label": str(EventCategory(event.category).label) if event.category else "",
        "deciding_body": event.deciding_body,
        "decision_note": event.decision_note,
        "citations": [citation_out(c) for c in event.citations.all()],
    }


def review_summary_out(review: Any) -> dict[str, Any]:
    """A political-dispute review's published summary: never its private answers."""
    return {
        "owner": review.owner_name,
        "owner_kind": "association" if review.association_id else "council",
        "summary": review.public_summary,
        "published_at": review.published_at,
    }


def activity_out(activity: Any) -> dict[str, Any]:
    party = activity.travelling_party
    return {
        "id": activity.pk,
        "kind": activity.kind,
        "kind_label": activity.get_kind_display(),
        "title": activity.title,
        "date": partial_date(activity.when),
        "description": activity.description,
        "travelling_party": party.name if party is not None else None,
        "participants": activity.participants,
        "participants_under_30": activity.participants_under_30,
        "cost": str(activity.cost) if activity.cost is not None else None,
        "cost_currency": activity.cost_currency,
        "source_url": activity.source_url,
    }


def health_out(link: Link) -> dict[str, Any]:
    from health.models import LinkHealth
    from health.selectors import health_label, reasons_in_words

    row = LinkHealth.objects.filter(link=link).first() or LinkHealth(link=link, reasons=["no_sign_of_life"])
    return {
        "state": row.state,
        "state_label": health_label(row.state),
        "reasons": reasons_in_words(row),
        "reason_codes": list(row.reasons),
        "last_activity_on": row.last_activity_on,
        "last_verified_at": row.last_verified_at,
        "last_verified_by": row.last_verified_role,
        "last_verified_answer": row.last_verified_answer,
    }


def link_detail(link: Link, today: dt.date, as_of: dt.date | None) -> dict[str, Any]:
    """A link as links.selectors.link_for_page fetched it, with its status today and on `as_of`."""
    listings, flags = [], []
    for listing in link.listings.all():
        gaps = []
        for gap in listing.gaps.all():
            gaps.append(
                {"source": source_ref(gap.source), "snapshot_date": gap.snapshot_date, "resolved_at": gap.resolved_at}
            )
            if gap.resolved_at is None:
                flags.append(
                    {
                        "message": str(gap),
                        "dataset": listing.dataset,
                        "source": source_ref(gap.source),
                        "since": gap.snapshot_date,
                    }
                )
        listings.append(
            {
                "dataset": listing.dataset,
                "first_listed": listing.first_listed,
                "first_source": source_ref(listing.first_source),
                "last_listed": listing.last_listed,
                "last_source": source_ref(listing.last_source),
                "gaps": gaps,
            }
        )
    from disputes.selectors import published_summaries_of
    from health.selectors import activities_of

    parent = link.parent
    return link_out(link, today) | {
        "description": link.description,
        "endorsing_body": link.endorsing_body,
        "parent": parent_ref(parent, today) if parent else None,
        "sub_links": [link_ref(sub, today) for sub in link.sub_links.all()],
        "status": status_out(status_on(link, today), today),
        "status_on": status_out(status_on(link, as_of), as_of) if as_of else None,
        "events": [event_out(event, label) for _when, label, event in timeline(link)],
        "citations": [citation_out(c) for c in link.citations.all()],
        "listings": listings,
        "needs_verification": flags,
        "activities": [activity_out(a) for a in activities_of(link)],
        "health": health_out(link),
        "review_summaries": [review_summary_out(review) for review in published_summaries_of(link)],
        "version": link.version,
        "created_at": link.created_at,
        "updated_at": link.updated_at,
    }


def parent_ref(parent: Link, today: dt.date) -> dict[str, Any]:
    """The parent link, with its status today (link_for_page does not prefetch its parties: a few queries)."""
    return link_ref(parent, today) | {"status": status_brief(status_on(parent, today).status, today)}
