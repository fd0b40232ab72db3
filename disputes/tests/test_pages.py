"""The pages, as the association's editor, the council officer and everyone else meet them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.services import Actor
from core.partial_dates import PartialDate
from disputes.models import DisputeReview
from disputes.services import review_create, summary_publish
from disputes.tests.conftest import SECRET
from tests import hostile as H

ACTION = "Work through the political-dispute questions"


def _form(**overrides):
    data = {
        "what_happened": "The regional government banned the opposition party",
        "when": "2024-02",
        "assistance_asked": "They asked us to keep the school exchange going",
        "criticism_risk": "Yes: our contact at the library was questioned last year",
        "ties_without_council": "Through the churches and the school",
        "changes_needed": "",
        "decision": "people_only",
        "next_review_on": "2025-01-31",
    }
    return data | overrides


def test_the_link_page_offers_the_questions_only_to_its_association_and_council(client, town):
    url = town.link.get_absolute_url()
    assert ACTION not in client.get(url).content.decode()
    for who in (town.contributor, town.moderator, town.admin, town.other_editor):
        client.force_login(who)
        assert ACTION not in client.get(url).content.decode(), who
    for who in (town.editor, town.officer):
        client.force_login(who)
        assert ACTION in client.get(url).content.decode(), who


def test_an_editor_works_through_the_questions_and_reads_them_back(client, town):
    client.force_login(town.editor)
    page = client.get(f"/disputes/links/{town.link.pk}/new")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Has your partner community asked you for help, and for what?" in text
    assert "Moving Forward Together" in text and "Part IV" in text
    assert "For Testford Twinning Association." in text  # one owner: nothing to choose
    response = client.post(f"/disputes/links/{town.link.pk}/new", _form())
    review = DisputeReview.objects.get()
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    assert review.association == town.association and review.author == town.editor
    detail = client.get(review.get_absolute_url()).content.decode()
    assert "our contact at the library was questioned" in detail
    assert "Continue people-to-people only" in detail and "31 January 2025" in detail
    assert "Not answered yet." in detail  # the fourth question
    listing = client.get(f"/disputes/links/{town.link.pk}/").content.decode()
    assert review.get_absolute_url() in listing and "not published" in listing
    assert "(for Testford Twinning Association)" in listing


def test_someone_who_speaks_for_both_chooses_whom_the_review_is_for(client, town):
    from accounts.models import Role, RoleGrant

    RoleGrant.objects.create(user=town.editor, role=Role.COUNCIL_OFFICER, place=town.testford, reason="test")
    client.force_login(town.editor)
    assert "On behalf of" in client.get(f"/disputes/links/{town.link.pk}/new").content.decode()
    missing = client.post(f"/disputes/links/{town.link.pk}/new", _form())
    assert missing.status_code == 400 and "There is a problem" in missing.content.decode()
    foreign = client.post(
        f"/disputes/links/{town.link.pk}/new", _form(owner=f"association-{town.other_association.pk}")
    )
    assert foreign.status_code == 400 and "is not one you may write for" in foreign.content.decode()
    client.post(f"/disputes/links/{town.link.pk}/new", _form(owner=f"place-{town.testford.pk}"))
    assert DisputeReview.objects.get().place == town.testford


def test_mistakes_are_explained_and_nothing_is_saved(client, town):
    client.force_login(town.editor)
    response = client.post(f"/disputes/links/{town.link.pk}/new", _form(what_happened="", when="March", decision="x"))
    text = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in text and "is not one of the decisions" in text
    assert DisputeReview.objects.count() == 0


def test_an_edit_is_saved_and_a_stale_edit_is_refused_in_plain_words(client, town, review):
    client.force_login(town.editor)
    edit = client.get(f"/disputes/{review.pk}/edit").content.decode()
    assert SECRET in edit and 'name="edit_version" value="1"' in edit
    client.post(f"/disputes/{review.pk}/edit", _form(edit_version="1", changes_needed="Meet online instead"))
    review.refresh_from_db()
    assert review.changes_needed == "Meet online instead" and review.version == 2
    stale = client.post(f"/disputes/{review.pk}/edit", _form(edit_version="1", decision="end"))
    assert stale.status_code == 400
    assert "Someone else saved this review while you were editing it" in stale.content.decode()
    review.refresh_from_db()
    assert review.decision == "people_only"


@pytest.mark.parametrize("who", ["other_editor", "moderator", "admin", "contributor"])
def test_everyone_else_gets_404_as_if_there_were_no_review(client, town, review, who):
    client.force_login(getattr(town, who))
    for url in (
        f"/disputes/{review.pk}/",
        f"/disputes/{review.pk}/edit",
        f"/disputes/links/{town.link.pk}/",
        f"/disputes/links/{town.link.pk}/new",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET not in response.content.decode()
    assert client.post(f"/disputes/{review.pk}/publish", {"public_summary": "Hijacked"}).status_code == 404
    assert client.post(f"/disputes/{review.pk}/unpublish").status_code == 404
    assert client.get(f"/disputes/{review.pk + 1000}/").status_code == 404  # the same answer as for none
    review.refresh_from_db()
    assert not review.published


def test_visitors_are_asked_to_sign_in_whether_or_not_a_review_exists(client, review):
    for url in (f"/disputes/{review.pk}/", f"/disputes/{review.pk + 1000}/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_published_summary_is_on_the_public_timeline_and_the_answers_nowhere(client, town, review):
    client.force_login(town.editor)
    response = client.post(f"/disputes/{review.pk}/publish", {"public_summary": "We stay in touch with friends."})
    assert response.status_code == 302 and response["Location"].endswith("#timeline")
    client.logout()
    page = client.get(town.link.get_absolute_url()).content.decode()
    assert "Summary of a review by Testford Twinning Association" in page
    assert "We stay in touch with friends." in page
    assert SECRET not in page and "closed the independent newspaper" not in page
    api = client.get(f"/api/v1/links/{town.link.pk}").json()
    assert api["review_summaries"] == [
        {
            "owner": "Testford Twinning Association",
            "owner_kind": "association",
            "summary": "We stay in touch with friends.",
            "published_at": api["review_summaries"][0]["published_at"],
        }
    ]
    assert SECRET not in str(api)
    client.force_login(town.editor)
    client.post(f"/disputes/{review.pk}/unpublish")
    client.logout()
    assert "We stay in touch with friends." not in client.get(town.link.get_absolute_url()).content.decode()
    assert client.get(f"/api/v1/links/{town.link.pk}").json()["review_summaries"] == []


def test_a_councils_summary_names_the_council(client, town):
    review = review_create(
        actor=Actor(user=town.officer),
        link=town.link,
        place=town.testford,
        what_happened="x",
        when=PartialDate.parse("2022"),
    )
    summary_publish(actor=Actor(user=town.officer), review=review, summary="The council paused the link.")
    url = town.link.get_absolute_url()
    assert "Summary of a review by the council of Testford" in client.get(url).content.decode()
    assert "Résumé d’un examen par la municipalité de Testford" in client.get(f"/fr{url}").content.decode()


def test_publishing_an_empty_summary_is_explained(client, town, review):
    client.force_login(town.editor)
    response = client.post(f"/disputes/{review.pk}/publish", {"public_summary": " ", "edit_version": "1"})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    stale = client.post(f"/disputes/{review.pk}/publish", {"public_summary": "Fine", "edit_version": "0"})
    assert stale.status_code == 400 and "Someone else changed this review" in stale.content.decode()


def test_the_answers_are_in_no_page_history_or_api_and_hidden_in_the_admins_change_log(client, town, review):
    summary_publish(actor=Actor(user=town.editor), review=review, summary="Public words")
    link_url = town.link.get_absolute_url()
    for who in (None, town.other_editor, town.moderator, town.admin):
        client.logout()
        if who is not None:
            client.force_login(who)
        for url in (
            link_url,
            f"/links/{town.link.pk}/history/",
            f"/associations/{town.association.pk}/history/",
            f"/api/v1/links/{town.link.pk}",
            f"/fr{link_url}",
        ):
            response = client.get(url)
            assert response.status_code == 200, (who, url)
            text = response.content.decode()
            assert SECRET not in text and "newspaper" not in text and "books" not in text, (who, url)
            assert "Public words" in text or "history" in url, (who, url)
    from audit.models import ChangeRecord

    client.force_login(town.admin)
    for record in ChangeRecord.objects.filter(target_type__model="disputereview"):
        page = client.get(f"/admin/audit/changerecord/{record.pk}/change/")
        assert page.status_code == 200
        text = page.content.decode()
        assert SECRET not in text and "newspaper" not in text and "people_only" not in text
        assert "(private: not shown)" in text
    listing = client.get("/admin/audit/changerecord/").content.decode()
    assert "Political-dispute review" in listing and SECRET not in listing and "newspaper" not in listing
    assert client.get("/admin/disputes/").status_code == 404  # no admin of reviews at all


def test_hostile_text_is_shown_as_text(client, town):
    client.force_login(town.editor)
    client.post(
        f"/disputes/links/{town.link.pk}/new",
        _form(what_happened="Jailed " + H.SCRIPT, criticism_risk=H.IMG, changes_needed=H.SCRIPT),
    )
    review = DisputeReview.objects.get()
    for url in (review.get_absolute_url(), f"/disputes/{review.pk}/edit", f"/disputes/links/{town.link.pk}/"):
        text = client.get(url).content.decode()
        assert H.SCRIPT not in text and H.IMG not in text, url
    client.post(f"/disputes/{review.pk}/publish", {"public_summary": "Ours " + H.SCRIPT})
    client.logout()
    page = client.get(town.link.get_absolute_url()).content.decode()
    assert H.SCRIPT not in page and "Ours &lt;script&gt;" in page


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_link_page_costs_the_same_queries_for_one_summary_or_six(client, town, settings):
    settings.PAGE_CACHE = False
    url = town.link.get_absolute_url()

    def publish(number: int, *, by, **owner) -> None:
        made = review_create(
            actor=Actor(user=by), link=town.link, what_happened=f"Act {number}", when=PartialDate.parse("2023"), **owner
        )
        summary_publish(actor=Actor(user=by), review=made, summary=f"Summary {number}")

    publish(0, by=town.officer, place=town.testford)
    client.force_login(town.editor)
    few = _queries(client, url)
    for number in range(1, 6):
        publish(number, by=town.editor, association=town.association)
    many = _queries(client, url)
    assert "Summary 5" in client.get(url).content.decode()
    assert many == few


def test_the_pages_keep_the_sites_security_policy_and_their_forms_carry_tokens(client, town, review):
    """What tests/test_security.py checks of SIGNED_IN_PAGES (which signs in as a moderator, who gets 404 here)."""
    from tests.test_security import DATA_BLOCK_TYPES, EXPECTED_CSP, csp_directives, page_parts

    summary_publish(actor=Actor(user=town.editor), review=review, summary="Published " + H.SCRIPT)
    client.force_login(town.editor)
    for url in (
        f"/disputes/links/{town.link.pk}/",
        f"/disputes/links/{town.link.pk}/new",
        review.get_absolute_url(),
        f"/disputes/{review.pk}/edit",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert csp_directives(response["Content-Security-Policy"]) == EXPECTED_CSP
        parts = page_parts(response.content.decode())
        assert set(parts.inline_scripts) <= DATA_BLOCK_TYPES and parts.style_blocks == 0, url
        assert parts.style_attributes == [] and parts.handler_attributes == [], url
        assert all(len(form["token"]) >= 32 for form in parts.post_forms), url
        assert parts.post_forms or url.endswith(f"/links/{town.link.pk}/"), url  # the list has no form


def test_the_checklist_leads_to_the_advocacy_guide_once_it_is_published(client, town):
    from core.models import ExternalId
    from knowledge.models import Guide, GuideStatus
    from knowledge.seed import SCHEME

    guide = Guide.objects.create(title="Speak up together", slug="speak-up", summary="s", body="b", tags=["advocacy"])
    ExternalId.remember(SCHEME, "recommendation-advocacy", guide)
    client.force_login(town.editor)
    url = f"/disputes/links/{town.link.pk}/"
    assert guide.get_absolute_url() not in client.get(url).content.decode()  # waiting for review: not offered
    Guide.objects.filter(pk=guide.pk).update(status=GuideStatus.PUBLISHED)
    assert guide.get_absolute_url() in client.get(url).content.decode()
