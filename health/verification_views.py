"""The pages an emailed "Is this link still active?" link opens.

Mail scanners follow links, so a GET never changes anything: it shows the question, or the chosen
answer with one button (and, for some answers, a short form); the POST records it. A link that is
forged, expired or used gets a page that says so and what to do next (400 or 410), never an error;
for a genuine one it offers "Send me a new link" (a POST, at most once an hour, to the address we
wrote to, which the page never shows). The pages show the token's own link and nothing else.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.forms import service_errors_shown
from health.models import VerificationAnswer
from health.verification import (
    TokenProblem,
    new_link_possible,
    new_link_send,
    request_answer,
    request_for_token,
)
from health.verification_forms import FORMS


def _problem(
    request: HttpRequest, problem: TokenProblem, token: str = "", *, status: int | None = None, **extra: object
) -> HttpResponse:
    """The page of a link that does not work; for a genuine token whose contact can still be written
    to, with the "Send me a new link" button."""
    asked = problem.request
    context = {
        "problem": str(problem),
        "link": asked.link if asked is not None else None,
        "token": token,
        "can_renew": asked is not None and new_link_possible(asked),
        **extra,
    }
    return render(request, "health/verify_problem.html", context, status=status or problem.status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def question(request: HttpRequest, token: str) -> HttpResponse:
    """The question, with the four answers to choose from."""
    try:
        asked = request_for_token(token)
    except TokenProblem as problem:
        return _problem(request, problem, token)
    answers = [(answer.value, answer.label) for answer in VerificationAnswer]
    context = {"asked": asked, "link": asked.link, "token": token, "answers": answers}
    return render(request, "health/verify_question.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, token: str, answer: str) -> HttpResponse:
    """One answer, to confirm with a button (GET shows it; POST records it)."""
    if answer not in FORMS:
        raise Http404
    try:
        asked = request_for_token(token)
    except TokenProblem as problem:
        return _problem(request, problem, token)
    form = FORMS[answer](request.POST if request.method == "POST" else None)
    context = {
        "asked": asked,
        "link": asked.link,
        "token": token,
        "answer": answer,
        "answer_label": VerificationAnswer(answer).label,
        "form": form,
    }
    if request.method == "POST" and form.is_valid():
        try:
            answered = request_answer(
                request=asked,
                nonce=asked.nonce,
                answer=answer,
                since=form.cleaned_data.get("since"),
                note=form.note_text(),
            )
        except ValidationError as exc:
            service_errors_shown(form, exc, {"date": "since", "when": "since"})
        else:
            context["proposal"] = answered.proposal
            return render(request, "health/verify_done.html", context)
    return render(request, "health/verify_answer.html", context, status=400 if form.is_bound else 200)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def new_link(request: HttpRequest, token: str) -> HttpResponse:
    """ "Send me a new link": GET shows the expired or used link's page (mail scanners only GET); POST
    emails fresh links to the address the hub wrote to, at most once an hour. A link that still works
    goes back to its question; a forged one has nothing to send to."""
    try:
        request_for_token(token)
    except TokenProblem as problem:
        if request.method != "POST" or problem.request is None or not new_link_possible(problem.request):
            return _problem(request, problem, token)
        done = new_link_send(request_id=problem.request.pk)
        if done.sent:
            return render(request, "health/verify_new_link.html", {"link": problem.request.link})
        if done.again_at is not None:
            again = timezone.localtime(done.again_at).strftime("%H:%M")
            return _problem(request, problem, token, status=429, too_soon=again)
        return _problem(request, problem, token)
    return redirect("verification:question", token=token)
