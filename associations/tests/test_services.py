"""The writes: who may make them, what they keep (nothing is deleted), and what they log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from associations.models import Association, CommitteeRole, Contact
from associations.services import (
    association_create,
    association_link_add,
    association_link_remove,
    association_update,
    committee_role_add,
    committee_role_end,
    contact_add,
    contact_remove,
    contact_update,
)
from audit.models import ChangeAction, ChangeRecord
from audit.services import Actor
from core.versioning import EditConflict
from links.services import link_create

pytestmark = pytest.mark.django_db


def log_of(row) -> list[ChangeRecord]:
    return list(
        ChangeRecord.objects.filter(target_type=ContentType.objects.get_for_model(row), target_id=row.pk).order_by("id")
    )


def test_an_editor_edits_their_association_and_the_change_is_logged(association, editor):
    association_update(
        actor=Actor(user=editor), association=association, meeting_place="  The Corn Exchange  ", expected_version=1
    )
    association.refresh_from_db()
    assert association.meeting_place == "The Corn Exchange"
    assert association.version == 2
    record = log_of(association)[-1]
    assert record.action == ChangeAction.UPDATE and record.actor == editor
    assert record.changes["meeting_place"][1] == "The Corn Exchange"


def test_an_editor_cannot_edit_another_association(association, other_association, editor):
    with pytest.raises(PermissionDenied):
        association_update(actor=Actor(user=editor), association=other_association, name="Taken over")
    with pytest.raises(PermissionDenied):
        contact_add(actor=Actor(user=editor), association=other_association, name="Spy", email="spy@example.org")
    with pytest.raises(PermissionDenied):
        committee_role_add(
            actor=Actor(user=editor),
            association=other_association,
            person="Spy",
            role="chair",
            term_start=dt.date(2024, 1, 1),
        )
    other_association.refresh_from_db()
    assert other_association.name == "Elsewhere Friends of Anderswo"
    assert not Contact.objects.filter(association=other_association).exists()
    assert not CommitteeRole.objects.filter(association=other_association).exists()


def test_a_contributor_cannot_edit_any_association(association, contributor):
    with pytest.raises(PermissionDenied, match="propose the change instead"):
        association_update(actor=Actor(user=contributor), association=association, name="Vandalised")


def test_only_moderators_create_associations(editor, moderator):
    with pytest.raises(PermissionDenied):
        association_create(actor=Actor(user=editor), name="A second association of mine")
    made = association_create(actor=Actor(user=moderator), name="Zürich Friends of Testford")
    assert made.folded == "zurich friends of testford"
    assert log_of(made)[0].action == ChangeAction.CREATE


def test_a_stale_edit_is_refused_and_the_first_stays(association, editor, moderator):
    association_update(actor=Actor(user=moderator), association=association, description="First", expected_version=1)
    stale = Association.objects.get(pk=association.pk)
    stale.version = 1
    with pytest.raises(EditConflict):
        association_update(actor=Actor(user=editor), association=stale, description="Second", expected_version=1)
    association.refresh_from_db()
    assert association.description == "First"


def test_an_editor_cannot_widen_their_scope_by_claiming_a_link(actor, association, editor, make_place, cite, moderator):
    """Editors may edit the links their association runs; claiming another link needs a moderator."""
    theirs = link_create(
        actor=actor, parties=[make_place("Kiel", "DE"), make_place("Brest", "FR")], kind="formal", citations=cite()
    )
    with pytest.raises(PermissionDenied):
        association_link_add(actor=Actor(user=editor), association=association, link=theirs)
    assert not association.links.filter(pk=theirs.pk).exists()
    association_link_add(actor=Actor(user=moderator), association=association, link=theirs)
    assert association.links.filter(pk=theirs.pk).exists()
    assert log_of(association)[-1].changes == {"links": [None, theirs.pk]}


def test_an_editor_may_say_their_association_no_longer_runs_a_link(association, link, editor):
    association_link_remove(actor=Actor(user=editor), association=association, link=link)
    assert not association.links.exists()
    assert link.pk in log_of(association)[-1].changes["links"]
    with pytest.raises(ValidationError):
        association_link_remove(actor=Actor(user=editor), association=association, link=link)


def test_ending_a_term_keeps_the_role_in_history(association, editor):
    chair = committee_role_add(
        actor=Actor(user=editor),
        association=association,
        person="Sam Chair",
        role="chair",
        term_start=dt.date(2019, 5, 1),
    )
    committee_role_end(
        actor=Actor(user=editor), committee_role=chair, term_end=dt.date(2024, 4, 30), expected_version=1
    )
    chair.refresh_from_db()
    assert chair.term_end == dt.date(2024, 4, 30)
    assert CommitteeRole.objects.filter(pk=chair.pk).exists()
    assert [r.action for r in log_of(chair)] == [ChangeAction.CREATE, ChangeAction.UPDATE]
    with pytest.raises(ValidationError, match="already ended"):
        committee_role_end(actor=Actor(user=editor), committee_role=chair, term_end=dt.date(2025, 1, 1))


def test_a_term_cannot_end_before_it_starts(association, editor):
    with pytest.raises(ValidationError) as refused:
        committee_role_add(
            actor=Actor(user=editor),
            association=association,
            person="Sam Chair",
            role="chair",
            term_start=dt.date(2024, 5, 1),
            term_end=dt.date(2024, 4, 1),
        )
    assert "cannot end" in refused.value.message_dict["term_end"][0]
    chair = committee_role_add(
        actor=Actor(user=editor),
        association=association,
        person="Sam Chair",
        role="chair",
        term_start=dt.date(2024, 5, 1),
    )
    with pytest.raises(ValidationError):
        committee_role_end(actor=Actor(user=editor), committee_role=chair, term_end=dt.date(2024, 4, 1))


def test_the_database_itself_keeps_the_invariants(association, editor, private_contact):
    """Rows written around the services (a bulk update, a hand-written SQL fix) cannot break the rules."""
    chair = committee_role_add(
        actor=Actor(user=editor),
        association=association,
        person="Sam Chair",
        role="chair",
        term_start=dt.date(2024, 5, 1),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeRole.objects.filter(pk=chair.pk).update(term_end=dt.date(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeRole.objects.filter(pk=chair.pk).update(role="other", title="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.filter(pk=private_contact.pk).update(email="", phone="", postal_address="")


def test_a_role_of_kind_other_needs_its_title(association, editor):
    with pytest.raises(ValidationError) as refused:
        committee_role_add(
            actor=Actor(user=editor),
            association=association,
            person="Alex",
            role="other",
            term_start=dt.date(2024, 1, 1),
        )
    assert "title" in refused.value.message_dict
    vice = committee_role_add(
        actor=Actor(user=editor),
        association=association,
        person="Alex",
        role="other",
        title="Vice-chair",
        term_start=dt.date(2024, 1, 1),
    )
    assert vice.label == "Vice-chair"


def test_a_contact_needs_a_way_to_reach_it(association, editor):
    with pytest.raises(ValidationError, match="at least one way to reach"):
        contact_add(actor=Actor(user=editor), association=association, name="Nobody")
    assert not Contact.objects.exists()


def test_removing_a_contact_hides_it_and_history_can_bring_it_back(association, editor, moderator, private_contact):
    contact_remove(actor=Actor(user=editor), contact=private_contact, expected_version=1)
    private_contact.refresh_from_db()
    assert private_contact.removed and Contact.objects.filter(pk=private_contact.pk).exists()
    assert log_of(private_contact)[-1].changes == {"removed": [False, True]}
    contact_update(actor=Actor(user=moderator), contact=private_contact, removed=False)
    private_contact.refresh_from_db()
    assert not private_contact.removed


def test_an_editor_cannot_touch_another_associations_contacts(other_association, other_editor, private_contact):
    with pytest.raises(PermissionDenied):
        contact_update(actor=Actor(user=other_editor), contact=private_contact, public=True)
    with pytest.raises(PermissionDenied):
        contact_remove(actor=Actor(user=other_editor), contact=private_contact)
    private_contact.refresh_from_db()
    assert not private_contact.public and not private_contact.removed
