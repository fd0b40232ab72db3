"""The purposes a link can serve, as the brief lists them. Rows are made by migration 0002."""

from __future__ import annotations

PURPOSES: list[tuple[str, str]] = [
    ("peace-reconciliation", "Peace and reconciliation"),
    ("trade-investment", "Trade and investment"),
    ("solidarity", "Solidarity"),
    ("development", "Development cooperation"),
    ("education", "Education"),
    ("culture", "Culture"),
    ("sport", "Sport"),
    ("health", "Health"),
    ("environment", "Environment"),
    ("technical-exchange", "Technical exchange"),
    ("faith", "Faith"),
    ("social-cohesion", "Social cohesion"),
]


def ensure_purposes(purpose_model: type | None = None) -> None:
    """Create any missing purpose rows (the migration does this; so do tests that flush the database)."""
    if purpose_model is None:
        from links.models import Purpose as purpose_model
    for slug, name in PURPOSES:
        purpose_model.objects.update_or_create(slug=slug, defaults={"name": name})
