"""`manage.py create_api_token USERNAME --name NAME`: make an API token for a staff user and print its key once.

The command class lives here; `api/management/commands/create_api_token.py` imports it
(that folder belongs to the exports work).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.tokens import api_token_create, user_for_username


class Command(BaseCommand):
    help = (
        "Make an API token for a staff user and print its key. The key is shown only this once: "
        "only a hash of it is stored. Send it as 'Authorization: Bearer <key>'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The staff user the token acts as (writes are logged as this user).")
        parser.add_argument("--name", required=True, help="What the token is for, e.g. 'council import script'.")

    def handle(self, *args: object, **options: object) -> None:
        try:
            user = user_for_username(str(options["username"]))
            if not user.is_active:
                raise CommandError(f"'{options['username']}' is not an active account. Activate it in the admin first.")
            if not user.is_staff:
                raise CommandError(
                    f"'{options['username']}' is not staff, and only staff may write through the API. "
                    "Tick 'Staff status' for them in the admin first."
                )
            token, key = api_token_create(user=user, name=str(options["name"]))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Made API token '{token.name}' for {user} ({token.key_prefix}…).")
        self.stdout.write("Its key, shown only this once (keep it secret; only a hash is stored):")
        self.stdout.write(key)
        self.stdout.write("Use it as the header: Authorization: Bearer <key>")
