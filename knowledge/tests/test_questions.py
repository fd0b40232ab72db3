"""Ask the network: questions and answers by contributors, hidden (never deleted) by moderators,
rate-limited, kept from bots, and found by the same search as the guides."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from accounts.testing import account_create
from audit.models import ChangeRecord
from audit.services import Actor
from core.antibot import form_shown_token
from knowledge import search, selectors, services
from knowledge.models import Answer, Question


@pytest.fixture
def people(db, settings):
    settings.FORM_MIN_SECONDS = 0
    cache.clear()
    return {
        "asker": account_create("asker@example.org"),
        "helper": account_create("helper@example.org"),
        "moderator": account_create("moderator@example.org", role=Role.MODERATOR),
    }


def ask(user, title="Where can we find funding after Brexit?", body="Our **youth exchange** lost its grant."):
    return services.question_ask(actor=Actor(user=user), title=title, body=body, tags="funding")


def test_a_question_and_its_answer_through_the_pages(client, people):
    client.force_login(people["asker"])
    response = client.post(
        "/knowledge/questions/new",
        {"title": "Where can we find funding after Brexit?", "body": "Erasmus ended.", "started": form_shown_token()},
    )
    assert response.status_code == 302
    question = Question.objects.get()
    client.force_login(people["helper"])
    response = client.post(
        f"/knowledge/questions/{question.pk}/answer",
        {"body": "Try the *Turing Scheme* for schools.", "started": form_shown_token()},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#answer-{question.answers.get().pk}")
    client.logout()
    page = client.get(question.get_absolute_url()).content.decode()
    assert "Erasmus ended." in page and "Try the <em>Turing Scheme</em> for schools." in page
    assert "1 answer" in page
    assert "Where can we find funding after Brexit?" in client.get("/knowledge/questions/").content.decode()


def test_questions_and_answers_are_in_the_same_search_as_guides(client, people):
    question = ask(people["asker"])
    services.answer_post(actor=Actor(user=people["helper"]), question=question, body="The Turing Scheme funds trips.")
    results = selectors.search_results("turing")
    assert [(r.label, r.title) for r in results] == [("answer", "Where can we find funding after Brexit?")]
    page = client.get("/knowledge/?q=grant").content.decode()
    assert "lost its <mark>grant</mark>" in page and "Question" in page


def test_a_moderator_hides_a_post_which_is_kept_for_history_and_off_the_board(client, people):
    question = ask(people["asker"])
    answer = services.answer_post(actor=Actor(user=people["helper"]), question=question, body="Buy my product!")
    with pytest.raises(PermissionDenied):
        services.post_hide(actor=Actor(user=people["asker"]), post=answer, hidden=True, reason="spam")
    with pytest.raises(ValidationError, match="Say why it is hidden"):
        services.post_hide(actor=Actor(user=people["moderator"]), post=answer, hidden=True)

    client.force_login(people["moderator"])
    response = client.post(
        f"/knowledge/posts/answer/{answer.pk}/hide", {"hidden": "on", "reason": "Advertising", "edit_version": 1}
    )
    assert response.status_code == 302
    assert "Advertising" in client.get(question.get_absolute_url()).content.decode()  # moderators still see it
    client.logout()
    page = client.get(question.get_absolute_url()).content.decode()
    assert "Buy my product!" not in page and "0 answers" in page
    assert search.search("product") == []
    assert Answer.objects.filter(pk=answer.pk, hidden=True).exists()
    assert ChangeRecord.objects.filter(summary__startswith="Hid the answer").count() == 1

    services.post_hide(actor=Actor(user=people["moderator"]), post=question, hidden=True, reason="Off-topic")
    assert client.get(question.get_absolute_url()).status_code == 404
    assert search.search("brexit") == []
    with pytest.raises(ValidationError, match="takes no more answers"):
        services.answer_post(actor=Actor(user=people["helper"]), question=question, body="Late")


def test_posting_is_rate_limited(people, settings):
    settings.KNOWLEDGE_POST_RATE = "2/h"
    ask(people["asker"], title="One?")
    ask(people["asker"], title="Two?")
    with pytest.raises(services.RateLimited, match="You have posted a lot in a short time"):
        ask(people["asker"], title="Three?")
    assert Question.objects.count() == 2


def test_a_bot_filling_the_honeypot_is_told_nothing_and_saves_nothing(client, people):
    client.force_login(people["asker"])
    response = client.post(
        "/knowledge/questions/new",
        {"title": "Cheap pills", "website": "http://spam.example", "started": form_shown_token()},
    )
    assert response.status_code == 302 and not Question.objects.exists()


def test_visitors_read_but_cannot_post(client, people):
    question = ask(people["asker"])
    assert "Sign in to ask or answer a question" in client.get(question.get_absolute_url()).content.decode()
    assert client.post(f"/knowledge/questions/{question.pk}/answer", {"body": "x"}).status_code == 302  # sign in
    unverified = account_create("new@example.org", verified=False)
    with pytest.raises(PermissionDenied, match="Confirm your email address first"):
        ask(unverified)


def test_an_empty_answer_is_refused_in_plain_words(client, people):
    question = ask(people["asker"])
    client.force_login(people["helper"])
    response = client.post(f"/knowledge/questions/{question.pk}/answer", {"body": "", "started": form_shown_token()})
    assert response.status_code == 400
    assert "Enter your answer." in response.content.decode()


def test_the_board_speaks_french(client, people):
    ask(people["asker"])
    page = client.get("/fr/knowledge/questions/").content.decode()
    assert "Demander au réseau" in page and "1 question" in page and "0 réponse" in page
