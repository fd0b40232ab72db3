"""The knowledge bank's emails, read as their recipients would: who gets one, in which language,
what it says and links to, and what it never carries (hidden answers, addresses, a second copy)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import translation

from accounts.models import Role, RoleGrant
from accounts.testing import account_create
from audit.services import Actor
from core.antibot import form_shown_token
from core.models import SentEmail
from knowledge import emails, services, tasks
from knowledge.models import Guide, Question
from knowledge.services import SourceSpec

CITE = [SourceSpec(url="https://example.org/report.pdf", passage="Younger members came online.")]


@pytest.fixture
def people(db, settings):
    settings.SITE_URL = "https://hub.example"
    settings.FORM_MIN_SECONDS = 0
    cache.clear()
    revoked = account_create("former-moderator@example.org", role=Role.MODERATOR)
    RoleGrant.objects.filter(user=revoked).update(revoked_at="2030-01-01T00:00Z")
    return {
        "writer": account_create("writer@example.org"),
        "moderator": account_create("moderator@example.org", role=Role.MODERATOR),
        "other_moderator": account_create("other-moderator@example.org", role=Role.MODERATOR),
        "helper": account_create("helper@example.org"),
    }


def write(user, title="Drawing in younger members"):
    return services.guide_create(
        actor=Actor(user=user), title=title, summary="How three associations did it.", body="Online.", sources=CITE
    )


def recipients() -> list[list[str]]:
    return sorted(message.to for message in mail.outbox)


# ---------------------------------------------------------------- a guide waiting for review


def test_a_contributors_guide_is_announced_to_each_moderator_once(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        guide = write(people["writer"])
    assert recipients() == [["moderator@example.org"], ["other-moderator@example.org"]]  # not the revoked one
    message = mail.outbox[0]
    assert message.subject == "[Twinning Hub] A guide is waiting for review: Drawing in younger members"
    assert f"Member {people['writer'].pk} has sent the guide “Drawing in younger members”" in message.body
    assert f"https://hub.example{guide.get_absolute_url()}" in message.body
    assert "https://hub.example/knowledge/review/" in message.body
    assert "writer@example.org" not in message.body and "writer" not in message.subject  # no name, no address

    # An edit while it waits says nothing new; run again, the task sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        services.guide_update(actor=Actor(user=people["writer"]), guide=guide, body="Online, and in person.")
    assert len(mail.outbox) == 2
    assert tasks.guide_review_email.enqueue(guide.pk, 1).return_value == 0
    assert len(mail.outbox) == 2


def test_a_moderators_own_guide_waits_for_nobody(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        write(people["moderator"])
    assert mail.outbox == []


def test_a_guide_sent_again_after_being_sent_back_is_announced_again(people, django_capture_on_commit_callbacks):
    guide = write(people["writer"])
    services.guide_moderate(actor=Actor(user=people["moderator"]), guide=guide, publish=False, note="Cite a page.")
    with django_capture_on_commit_callbacks(execute=True):
        services.guide_submit(actor=Actor(user=people["writer"]), guide=guide)
    assert recipients() == [["moderator@example.org"], ["other-moderator@example.org"]]


def test_the_author_who_is_a_moderator_is_not_told_of_their_own_guide(people, django_capture_on_commit_callbacks):
    guide = write(people["writer"])
    RoleGrant.objects.create(user=people["writer"], role=Role.MODERATOR, reason="test")
    mail.outbox.clear()
    assert emails.guide_review_send(guide_id=guide.pk, version=guide.version) == 2
    assert ["writer@example.org"] not in recipients()


# ---------------------------------------------------------------- a moderator's decision


def test_the_author_hears_that_their_guide_is_published_with_the_note(
    client, people, django_capture_on_commit_callbacks
):
    guide = write(people["writer"])
    client.force_login(people["moderator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{guide.get_absolute_url()}moderate",
            {"decision": "publish", "note": "Lovely <b>work</b>.", "edit_version": 1},
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["writer@example.org"]
    assert message.subject == "[Twinning Hub] Your guide is published: Drawing in younger members"
    assert "The moderator's note:\n\nLovely <b>work</b>." in message.body  # plain text, as typed
    assert f"https://hub.example{guide.get_absolute_url()}" in message.body
    assert "moderator@example.org" not in message.body


def test_the_author_hears_that_their_guide_was_sent_back_and_why(people, django_capture_on_commit_callbacks):
    guide = write(people["writer"])
    with django_capture_on_commit_callbacks(execute=True):
        services.guide_moderate(
            actor=Actor(user=people["moderator"]), guide=guide, publish=False, note="Cite the page of the report."
        )
    (message,) = mail.outbox
    assert message.to == ["writer@example.org"]
    assert message.subject == "[Twinning Hub] Your guide was sent back to you: Drawing in younger members"
    assert "sent it back to you with this note:\n\nCite the page of the report." in message.body
    assert f"https://hub.example{guide.get_absolute_url()}" in message.body
    # The same task run again sends nothing: the decision's email went once.
    assert tasks.guide_decision_email.enqueue(guide.pk, guide.version).return_value is False
    assert len(mail.outbox) == 1 and SentEmail.objects.filter(key__startswith="guide-decision:").count() == 1


def test_a_decision_overtaken_by_a_later_one_is_not_written_about(people):
    guide = write(people["writer"])
    services.guide_moderate(actor=Actor(user=people["moderator"]), guide=guide, publish=False, note="Not yet.")
    services.guide_moderate(actor=Actor(user=people["moderator"]), guide=guide, publish=True)
    assert emails.guide_decision_send(guide_id=guide.pk, version=2) is False  # the worker came late
    assert emails.guide_decision_send(guide_id=guide.pk, version=3) is True
    assert "published" in mail.outbox[0].subject


def test_the_author_hears_in_the_language_they_wrote_in(client, people, django_capture_on_commit_callbacks):
    client.force_login(people["writer"])
    response = client.post(
        "/fr/knowledge/new",
        {
            "kind": "guide",
            "title": "Attirer les jeunes",
            "summary": "Trois associations.",
            "body": "En ligne.",
            "source_url": "https://example.org/r",
            "source_passage": "Les jeunes sont venus.",
        },
    )
    assert response.status_code == 302
    guide = Guide.objects.get()
    assert guide.language == "fr"
    with django_capture_on_commit_callbacks(execute=True), translation.override("en-gb"):
        services.guide_moderate(actor=Actor(user=people["moderator"]), guide=guide, publish=False, note="Sources ?")
    (message,) = mail.outbox
    # Written in French (its wording is translated with the rest of the knowledge bank), and leading
    # to the French page, whatever the moderator's language.
    assert f"https://hub.example/fr/knowledge/{guide.slug}/" in message.body


def test_nobody_is_emailed_about_an_account_that_cannot_be_reached(people, django_capture_on_commit_callbacks):
    guide = write(people["writer"])
    people["writer"].is_active = False
    people["writer"].save()
    with django_capture_on_commit_callbacks(execute=True):
        services.guide_moderate(actor=Actor(user=people["moderator"]), guide=guide, publish=True)
    assert mail.outbox == []


# ---------------------------------------------------------------- answers


def ask(user, title="Where can we find funding after Brexit?"):
    return services.question_ask(actor=Actor(user=user), title=title, body="Erasmus ended.", tags="funding")


def test_the_asker_hears_of_an_answer_with_its_first_lines_and_a_link(
    client, people, django_capture_on_commit_callbacks
):
    question = ask(people["writer"])
    client.force_login(people["helper"])
    body = "Try the *Turing Scheme*.\n\nSecond line.\nThird line.\nFourth line.\nFifth line, not in the email."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/knowledge/questions/{question.pk}/answer", {"body": body, "started": form_shown_token()}
        )
    assert response.status_code == 302
    answer = question.answers.get()
    (message,) = mail.outbox
    assert message.to == ["writer@example.org"]
    assert message.subject == "[Twinning Hub] A new answer to your question: Where can we find funding after Brexit?"
    assert f"Member {people['helper'].pk} has answered your question" in message.body
    assert "> Try the *Turing Scheme*.\n> Second line.\n> Third line.\n> Fourth line.…" in message.body
    assert "Fifth line" not in message.body
    assert f"https://hub.example/knowledge/questions/{question.pk}/#answer-{answer.pk}" in message.body
    assert "helper@example.org" not in message.body
    assert tasks.answer_email.enqueue(answer.pk).return_value is False  # once
    assert len(mail.outbox) == 1


def test_answering_your_own_question_sends_nothing(people, django_capture_on_commit_callbacks):
    question = ask(people["writer"])
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_post(actor=Actor(user=people["writer"]), question=question, body="Found it myself.")
    assert mail.outbox == []


def test_an_answer_hidden_before_the_email_left_is_not_sent(people):
    question = ask(people["writer"])
    answer = services.answer_post(actor=Actor(user=people["helper"]), question=question, body="Buy my product!")
    services.post_hide(actor=Actor(user=people["moderator"]), post=answer, hidden=True, reason="Advertising")
    assert tasks.answer_email.enqueue(answer.pk).return_value is False
    other = services.answer_post(actor=Actor(user=people["helper"]), question=question, body="A real answer.")
    services.post_hide(actor=Actor(user=people["moderator"]), post=question, hidden=True, reason="Off topic")
    assert emails.answer_send(answer_id=other.pk) is False
    assert mail.outbox == []


def test_a_hostile_title_cannot_add_headers(people):
    question = Question.objects.create(author=people["writer"], title="Funding\r\nBcc: everyone@example.org")
    answer = services.answer_post(actor=Actor(user=people["helper"]), question=question, body="Try grants.")
    assert emails.answer_send(answer_id=answer.pk) is True
    (message,) = mail.outbox
    assert message.subject == "[Twinning Hub] A new answer to your question: Funding Bcc: everyone@example.org"
    assert message.bcc == [] and message.recipients() == ["writer@example.org"]


def test_the_excerpt_is_cut_at_a_length():
    assert emails.excerpt("a" * 1000) == "a" * 399 + "…"
    assert emails.excerpt("  one\n\n two  \n") == "one\n two"
