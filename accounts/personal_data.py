"""Everything the hub holds about a person, as one JSON document (UK GDPR: the right of access).

Each part of it comes from a function registered here under a name; other apps add theirs, so
the download grows with the hub without this module knowing every app:

    # in associations/apps.py, AssociationsConfig.ready():
    from accounts import personal_data
    personal_data.register("contact_messages", messages_sent_by, erase=messages_sent_by_forget)

`export(user)` returns anything json.dumps can write (dates become ISO strings). It must return
only this person's data: name other people by role ("an admin"), never by name or address.
`erase(user)`, if given, runs inside account_erase's transaction when the person erases their
account, before their email addresses are deleted (so it can match on them). See docs/PRIVACY.md.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from audit.models import PrivilegedKind
from audit.services import Actor, privileged_action_log

Export = Callable[[AbstractBaseUser], Any]
Erase = Callable[[AbstractBaseUser], None]


@dataclass(frozen=True)
class Part:
    name: str
    export: Export
    erase: Erase | None = None


_parts: dict[str, Part] = {}


def register(name: str, export: Export, *, erase: Erase | None = None) -> None:
    """Add a part to every download (and, with `erase`, to every erasure) under `name`.

    Registering the same functions again (a module imported twice) is harmless; another part
    under a name already taken is a mistake and raises.
    """
    existing = _parts.get(name)
    if existing is not None and (existing.export, existing.erase) != (export, erase):
        raise ValueError(f"A personal data part called {name!r} is already registered.")
    _parts[name] = Part(name=name, export=export, erase=erase)


def parts() -> list[Part]:
    return list(_parts.values())


def personal_data(user: AbstractBaseUser) -> dict[str, Any]:
    """The whole document: when it was made, the notice in force, then each registered part."""
    from accounts import privacy

    document: dict[str, Any] = {
        "about": "Everything Twinning Hub holds about your account, as of exported_at.",
        "exported_at": timezone.now(),
        "privacy_notice_version": privacy.NOTICE.version,
    }
    for part in parts():
        document[part.name] = part.export(user)
    return document


@transaction.atomic
def personal_data_export(*, user: AbstractBaseUser) -> dict[str, Any]:
    """The document for `user`, logged as a privileged action (it holds everything about them)."""
    privileged_action_log(
        actor=Actor(user=user),
        kind=PrivilegedKind.DATA_EXPORT,
        summary=f"Account {user.pk} downloaded its personal data",
        subject_user_id=user.pk,
    )
    return personal_data(user)


def as_json(document: dict[str, Any]) -> str:
    """The document as the download writes it: readable, with dates as ISO 8601 strings."""
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def filename(today: dt.date | None = None) -> str:
    return f"twinning-hub-my-data-{(today or timezone.localdate()).isoformat()}.json"


# ---------------------------------------------------------------- the accounts' own parts


def _someone_else(user: AbstractBaseUser, actor_id: int | None, label: str = "") -> str:
    """Who did something to this account, without naming another person."""
    if actor_id == user.pk:
        return "you"
    if actor_id is None:
        return label or "the hub"
    return "a member of staff"


def _account(user: AbstractBaseUser) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "has_password": user.has_usable_password(),
    }


def _email_addresses(user: AbstractBaseUser) -> list[dict[str, Any]]:
    from allauth.account.models import EmailAddress

    return list(EmailAddress.objects.filter(user=user).order_by("pk").values("email", "verified", "primary"))


def _consents(user: AbstractBaseUser) -> list[dict[str, Any]]:
    from accounts.privacy_models import Consent

    return [
        {"notice_version": c.notice_version, "covers": c.get_covers_display(), "given_at": c.given_at}
        for c in Consent.objects.filter(user=user).order_by("given_at", "pk")
    ]


def _role_grants(user: AbstractBaseUser) -> list[dict[str, Any]]:
    from accounts.models import RoleGrant

    grants = RoleGrant.objects.filter(user=user).select_related("association", "place").order_by("granted_at", "pk")
    return [
        {
            "role": grant.get_role_display(),
            "association": str(grant.association) if grant.association_id else None,
            "place": str(grant.place) if grant.place_id else None,
            "granted_at": grant.granted_at,
            "granted_by": _someone_else(user, grant.granted_by_id, "set up by the hub's operator"),
            "reason": grant.reason,
            "revoked_at": grant.revoked_at,
            "revoked_by": _someone_else(user, grant.revoked_by_id) if grant.revoked_at else None,
        }
        for grant in grants
    ]


def _second_factors(user: AbstractBaseUser) -> list[dict[str, Any]]:
    """That the account has an authenticator, and when it was used: never its secret or codes."""
    from allauth.mfa.models import Authenticator

    return [
        {"type": a.get_type_display(), "created_at": a.created_at, "last_used_at": a.last_used_at}
        for a in Authenticator.objects.filter(user=user).order_by("created_at", "pk")
    ]


def _api_tokens(user: AbstractBaseUser) -> list[dict[str, Any]]:
    """The account's API tokens, without their keys (only a hash is stored, and not given here)."""
    from api.models import ApiToken

    return list(
        ApiToken.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values("name", "key_prefix", "created_at", "last_used_at", "revoked_at")
    )


def _api_tokens_revoke(user: AbstractBaseUser) -> None:
    from api.models import ApiToken
    from api.tokens import api_token_revoke

    for token in ApiToken.objects.filter(user=user, revoked_at=None):
        api_token_revoke(token=token)


def _changes(user: AbstractBaseUser) -> list[dict[str, Any]]:
    """Every change the account made to the registry: when, what, and to which record."""
    from audit.models import ChangeRecord

    rows = (
        ChangeRecord.objects.filter(actor=user)
        .order_by("at", "pk")
        .values("at", "action", "summary", "target_type__app_label", "target_type__model", "target_id")
    )
    return [
        {
            "at": row["at"],
            "action": row["action"],
            "summary": row["summary"],
            "target": {"type": f"{row['target_type__app_label']}.{row['target_type__model']}", "id": row["target_id"]},
        }
        for row in rows.iterator()
    ]


def _privileged_actions(user: AbstractBaseUser) -> list[dict[str, Any]]:
    """The privileged log's entries about this account (role changes, downloads, …)."""
    from audit.models import PrivilegedAction

    rows = PrivilegedAction.objects.filter(subject_user_id=user.pk).order_by("at", "pk")
    return [
        {
            "at": row.at,
            "kind": row.get_kind_display(),
            "summary": row.summary,
            "reason": row.reason,
            "by": _someone_else(user, row.actor_id, row.actor_label),
        }
        for row in rows
    ]


register("account", _account)
register("email_addresses", _email_addresses)
register("consents", _consents)
register("role_grants", _role_grants)
register("second_factors", _second_factors)
register("api_tokens", _api_tokens, erase=_api_tokens_revoke)
register("changes", _changes)
register("privileged_actions_about_you", _privileged_actions)
