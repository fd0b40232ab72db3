"""Writes of document templates: moderators edit and translate them; each change is checked and logged."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.policy import Action, authorize
from audit.services import Actor, created_record, versioned_update
from documents.models import DocumentTemplate

TEMPLATE_FIELDS = ["kind", "language", "title", "summary", "body"]


@transaction.atomic
def document_template_create(*, actor: Actor, **fields: Any) -> DocumentTemplate:
    """A new template, or a translation of one (a kind in another language): moderators only."""
    authorize(actor, Action.MODERATE)
    template = DocumentTemplate(**fields)
    created_record(
        actor=actor,
        instance=template,
        fields=TEMPLATE_FIELDS,
        summary=f"Document template {template.kind} ({template.language}): {template.title}",
    )
    return template


@transaction.atomic
def document_template_update(
    *, actor: Actor, template: DocumentTemplate, changes: dict[str, Any], expected_version: int | None
) -> DocumentTemplate:
    authorize(actor, Action.MODERATE)
    versioned_update(
        actor=actor,
        instance=template,
        changes=changes,
        fields=TEMPLATE_FIELDS,
        expected_version=expected_version,
        summary=f"Edited document template {template.kind} ({template.language})",
    )
    return template
