from api.token_command import Command  # noqa: F401
