"""Granting and revoking roles: only admins (with a second factor), logged, never deleted."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from accounts.models import Role, RoleGrant
from accounts.policy import Action, can
from accounts.services import role_grant, role_revoke
from accounts.testing import account_create
from audit.models import PrivilegedAction
from audit.services import Actor


@pytest.fixture
def admin(db):
    return Actor(user=account_create("admin@example.org", role=Role.ADMIN, second_factor=True))


def test_an_admin_grants_and_revokes_a_role_and_both_are_logged(admin, make_place):
    person = account_create("officer@example.org")
    coventry = make_place("Coventry", "GB")
    grant = role_grant(
        actor=admin, user=person, role=Role.COUNCIL_OFFICER, place=coventry, reason="asked by the council"
    )
    assert grant.granted_by == admin.user
    role_revoke(actor=admin, grant=grant, reason="left the council")

    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoked_by == admin.user
    assert RoleGrant.objects.filter(pk=grant.pk).exists(), "a grant is ended, never deleted"
    log = list(PrivilegedAction.objects.order_by("id").values_list("kind", "subject_user_id", "reason"))
    assert log == [("role_grant", person.pk, "asked by the council"), ("role_revoke", person.pk, "left the council")]


def test_a_moderator_grant_opens_the_admin_site_and_its_revocation_closes_it(admin):
    person = account_create("mod@example.org")
    grant = role_grant(actor=admin, user=person, role=Role.MODERATOR)
    person.refresh_from_db()
    assert person.is_staff and can(person, Action.MODERATE)
    role_revoke(actor=admin, grant=grant)
    person = type(person).objects.get(pk=person.pk)  # as the next request loads it
    assert not person.is_staff and not can(person, Action.MODERATE)


def test_granting_the_same_role_twice_keeps_one_grant(admin):
    person = account_create("mod@example.org")
    first = role_grant(actor=admin, user=person, role=Role.MODERATOR)
    assert role_grant(actor=admin, user=person, role=Role.MODERATOR) == first
    assert RoleGrant.objects.filter(user=person).count() == 1


@pytest.mark.parametrize("granter", ["moderator", "admin-without-second-factor", "contributor"])
def test_nobody_but_an_admin_with_a_second_factor_may_grant_roles(db, granter):
    role = {"moderator": Role.MODERATOR, "admin-without-second-factor": Role.ADMIN, "contributor": ""}[granter]
    actor = Actor(user=account_create("granter@example.org", role=role))
    person = account_create("person@example.org")
    with pytest.raises(PermissionDenied):
        role_grant(actor=actor, user=person, role=Role.ADMIN)
    assert not RoleGrant.objects.filter(user=person).exists()
    assert not PrivilegedAction.objects.exists()


def test_a_scoped_role_needs_its_scope_and_a_global_one_refuses_one(admin, make_place):
    person = account_create("person@example.org")
    with pytest.raises(ValidationError, match="choose it"):
        role_grant(actor=admin, user=person, role=Role.COUNCIL_OFFICER)
    with pytest.raises(ValidationError, match="leave the scope empty"):
        role_grant(actor=admin, user=person, role=Role.MODERATOR, place=make_place("Kiel", "DE"))
    assert not RoleGrant.objects.filter(user=person).exists()


def test_the_privileged_log_cannot_be_edited_or_deleted_even_in_sql(admin):
    role_grant(actor=admin, user=account_create("person@example.org"), role=Role.MODERATOR)
    entry = PrivilegedAction.objects.get()
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    for sql in ("UPDATE audit_privilegedaction SET summary = 'nothing happened'", "DELETE FROM audit_privilegedaction"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert PrivilegedAction.objects.get().summary == entry.summary
