"""The services: who may write, what is checked, and what the change log keeps (and does not say)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from audit.models import ChangeRecord
from audit.services import Actor
from core.partial_dates import PartialDate
from core.versioning import EditConflict
from disputes.models import DisputeReview
from disputes.policy import can_see_review, owners_for
from disputes.questions import QUESTION_FIELDS, QUESTIONS
from disputes.services import review_create, review_update, summary_publish, summary_unpublish
from disputes.tests.conftest import SECRET


def _start(town, who, **owner):
    return review_create(
        actor=Actor(user=who),
        link=town.link,
        what_happened="Protesters were jailed",
        when=PartialDate.parse("2022-03-02"),
        **owner,
    )


def test_every_question_has_its_answer_field_and_the_words_live_once():
    model_fields = {f.name for f in DisputeReview._meta.get_fields()}
    assert set(QUESTION_FIELDS) <= model_fields
    assert len(QUESTIONS) == 4 and all(str(question).endswith("?") for _n, question, _h in QUESTIONS)


def test_an_editor_writes_for_their_association_and_an_officer_for_their_council(town):
    by_editor = _start(town, town.editor, association=town.association)
    by_officer = _start(town, town.officer, place=town.testford)
    assert by_editor.author == town.editor and by_officer.owner_name == "the council of Testford"
    assert can_see_review(town.editor, by_editor) and not can_see_review(town.editor, by_officer)
    assert can_see_review(town.officer, by_officer) and not can_see_review(town.officer, by_editor)


@pytest.mark.parametrize("who", ["other_editor", "moderator", "admin", "contributor"])
def test_nobody_else_writes_or_reads_one(town, review, who):
    user = getattr(town, who)
    assert not can_see_review(user, review)
    assert not owners_for(user, town.link)
    with pytest.raises(PermissionDenied):
        _start(town, user, association=town.association)
    with pytest.raises(PermissionDenied):
        review_update(actor=Actor(user=user), review=review, expected_version=review.version, criticism_risk="x")
    with pytest.raises(PermissionDenied):
        summary_publish(actor=Actor(user=user), review=review, summary="We stay friends.")


def test_an_officer_cannot_write_for_a_place_that_is_not_a_party_and_an_editor_not_for_another_association(town):
    with pytest.raises(PermissionDenied):
        review_create(
            actor=Actor(user=town.officer),
            link=town.other_link,
            place=town.testford,
            what_happened="x",
            when=PartialDate.parse("2022"),
        )
    with pytest.raises(PermissionDenied):
        _start(town, town.editor, association=town.other_association)


def test_a_review_belongs_to_exactly_one_owner(town):
    with pytest.raises(ValidationError):
        _start(town, town.editor)
    with pytest.raises(ValidationError):
        _start(town, town.editor, association=town.association, place=town.testford)
    with transaction.atomic(), pytest.raises(IntegrityError):  # the database says so too
        DisputeReview.objects.create(
            link=town.link,
            association=town.association,
            place=town.testford,
            what_happened="x",
            happened_on=dt.date(2022, 1, 1),
        )


def test_what_happened_cannot_be_in_the_future_and_the_decision_must_be_one_of_the_list(town):
    with pytest.raises(ValidationError) as error:
        review_create(
            actor=Actor(user=town.editor),
            link=town.link,
            association=town.association,
            what_happened="x",
            when=PartialDate(dt.date.today() + dt.timedelta(days=3), "day"),
        )
    assert "cannot be in the future" in str(error.value)
    with pytest.raises(ValidationError):
        review_create(
            actor=Actor(user=town.editor),
            link=town.link,
            association=town.association,
            what_happened="x",
            when=PartialDate.parse("2022"),
            decision="bomb",
        )


def test_edits_are_versioned_logged_without_answers_in_the_summary_and_stale_ones_refused(town, review):
    review_update(
        actor=Actor(user=town.editor), review=review, expected_version=1, changes_needed="Write to the school instead"
    )
    assert review.version == 2
    records = ChangeRecord.objects.filter(target_id=review.pk, target_type__model="disputereview").order_by("id")
    assert [r.action for r in records] == ["create", "update"]
    assert records[1].changes == {"changes_needed": ["", "Write to the school instead"]}
    assert all(SECRET not in r.summary and "school" not in r.summary for r in records)
    stale = DisputeReview.objects.get(pk=review.pk)
    with pytest.raises(EditConflict):
        review_update(actor=Actor(user=town.editor), review=stale, expected_version=1, decision="end")
    assert DisputeReview.objects.get(pk=review.pk).decision == "people_only"


def test_publishing_needs_a_summary_and_unpublishing_keeps_its_text(town, review):
    with pytest.raises(ValidationError):
        summary_publish(actor=Actor(user=town.editor), review=review, summary="   ")
    summary_publish(actor=Actor(user=town.editor), review=review, summary="We keep writing to our friends.")
    assert review.published and review.public_summary == "We keep writing to our friends."
    summary_unpublish(actor=Actor(user=town.editor), review=review)
    review.refresh_from_db()
    assert not review.published and review.public_summary == "We keep writing to our friends."
    actions = list(
        ChangeRecord.objects.filter(target_id=review.pk, target_type__model="disputereview")
        .order_by("id")
        .values_list("summary", flat=True)
    )
    assert actions[-2:] == [
        f"Political-dispute review {review.pk} of link {town.link.pk}: summary published",
        f"Political-dispute review {review.pk} of link {town.link.pk}: summary taken off the timeline",
    ]


def test_an_association_that_stops_running_the_link_stops_seeing_its_reviews(town, review):
    town.association.links.remove(town.link)
    assert not can_see_review(town.editor, review)
