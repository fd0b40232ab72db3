"""schema.org JSON-LD for place and link pages, so search engines and harvesters read them as data.

schema.org has no type for a twinning, so a link is a Thing about its places, citing its
sources; the places themselves are Places with GeoNames and Wikidata as sameAs.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from api.exports import site_url
from links.models import Link
from links.selectors import status_on
from places.models import Place
from sources.models import Source

_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script(data: dict[str, Any]) -> SafeString:
    """A <script type="application/ld+json"> that no text inside it can break out of."""
    text = json.dumps(data, ensure_ascii=False, indent=1).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


def place_data(place: Place) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@type": "Place",
        "@id": site_url() + place.get_absolute_url(),
        "name": place.name,
        "address": {"@type": "PostalAddress", "addressCountry": place.country},
    }
    if place.latitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(place.latitude),
            "longitude": float(place.longitude),
        }
    same_as = []
    if place.geonames_id:
        same_as.append(f"https://www.geonames.org/{place.geonames_id}")
    if place.wikidata_id:
        same_as.append(f"https://www.wikidata.org/wiki/{place.wikidata_id}")
    if same_as:
        data["sameAs"] = same_as
    return data


def source_data(source: Source) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@type": "CreativeWork",
        "name": source.title,
        "@id": site_url() + source.get_absolute_url(),
    }
    if source.publisher:
        data["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.url:
        data["url"] = source.url
    if source.published_on:
        data["datePublished"] = source.published_on.iso()
    return data


def place_jsonld(place: Place) -> SafeString:
    data = {"@context": "https://schema.org", **place_data(place)}
    citations = [c.source for c in place.citations.all()]
    if citations:
        data["subjectOf"] = [source_data(s) for s in {s.pk: s for s in citations}.values()]
    return script(data)


def link_jsonld(link: Link, today: Any) -> SafeString:
    """Uses the link page's prefetched parties, events and citations: no extra query."""
    sources = {c.source.pk: c.source for c in link.citations.all()}
    for event in link.events.all():
        sources.update({c.source.pk: c.source for c in event.citations.all()})
    status = status_on(link, today)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Thing",
        "@id": site_url() + link.get_absolute_url(),
        "name": link.title,
        "description": link.description or f"{link.get_kind_display()}: {link.title}.",
        "additionalType": "https://www.wikidata.org/wiki/Property:P190",
        "about": [place_data(p.home_place) for p in link.parties.all()],
        "additionalProperty": [
            {"@type": "PropertyValue", "name": "kind", "value": link.get_kind_display()},
            {"@type": "PropertyValue", "name": "status today", "value": status.label},
        ],
        "citation": [source_data(s) for s in sources.values()],
    }
    start = link.agreement_on or link.first_contact_on
    if start:
        data["additionalProperty"].append({"@type": "PropertyValue", "name": "start", "value": start.iso()})
    return script(data)
