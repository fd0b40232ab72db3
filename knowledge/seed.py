"""The knowledge bank's own content: knowledge/data/*.md, each a guide with YAML front matter.

Front matter: `key` (remembered as an ExternalId with scheme "knowledge", so loading twice
creates nothing twice), `kind`, `title`, `summary`, `tags`, optionally `places` and `links`
(keys of the demo data), and `sources`: each a demo source key and the passage quoted from it,
word for word. The body below the front matter is the guide's Markdown. Sources, places and
links come from the demo data (`load_demo_data`), which must be loaded first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from audit.services import Actor, provenance
from core.models import ExternalId
from knowledge import services
from knowledge.models import Guide

DATA_DIR = Path(__file__).resolve().parent / "data"
SCHEME = "knowledge"
DEMO_SCHEME = "demo"


class SeedError(Exception):
    """A data file is malformed or names something the registry does not hold."""


@dataclass
class SeedReport:
    created: int = 0
    unchanged: int = 0


def read(path: Path) -> tuple[dict[str, Any], str]:
    """A file's front matter and its Markdown body."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise SeedError(f"{path.name}: a guide file starts with a '---' line and its front matter.")
    try:
        front, body = text[4:].split("\n---\n", 1)
        meta = yaml.safe_load(front)
    except (ValueError, yaml.YAMLError) as exc:
        raise SeedError(f"{path.name}: the front matter cannot be read ({exc}).") from exc
    for field in ("key", "title", "summary", "sources"):
        if not meta.get(field):
            raise SeedError(f"{path.name}: the front matter needs '{field}'.")
    return meta, body.strip()


def _demo(key: str, where: str) -> Any:
    target = ExternalId.lookup(DEMO_SCHEME, key)
    if target is None:
        raise SeedError(f"{where}: nothing in the registry has the demo key '{key}'. Run load_demo_data first.")
    return target


@transaction.atomic
def load(directory: Path = DATA_DIR) -> SeedReport:
    report = SeedReport()
    actor = Actor.system("knowledge loader")
    for path in sorted(directory.glob("*.md")):
        meta, body = read(path)
        if ExternalId.lookup(SCHEME, meta["key"]) is not None:
            report.unchanged += 1
            continue
        sources = [
            services.SourceSpec(source=_demo(s["source"], path.name), passage=s["passage"]) for s in meta["sources"]
        ]
        with provenance(source_id=sources[0].source.pk, reason="The knowledge bank's own content"):
            guide = services.guide_create(
                actor=actor,
                kind=meta.get("kind", "guide"),
                title=meta["title"],
                summary=meta["summary"],
                body=body,
                tags=meta.get("tags", []),
                sources=sources,
                places=[_demo(k, path.name) for k in meta.get("places", [])],
                links=[_demo(k, path.name) for k in meta.get("links", [])],
            )
        ExternalId.remember(SCHEME, meta["key"], guide)
        report.created += 1
    return report


def guides_loaded() -> int:
    return Guide.objects.filter(pk__in=ExternalId.objects.filter(scheme=SCHEME).values("target_id")).count()
