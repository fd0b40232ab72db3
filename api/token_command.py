"""`manage.py create_api_token USERNAME --name NAME`: make an API token for an account and print its key once.

The command class lives here; `api/management/commands/create_api_token.py` imports it
(that folder belongs to the exports work).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.policy import roles_of
from api.tokens import api_token_create, user_for_username


class Command(BaseCommand):
    help = (
        "Make an API token for an account and print its key. The key is shown only this once: "
        "only a hash of it is stored. Send it as 'Authorization: Bearer <key>'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "username",
            help="The account the token acts as (writes are logged as it, and may change what its roles allow).",
        )
        parser.add_argument("--name", required=True, help="What the token is for, e.g. 'council import script'.")

    def handle(self, *args: object, **options: object) -> None:
        try:
            user = user_for_username(str(options["username"]))
            if not user.is_active:
                raise CommandError(f"'{options['username']}' is not an active account. Activate it in the admin first.")
            token, key = api_token_create(user=user, name=str(options["name"]))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        roles = ", ".join(roles_of(user).labels())
        self.stdout.write(f"Made API token '{token.name}' for {user} ({token.key_prefix}…), whose roles are: {roles}.")
        if not (roles_of(user).trusted_everywhere or roles_of(user).place_ids or roles_of(user).association_ids):
            self.stdout.write(
                "This account has no editing role yet, so the API will refuse its writes until it has one."
            )
        self.stdout.write("Its key, shown only this once (keep it secret; only a hash is stored):")
        self.stdout.write(key)
        self.stdout.write("Use it as the header: Authorization: Bearer <key>")
