"""A council officer's verifications are in their data download."""

from __future__ import annotations

import pytest

from accounts.personal_data import as_json, personal_data
from audit.services import Actor
from health.services import verification_record

pytestmark = pytest.mark.django_db


def test_the_download_holds_the_verifications_a_person_made(town):
    verification_record(
        actor=Actor(user=town.officer), link=town.link, answer="active", by_role="council_officer", note="Rang them"
    )
    document = as_json(personal_data(town.officer))
    assert '"link_verifications"' in document and "Rang them" in document
    assert "Rang them" not in as_json(personal_data(town.moderator))
