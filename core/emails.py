"""What the hub's emails share: who the moderators are, a plain-text message, and sending once.

Emails are sent by background tasks after the change they tell of is committed; a task may run twice
(a retry, a second enqueue), so each email is sent under a key naming the event and its recipient
(core.models.SentEmail, the one send-once record of the hub's emails), and a key found means
it went before. Used by the knowledge bank (knowledge/emails.py) and by proposals (proposals/emails.py).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction

from accounts.models import Role
from core.models import SentEmail


def moderators() -> list:
    """The accounts with a live moderator grant that can be emailed (active, with an address), by number."""
    users = get_user_model().objects.filter(
        role_grants__role=Role.MODERATOR, role_grants__revoked_at__isnull=True, is_active=True
    )
    return list(users.exclude(email="").distinct().order_by("pk"))


def one_line(text: str) -> str:
    """Text as a subject may carry it: one line (a line break in a header would be an injection)."""
    return " ".join(text.split())


def plain_message(subject: str, lines: list[str], to: str) -> EmailMessage:
    """A plain-text email from the hub, its subject on one line with the hub's prefix."""
    return EmailMessage(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{one_line(subject)}",
        body="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )


def send_once(key: str, message: EmailMessage) -> bool:
    """Send `message` unless an email under `key` went before; whether it was sent now.

    The key is recorded in the transaction that hands the email to the mail server, last: a mail
    server that refuses it rolls the key back, so a retry sends it then.
    """
    with transaction.atomic():
        _row, created = SentEmail.objects.get_or_create(key=key[:120])
        if not created:
            return False
        message.send()
    return True
