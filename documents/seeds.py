"""The seed templates (seeds/*.yaml, one file per language), loaded once by migration 0002."""

from __future__ import annotations

from pathlib import Path

import yaml

SEEDS = Path(__file__).resolve().parent / "seeds"


def seed_templates() -> list[dict]:
    """Every seed template as a dict with kind, language, title, summary and body."""
    found = []
    for path in sorted(SEEDS.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
            found.append({**entry, "language": path.stem})
    return found


def seed_templates_load(model=None) -> int:
    """Add each seed template not yet in the database (by kind and language); never changes an edited one.

    Used by migration 0002 (with its historical model) and by tests whose database was flushed.
    Returns how many were added.
    """
    if model is None:
        from documents.models import DocumentTemplate as model
    added = 0
    for entry in seed_templates():
        _, created = model.objects.get_or_create(
            kind=entry["kind"],
            language=entry["language"],
            defaults={"title": entry["title"], "summary": entry.get("summary", ""), "body": entry["body"]},
        )
        added += created
    return added
