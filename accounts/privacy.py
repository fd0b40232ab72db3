"""The privacy notice and what the hub does under it (UK GDPR): consent to each version of the
notice, erasure of an account at its owner's request, and removal of accounts nobody confirmed.

The notice's text is the template accounts/privacy_notice.html; its version is NOTICE below.
To publish a new version, edit the template and give NOTICE a new version and date: everyone
signed in is then asked, on their account page, to accept it (docs/PRIVACY.md). The download of
a person's data is accounts.personal_data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, ProtectedError, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.models import RoleGrant
from accounts.policy import forget_roles
from accounts.privacy_models import Consent, ConsentScope, Erasure
from audit.models import ChangeRecord, PrivilegedAction, PrivilegedKind
from audit.services import Actor, privileged_action_log


@dataclass(frozen=True)
class PrivacyNotice:
    version: str
    published_on: dt.date
    template: str = "accounts/privacy_notice.html"


# The notice in force. Change both fields when the text changes in substance (not for a typo).
NOTICE = PrivacyNotice(version="1", published_on=dt.date(2026, 11, 22))

# In English here; pages show it translated (gettext(FORMER_MEMBER)).
FORMER_MEMBER = gettext_noop("a former member")


# ---------------------------------------------------------------- who is shown


def erased_username(user_id: int) -> str:
    """The placeholder an erased account's username becomes: unique, and says nothing of the person."""
    return f"former-member-{user_id}"


def is_erased(user: AbstractBaseUser) -> bool:
    """Whether `user` is an erased account, read from the account row alone.

    No query, so a page listing many edits shows their authors cheaply. account_erase sets both
    marks; a person cannot choose their username (allauth makes it from the email address), and an
    active account is never taken for an erased one.
    """
    return not user.is_active and user.get_username() == erased_username(user.pk)


def public_name(user: AbstractBaseUser) -> str:
    """How an account is named beside what it did: "a former member" once it has been erased."""
    return gettext(FORMER_MEMBER) if is_erased(user) else str(user)


# ---------------------------------------------------------------- consent


def consent_needed(user: AbstractBaseUser, *, covers: str = ConsentScope.ACCOUNT) -> bool:
    """Whether a signed-in account has yet to accept the notice in force (a new account has, at sign-up)."""
    return not Consent.objects.filter(user=user, notice_version=NOTICE.version, covers=covers).exists()


def consent_record(*, user: AbstractBaseUser, covers: str = ConsentScope.ACCOUNT) -> Consent:
    """Record that `user` has read the notice in force, now. Saying so twice keeps the first time."""
    consent, _ = Consent.objects.get_or_create(user=user, notice_version=NOTICE.version, covers=covers)
    return consent


# ---------------------------------------------------------------- erasure


@transaction.atomic
def account_erase(*, user: AbstractBaseUser, password: str) -> Erasure:
    """Erase `user`'s account at their own request, once they have typed their password again.

    Everything that identifies the person goes: email addresses, second factors, sessions, the
    password, names; live roles end (logged, as any revocation is), and other apps' parts of their
    data go through their erase hooks (accounts.personal_data). The account row stays, renamed, so
    that what they contributed keeps its history, shown as by "a former member". All or nothing:
    a wrong password changes nothing.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from accounts import personal_data

    account = get_user_model().objects.select_for_update().get(pk=user.pk)
    if is_erased(account) or Erasure.objects.filter(user=account).exists():
        raise ValidationError(_("This account has already been erased."))
    if not password or not account.check_password(password):
        raise ValidationError(
            {
                "password": _(
                    "That is not this account's password. Type the password you sign in with; nothing was erased."
                )
            }
        )

    me = Actor(user=account)
    now = timezone.now()
    for grant in RoleGrant.objects.filter(user=account, revoked_at=None).select_related("association", "place"):
        RoleGrant.objects.filter(pk=grant.pk).update(revoked_at=now, revoked_by=account)
        privileged_action_log(
            actor=me,
            kind=PrivilegedKind.ROLE_REVOKE,
            summary=f"Ended {grant.in_english} of account {account.pk}, which its owner erased",
            subject_user_id=account.pk,
            target=grant,
        )
    # Other apps' hooks first, while the account's addresses are still there to match on (an app
    # holding messages sent from them finds them by address: associations' contact messages).
    for part in personal_data.parts():
        if part.erase is not None:
            part.erase(account)
    EmailAddress.objects.filter(user=account).delete()
    Authenticator.objects.filter(user=account).delete()
    _sessions_end(account)

    account.set_unusable_password()
    account.username = erased_username(account.pk)
    account.email = ""
    account.first_name = ""
    account.last_name = ""
    account.is_active = False
    account.is_staff = False
    account.is_superuser = False
    account.last_login = None
    account.save()
    account.groups.clear()
    account.user_permissions.clear()

    erasure = Erasure.objects.create(user=account)
    privileged_action_log(
        actor=me,
        kind=PrivilegedKind.ERASURE,
        summary=f"Account {account.pk} erased at its owner's request",
        subject_user_id=account.pk,
        target=erasure,
    )
    forget_roles(user)
    return erasure


def _sessions_end(user: AbstractBaseUser) -> None:
    """Delete every stored session of `user`, wherever they are signed in.

    Sessions kept in the database (the default) are read one by one: erasure is rare. With other
    session engines the account's new unusable password and inactive flag end them at their next
    request anyway (Django checks both on every request).
    """
    from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
    from django.contrib.sessions.models import Session

    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not issubclass(store, DatabaseStore):
        return
    wanted = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == wanted:
            store(session_key=session.session_key).delete()


# ---------------------------------------------------------------- accounts nobody confirmed


def unverified_accounts_stale(*, days: int) -> QuerySet:
    """Accounts older than `days` with no verified email address that never did anything.

    "Never did anything": no change record, no role grant (live or ended), no privileged action, no
    erasure. Staff and superusers are left alone (`createsuperuser` makes an admin with no address).
    """
    from allauth.account.models import EmailAddress

    cutoff = timezone.now() - dt.timedelta(days=days)
    user = OuterRef("pk")
    return (
        get_user_model()
        .objects.filter(date_joined__lt=cutoff, is_staff=False, is_superuser=False)
        .exclude(Exists(EmailAddress.objects.filter(user=user, verified=True)))
        .exclude(Exists(ChangeRecord.objects.filter(actor=user)))
        .exclude(Exists(RoleGrant.objects.filter(user=user)))
        .exclude(Exists(PrivilegedAction.objects.filter(actor=user)))
        .exclude(Exists(Erasure.objects.filter(user=user)))
        .order_by("date_joined", "pk")
    )


def unverified_accounts_remove(*, days: int) -> tuple[int, int]:
    """Delete the accounts unverified_accounts_stale finds: (removed, kept).

    A hard delete (as is that of old contact messages): such an account never did anything, so
    nothing is lost. Each is
    checked again as it goes (its owner may confirm the address meanwhile); one that another row
    still points to is kept and counted.
    """
    removed = kept = 0
    for pk in list(unverified_accounts_stale(days=days).values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                account = unverified_accounts_stale(days=days).select_for_update().filter(pk=pk).first()
                if account is None:
                    continue
                account.delete()
        except ProtectedError:
            kept += 1
            continue
        removed += 1
    return removed, kept
