"""`manage.py create_admin EMAIL`: the first admin of a new hub, or another one, from the command line.

Signing up through the pages makes a contributor; roles are granted by an admin. So the very first
admin comes from here: an account with this (already confirmed) email address, the admin role,
and a password typed twice (or read from the environment variable --password-from). They then
sign in and set up a second factor, without which the admin role gives no powers.
"""

from __future__ import annotations

import getpass
import os

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import Role, RoleGrant
from accounts.services import _staff_flag_refresh
from audit.models import PrivilegedKind
from audit.services import Actor, privileged_action_log


class Command(BaseCommand):
    help = "Make an admin account (its email confirmed), or give an existing account the admin role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The admin's email address, used to sign in.")
        parser.add_argument("--password-from", metavar="VAR", help="Read the password from this environment variable.")

    def handle(self, *args: object, **options: object) -> None:
        email = str(options["email"]).strip().lower()
        if "@" not in email:
            raise CommandError(f"'{email}' is not an email address.")
        users = get_user_model()
        user = users.objects.filter(email__iexact=email).first()
        password = None
        if user is None or not user.has_usable_password():
            password = self._password(options.get("password_from"))
        with transaction.atomic():
            if user is None:
                user = users.objects.create_user(username=email.split("@")[0][:150], email=email)
                try:
                    password_validation.validate_password(password, user)
                except ValidationError as problem:
                    raise CommandError(" ".join(problem.messages)) from None
            if password is not None:
                user.set_password(password)
                user.save()
            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            if not RoleGrant.objects.filter(user=user, role=Role.ADMIN, revoked_at=None).exists():
                grant = RoleGrant.objects.create(user=user, role=Role.ADMIN, reason="made on the command line")
                privileged_action_log(
                    actor=Actor.system("manage.py create_admin"),
                    kind=PrivilegedKind.ROLE_GRANT,
                    summary=f"Granted {grant} to account {user.pk}",
                    subject_user_id=user.pk,
                    target=grant,
                    reason="made on the command line",
                )
            _staff_flag_refresh(user)
        self.stdout.write(
            f"{email} is an admin. Sign in at /accounts/login/, then set up a second factor at "
            "/accounts/2fa/: until then the admin role gives no powers."
        )

    def _password(self, variable: object) -> str:
        if variable:
            value = os.environ.get(str(variable), "")
            if not value:
                raise CommandError(f"The environment variable {variable} is empty or not set.")
            return value
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ; nothing was made.")
        return first
