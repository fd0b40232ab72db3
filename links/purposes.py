"""The purposes a link can serve, as the brief lists them. Rows are made by migration 0002."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

# The names are stored in English (migration 0002); pages show them in the reader's language
# through purpose_name(), so the messages files hold them (gettext_noop marks them for makemessages).
PURPOSES: list[tuple[str, str]] = [
    ("peace-reconciliation", gettext_noop("Peace and reconciliation")),
    ("trade-investment", gettext_noop("Trade and investment")),
    ("solidarity", gettext_noop("Solidarity")),
    ("development", gettext_noop("Development cooperation")),
    ("education", gettext_noop("Education")),
    ("culture", gettext_noop("Culture")),
    ("sport", gettext_noop("Sport")),
    ("health", gettext_noop("Health")),
    ("environment", gettext_noop("Environment")),
    ("technical-exchange", gettext_noop("Technical exchange")),
    ("faith", gettext_noop("Faith")),
    ("social-cohesion", gettext_noop("Social cohesion")),
]


def purpose_name(name: str) -> str:
    """A purpose's stored name in the active language (as stored if the hub has no translation of it)."""
    return gettext(name) if name else name


def ensure_purposes(purpose_model: type | None = None) -> None:
    """Create any missing purpose rows (the migration does this; so do tests that flush the database)."""
    if purpose_model is None:
        from links.models import Purpose as purpose_model
    for slug, name in PURPOSES:
        purpose_model.objects.update_or_create(slug=slug, defaults={"name": name})
