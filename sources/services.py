"""Writes to sources and citations."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models, transaction

from accounts.policy import Action, authorize
from audit.models import ChangeAction
from audit.services import Actor, change_record, change_records_bulk, created_record, snapshot, versioned_update
from core.partial_dates import PartialDate
from sources.models import Citation, Source

SOURCE_FIELDS = ["title", "kind", "publisher", "author", "url", "document", "published", "published_precision", "note"]


@dataclass(frozen=True)
class CitationSpec:
    """What a write cites: a source and the passage of it that supports the fact."""

    source: Source
    quote: str = ""
    claim: str = ""
    locator: str = ""


@transaction.atomic
def source_create(
    *,
    actor: Actor,
    title: str,
    kind: str = "other",
    publisher: str = "",
    author: str = "",
    url: str = "",
    document: str = "",
    published: PartialDate | None = None,
    note: str = "",
) -> Source:
    authorize(actor, Action.EDIT, Source)
    source = Source(
        title=title.strip(),
        kind=kind,
        publisher=publisher,
        author=author,
        url=url,
        document=document,
        published=published.start if published else None,
        published_precision=published.precision if published else "",
        note=note,
    )
    created_record(
        actor=actor,
        instance=source,
        fields=SOURCE_FIELDS,
        summary=f"Added source {source}",
    )
    return source


@transaction.atomic
def source_update(*, actor: Actor, source: Source, expected_version: int | None = None, **changes: object) -> Source:
    authorize(actor, Action.EDIT, source)
    return versioned_update(
        actor=actor,
        instance=source,
        changes=changes,
        fields=SOURCE_FIELDS,
        expected_version=expected_version,
        summary=f"Edited source {source.title}",
    )


def _cited_field(target: models.Model) -> str:
    label = target._meta.label_lower
    return {
        "places.place": "place",
        "places.institution": "institution",
        "links.link": "link",
        "links.statusevent": "status_event",
    }[label]


@transaction.atomic
def citation_add(*, actor: Actor, target: models.Model, spec: CitationSpec) -> Citation:
    """Cite `spec.source` for `target`. Citing the same source for the same fact twice is a no-op."""
    authorize(actor, Action.EDIT, target)
    field = _cited_field(target)
    citation, created = Citation.objects.get_or_create(
        source=spec.source,
        claim=spec.claim,
        quote=spec.quote,
        **{field: target},
        defaults={"locator": spec.locator},
    )
    if created:
        citation.full_clean()
        change_record(
            actor=actor,
            action=ChangeAction.CREATE,
            target=citation,
            summary=f"Cited {spec.source} for {target}"[:300],
            changes={"source": spec.source.pk, field: target.pk, "claim": spec.claim, "quote": spec.quote},
        )
    return citation


@transaction.atomic
def citation_remove(*, actor: Actor, citation: Citation) -> None:
    """Withdraw a citation; the change log keeps its full content so it can be restored."""
    authorize(actor, Action.EDIT, citation)
    target = citation.cited
    change_record(
        actor=actor,
        action=ChangeAction.RETRACT,
        target=citation,
        summary=f"Withdrew citation of {citation.source} for {target}"[:300],
        changes=snapshot(citation),
    )
    citation.delete()


@transaction.atomic
def citations_add_bulk(*, actor: Actor, targets: list[models.Model], spec: CitationSpec) -> int:
    """citation_add for many rows of one kind at once (imports). Returns how many were new."""
    authorize(actor, Action.EDIT, None)
    if not targets:
        return 0
    field = _cited_field(targets[0])
    already = set(
        Citation.objects.filter(
            source=spec.source, claim=spec.claim, quote=spec.quote, **{f"{field}__in": targets}
        ).values_list(f"{field}_id", flat=True)
    )
    new = [
        Citation(source=spec.source, claim=spec.claim, quote=spec.quote, locator=spec.locator, **{field: target})
        for target in targets
        if target.pk not in already
    ]
    Citation.objects.bulk_create(new)
    change_records_bulk(
        actor=actor,
        action=ChangeAction.CREATE,
        targets=new,
        # Named by id: a title would cost a query per link here.
        summaries=[f"Cited {spec.source} for {field.replace('_', ' ')} {getattr(c, f'{field}_id')}"[:300] for c in new],
    )
    return len(new)
