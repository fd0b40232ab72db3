"""The first admin comes from the command line, with a confirmed address and a logged grant."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.policy import roles_of
from audit.models import PrivilegedAction

pytestmark = pytest.mark.django_db


def test_create_admin_makes_a_confirmed_admin_who_still_needs_a_second_factor(client, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "a long password for the first admin")
    out = io.StringIO()
    call_command("create_admin", "Chair@Example.org", "--password-from", "ADMIN_PASSWORD", stdout=out)
    assert "set up a second factor" in out.getvalue()

    answer = client.post(
        "/accounts/login/", {"login": "chair@example.org", "password": "a long password for the first admin"}
    )
    assert answer.status_code == 302 and "_auth_user_id" in client.session, "the address needs no confirming"
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(email="chair@example.org")
    assert roles_of(user).admin_needs_second_factor and user.is_staff
    assert PrivilegedAction.objects.filter(kind="role_grant", subject_user_id=user.pk).count() == 1

    call_command("create_admin", "chair@example.org", stdout=io.StringIO())  # again: no second grant
    assert PrivilegedAction.objects.filter(kind="role_grant").count() == 1


def test_a_weak_or_missing_password_is_refused_and_nothing_is_made(monkeypatch):
    from django.contrib.auth import get_user_model

    monkeypatch.setenv("ADMIN_PASSWORD", "123")
    with pytest.raises(CommandError, match="too short|too common|entirely numeric"):
        call_command("create_admin", "chair@example.org", "--password-from", "ADMIN_PASSWORD", stdout=io.StringIO())
    with pytest.raises(CommandError, match="not set"):
        call_command("create_admin", "chair@example.org", "--password-from", "NO_SUCH_VARIABLE", stdout=io.StringIO())
    assert not get_user_model().objects.exists()
