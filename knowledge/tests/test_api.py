"""The knowledge bank in the API: published guides only, questions not hidden with their visible
answers, the filters of the page, cursor pages and revalidation."""

from __future__ import annotations

import pytest

from accounts.models import Role
from accounts.testing import account_create
from audit.services import Actor
from knowledge import services
from knowledge.services import SourceSpec

CITE = [SourceSpec(url="https://example.org/report.pdf", passage="Volunteers kept the link alive.")]


@pytest.fixture
def world(db, actor, make_place, cite, settings):
    settings.API_ANON_RATE = "100000/min"
    from links.services import link_create

    coventry, volgograd = make_place("Coventry", "GB"), make_place("Volgograd", "RU")
    link = link_create(actor=actor, parties=[coventry, volgograd], kind="formal", citations=cite())
    moderator = account_create("moderator@example.org", role=Role.MODERATOR)
    writer = account_create("writer@example.org")

    def guide(user, title, body="Text.", **extra):
        return services.guide_create(
            actor=Actor(user=user), title=title, summary=f"About {title}.", body=body, sources=CITE, **extra
        )

    return {
        "link": link,
        "coventry": coventry,
        "peace": guide(moderator, "Peace and reconciliation", "Volunteers met in **1944**.", links=[link]),
        "visas": guide(moderator, "Visas", "Letters for the embassy.", tags="visas", places=[volgograd]),
        "youth": guide(moderator, "Youth exchange", "Students and volunteers.", kind="case_study", tags="youth"),
        "waiting": guide(writer, "Waiting volunteers", "Volunteers.", links=[link]),
        "moderator": moderator,
        "writer": writer,
    }


def slugs(answer) -> list[str]:
    assert answer.status_code == 200, answer.content
    return [g["slug"] for g in answer.json()["results"]]


def test_guides_are_listed_published_only_by_id_and_filtered_as_the_page_filters(client, world):
    assert slugs(client.get("/api/v1/guides")) == ["peace-and-reconciliation", "visas", "youth-exchange"]
    assert slugs(client.get("/api/v1/guides", {"q": "volunteer"})) == ["peace-and-reconciliation", "youth-exchange"]
    assert slugs(client.get("/api/v1/guides", {"tag": "visas"})) == ["visas"]
    assert slugs(client.get("/api/v1/guides", {"kind": "case_study"})) == ["youth-exchange"]
    assert slugs(client.get("/api/v1/guides", {"link": world["link"].pk})) == ["peace-and-reconciliation"]
    assert slugs(client.get("/api/v1/guides", {"place": world["coventry"].pk})) == []
    first = client.get("/api/v1/guides", {"limit": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2
    assert [g["slug"] for g in client.get(first["next"]).json()["results"]] == ["youth-exchange"]
    item = first["results"][0]
    assert item["links"] == [{"id": world["link"].pk, "url": f"/api/v1/links/{world['link'].pk}"}]
    assert item["web_url"] == "/knowledge/peace-and-reconciliation/" and "body" not in item


def test_a_guide_has_its_text_and_sources_and_an_unpublished_one_is_a_404(client, world):
    answer = client.get("/api/v1/guides/peace-and-reconciliation")
    assert answer.status_code == 200
    data = answer.json()
    assert data["body"] == "Volunteers met in **1944**."
    assert data["sources"] == [
        {"source_id": None, "url": "https://example.org/report.pdf", "passage": "Volunteers kept the link alive."}
    ]
    assert (
        client.get("/api/v1/guides/peace-and-reconciliation", headers={"If-None-Match": answer["ETag"]}).status_code
        == 304
    )
    missing = client.get(f"/api/v1/guides/{world['waiting'].slug}")
    assert missing.status_code == 404 and "There is no published guide" in missing.json()["detail"]


def test_bad_filters_are_refused_in_plain_words(client, world):
    answer = client.get("/api/v1/guides", {"tag": "<b>", "place": "0"})
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert "lowercase letters" in errors["tag"][0] and "place" in errors


def test_questions_are_listed_with_their_visible_answers_not_hidden_ones(client, world):
    moderator, writer = Actor(user=world["moderator"]), Actor(user=world["writer"])
    question = services.question_ask(actor=writer, title="Funding after Brexit?", tags="funding")
    shown = services.answer_post(actor=moderator, question=question, body="Try the **Turing** scheme.")
    hidden = services.answer_post(actor=moderator, question=question, body="Buy my product.")
    services.post_hide(actor=moderator, post=hidden, hidden=True, reason="Advertising")
    gone = services.question_ask(actor=writer, title="Spam?")
    services.post_hide(actor=moderator, post=gone, hidden=True, reason="Spam")
    data = client.get("/api/v1/questions").json()
    assert [q["title"] for q in data["results"]] == ["Funding after Brexit?"] and data["count"] == 1
    assert [a["id"] for a in data["results"][0]["answers"]] == [shown.pk]
    assert data["results"][0]["answers"][0]["body"] == "Try the **Turing** scheme."
    assert client.get("/api/v1/questions", {"tag": "visas"}).json()["results"] == []
    assert "author" not in data["results"][0]
