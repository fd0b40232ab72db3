"""A person's profiles, introductions and messages are in their data download; erasing the
account closes their profiles and blanks the contact details, in the change log's copies too."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.personal_data import as_json, personal_data
from accounts.privacy import account_erase
from accounts.testing import PASSWORD
from audit.models import ChangeRecord, Version
from audit.services import Actor
from matching import services
from matching.models import ProfileStatus, SeekingProfile
from matching.tests.conftest import DAKAR, HEBDEN

pytestmark = pytest.mark.django_db


def test_the_download_holds_profiles_introductions_and_messages_sent(world):
    introduction = services.introduction_express(
        actor=Actor(user=world.hebden_owner), from_profile=world.hebden, to_profile=world.dakar, note="Our note"
    )
    services.message_send(actor=Actor(user=world.dakar_owner), introduction=introduction, body="Dakar writes")
    services.message_send(actor=Actor(user=world.hebden_owner), introduction=introduction, body="Hebden writes")
    document = as_json(personal_data(world.hebden_owner))
    assert HEBDEN["contact_email"] in document and HEBDEN["contact_phone"] in document
    assert "Our note" in document and "Hebden writes" in document
    assert "Dakar Youth Football" in document  # the other side by its public name
    assert DAKAR["contact_email"] not in document and "Dakar writes" not in document


def test_erasure_closes_profiles_and_blanks_contacts_everywhere(world):
    services.profile_update(actor=Actor(user=world.hebden_owner), profile=world.hebden, contact_phone="+44 1 555 0000")
    account_erase(user=world.hebden_owner, password=PASSWORD)
    profile = SeekingProfile.objects.get(pk=world.hebden.pk)
    assert profile.status == ProfileStatus.CLOSED
    assert (profile.contact_name, profile.contact_email, profile.contact_phone) == ("", "", "")
    records = ChangeRecord.objects.filter(
        target_type=ContentType.objects.get_for_model(SeekingProfile), target_id=profile.pk
    )
    stored = str(list(records.values_list("changes", flat=True))) + str(
        list(Version.objects.filter(change__in=records).values_list("snapshot", flat=True))
    )
    for secret in (*HEBDEN.values(), "+44 1 555 0000"):
        assert secret not in stored
    assert "Hebden Bridge Twinning Association" in stored  # the public parts stay
    other = SeekingProfile.objects.get(pk=world.dakar.pk)
    assert other.contact_email == DAKAR["contact_email"] and other.status == ProfileStatus.OPEN
