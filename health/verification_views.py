"""The pages an emailed "Is this link still active?" link opens.

Mail scanners follow links, so a GET never changes anything: it shows the question, or the chosen
answer with one button (and, for some answers, a short form); the POST records it. A link that is
forged, expired or used gets a page that says so and what to do next (400 or 410), never an error.
The pages show the token's own link and nothing else.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from health.models import VerificationAnswer
from health.verification import TokenProblem, request_answer, request_for_token
from health.verification_forms import FORMS


def _problem(request: HttpRequest, problem: TokenProblem) -> HttpResponse:
    context = {"problem": str(problem), "link": problem.request.link if problem.request is not None else None}
    return render(request, "health/verify_problem.html", context, status=problem.status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def question(request: HttpRequest, token: str) -> HttpResponse:
    """The question, with the four answers to choose from."""
    try:
        asked = request_for_token(token)
    except TokenProblem as problem:
        return _problem(request, problem)
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
        return _problem(request, problem)
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
            _add_errors(form, exc)
        else:
            context["proposal"] = answered.proposal
            return render(request, "health/verify_done.html", context)
    return render(request, "health/verify_answer.html", context, status=400 if form.is_bound else 200)


def _add_errors(form, exc: ValidationError) -> None:
    """The service's objections, shown against the field they concern (a status change's date
    before the link began is the date's), the rest above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.error_dict.items():
        messages = [message for error in errors for message in error.messages]
        target = "since" if field in ("date", "when", "since") and "since" in form.fields else None
        form.add_error(target, messages)
