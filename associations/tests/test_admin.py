"""Moderators and admins add and edit associations in the admin; its saves go through the services."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import Role
from accounts.testing import account_create
from associations.models import Association
from audit.models import ChangeRecord
from links.services import link_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    user = account_create("admin@example.org", role=Role.ADMIN, second_factor=True)
    user.is_superuser = True  # Django's own permissions too, whichever the admin site asks
    user.save(update_fields=["is_superuser"])
    return user


def form(**fields: object) -> dict[str, object]:
    return {
        "name": "Testford Twinning",
        "website": "",
        "meeting_place": "",
        "description": "",
        "links": [],
        "edit_version": "",
    } | fields


def test_an_admin_adds_and_edits_an_association_and_each_change_is_logged(
    client, admin_user, actor, link, make_place, cite
):
    client.force_login(admin_user)
    added = client.post(reverse("admin:associations_association_add"), form(links=[link.pk]))
    assert added.status_code == 302, added.content.decode()[:2000]
    association = Association.objects.get()
    assert list(association.links.all()) == [link]

    second = link_create(
        actor=actor, parties=[make_place("Kiel", "DE"), make_place("Brest", "FR")], kind="formal", citations=cite()
    )
    url = reverse("admin:associations_association_change", args=[association.pk])
    changed = client.post(url, form(name="Testford Twinning Society", links=[second.pk], edit_version="1"))
    assert changed.status_code == 302
    association.refresh_from_db()
    assert association.name == "Testford Twinning Society" and association.folded == "testford twinning society"
    assert list(association.links.all()) == [second]
    records = ChangeRecord.objects.filter(
        target_type=ContentType.objects.get_for_model(Association), target_id=association.pk
    ).order_by("id")
    assert [r.summary for r in records] == [
        "Added association Testford Twinning",
        "Edited association Testford Twinning",
        f"Testford Twinning Society no longer runs {link.title}",
        f"Testford Twinning Society runs {second.title}",
    ]
    assert all(r.actor == admin_user for r in records)

    stale = client.post(url, form(name="Overwritten", edit_version="1"), follow=True)
    assert "changed by someone else" in stale.content.decode()
    association.refresh_from_db()
    assert association.name == "Testford Twinning Society"
