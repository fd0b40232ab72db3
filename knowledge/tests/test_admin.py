"""The moderators' admin for the knowledge bank: every save goes through the services (checked,
logged, the search kept in step), only moderators see it, nothing is deleted."""

from __future__ import annotations

import pytest

from accounts.models import Role
from accounts.testing import account_create
from audit.models import ChangeRecord
from audit.services import Actor
from knowledge import search, services
from knowledge.models import Guide, GuideStatus, Question
from knowledge.services import SourceSpec

CITE = [SourceSpec(url="https://example.org/report.pdf", passage="Volunteers kept the link alive.")]
SOURCES = {
    "sources-TOTAL_FORMS": "1",
    "sources-INITIAL_FORMS": "0",
    "sources-MIN_NUM_FORMS": "0",
    "sources-MAX_NUM_FORMS": "1000",
}


@pytest.fixture
def people(db):
    return {
        "moderator": account_create("moderator@example.org", role=Role.MODERATOR),
        "writer": account_create("writer@example.org"),
    }


def guide_form(**extra):
    return {
        "kind": "guide",
        "title": "Hosting families",
        "summary": "How to find host families.",
        "body": "Ask the **school** first.",
        "tags": "hosting, Families",
        **SOURCES,
        "sources-0-url": "https://example.org/hosting.pdf",
        "sources-0-passage": "Schools found most of the families.",
        **extra,
    }


def test_a_moderator_adds_a_guide_in_the_admin_published_logged_and_searchable(client, people):
    client.force_login(people["moderator"])
    response = client.post("/admin/knowledge/guide/add/", guide_form())
    assert response.status_code == 302, response.content.decode()[-3000:]
    guide = Guide.objects.get()
    assert guide.status == GuideStatus.PUBLISHED and guide.tags == ["families", "hosting"]
    assert guide.sources.get().passage == "Schools found most of the families."
    assert ChangeRecord.objects.filter(target_id=guide.pk, actor=people["moderator"]).exists()
    assert [h.title for h in search.search("school")] == ["Hosting families"]


def test_a_guide_without_a_source_is_refused_in_plain_words(client, people):
    client.force_login(people["moderator"])
    response = client.post("/admin/knowledge/guide/add/", guide_form(**{"sources-TOTAL_FORMS": "0"}))
    assert response.status_code == 200 and "Cite at least one source" in response.content.decode()
    assert not Guide.objects.exists()


def test_a_moderator_publishes_or_sends_back_a_waiting_guide_and_search_follows(client, people):
    guide = services.guide_create(
        actor=Actor(user=people["writer"]), title="Visas", summary="Visas.", body="Visa letters.", sources=CITE
    )
    assert search.search("visa") == []
    client.force_login(people["moderator"])
    url = f"/admin/knowledge/guide/{guide.pk}/change/"
    source = guide.sources.get()
    form = guide_form(
        title="Visas",
        body="Visa letters.",
        **{
            "sources-INITIAL_FORMS": "1",
            "sources-0-id": source.pk,
            "sources-0-guide": guide.pk,
            "sources-0-url": source.url,
            "sources-0-passage": source.passage,
            "edit_version": guide.version,
        },
    )
    refused = client.post(url, form | {"decision": "send_back"})
    assert refused.status_code == 200 and "Say why the guide is sent back" in refused.content.decode()

    assert client.post(url, form | {"decision": "publish"}).status_code == 302
    guide.refresh_from_db()
    assert guide.status == GuideStatus.PUBLISHED and [h.title for h in search.search("visa")] == ["Visas"]

    form["sources-0-id"] = guide.sources.get().pk  # the services write a guide's sources anew at each save
    stale = client.post(url, form | {"title": "Visas again"}, follow=True)  # the version the form was opened at
    assert "Not saved" in stale.content.decode() and Guide.objects.get().title == "Visas"
    form["edit_version"] = guide.version
    sent_back = client.post(url, form | {"decision": "send_back", "note": "Cite the embassy's page."})
    assert sent_back.status_code == 302, sent_back.content.decode()[-6000:]
    guide.refresh_from_db()
    assert guide.status == GuideStatus.DRAFT and guide.moderation_note == "Cite the embassy's page."
    assert search.search("visa") == []


def test_a_moderator_hides_a_question_with_a_reason_and_it_leaves_the_search(client, people):
    question = services.question_ask(actor=Actor(user=people["writer"]), title="Where is funding for choirs?")
    client.force_login(people["moderator"])
    url = f"/admin/knowledge/question/{question.pk}/change/"
    refused = client.post(url, {"hidden": "on", "edit_version": 1})
    assert refused.status_code == 200 and "Say why it is hidden" in refused.content.decode()
    assert client.post(url, {"hidden": "on", "hidden_reason": "Advertising", "edit_version": 1}).status_code == 302
    question.refresh_from_db()
    assert question.hidden and question.hidden_reason == "Advertising" and search.search("choirs") == []
    assert ChangeRecord.objects.filter(target_id=question.pk, actor=people["moderator"]).count() == 1


def test_only_moderators_see_it_and_nothing_is_added_or_deleted_there(client, people):
    question = services.question_ask(actor=Actor(user=people["writer"]), title="Who hosts the choir?")
    client.force_login(people["writer"])
    assert client.get("/admin/knowledge/guide/").status_code in (302, 403)
    assert client.get("/admin/knowledge/question/").status_code in (302, 403)
    client.force_login(people["moderator"])
    assert client.get("/admin/knowledge/guide/").status_code == 200
    assert client.get("/admin/knowledge/answer/").status_code == 200
    assert client.get("/admin/knowledge/question/add/").status_code == 403
    assert client.get(f"/admin/knowledge/question/{question.pk}/delete/").status_code == 403
    assert Question.objects.filter(pk=question.pk).exists()
