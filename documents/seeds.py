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
