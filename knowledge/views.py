"""The knowledge bank's pages under /knowledge/: the list with search and tag filter, a guide,
writing and editing one, and the moderators' queue. Thin: the services decide who may."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.policy import Action, authorize, can
from audit.services import Actor
from core.forms import service_errors_shown
from core.record_pages import hosts_of
from knowledge import selectors, services
from knowledge.forms import AnswerForm, GuideForm, HideForm, ModerateForm, QuestionForm, SearchForm
from knowledge.models import Answer, Guide, Question

PAGE_SIZE = 20


def refusals_as_403(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return render(request, "knowledge/forbidden.html", {"reason": str(exc)}, status=403)

    return inner


# Where the services' refusals go on the knowledge forms: a source's passage under its box, a note above the form.
SERVICE_RENAMES = {"sources": "source_passage", "note": None, "__all__": None}


def _guide_or_404(request: HttpRequest, slug: str) -> Guide:
    guide = Guide.objects.filter(slug=slug).first()
    if guide is None or not selectors.may_see(request.user, guide):
        raise Http404(gettext("There is no guide at this address."))
    return guide


@require_http_methods(["GET", "HEAD"])
def guide_list(request: HttpRequest) -> HttpResponse:
    """Published guides and case studies: searched (`q`), or listed by tag and kind."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "knowledge/list.html", {"form": form, "tags": selectors.tags_in_use()}, status=400)
    query = form.cleaned_data["q"].strip()
    context: dict[str, Any] = {"form": form, "query": query, "tags": selectors.tags_in_use()}
    if query:
        context["results"] = selectors.search_results(query)
    else:
        rows = selectors.published_guides(tag=form.cleaned_data["tag"], kind=form.cleaned_data["kind"])
        context["page"] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        context["tag"] = form.cleaned_data["tag"]
    context["mine"] = selectors.guides_of(request.user)
    context["may_write"] = can(request.user, Action.PROPOSE)
    context["may_moderate"] = can(request.user, Action.MODERATE)
    return render(request, "knowledge/list.html", context)


@require_http_methods(["GET", "HEAD"])
def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    guide = _guide_or_404(request, slug)
    context = {
        "guide": guide,
        "sources": guide.sources.select_related("source"),
        "places": guide.places.all(),
        "links": guide.links.prefetch_related("parties__place", "parties__institution"),
        "may_edit": selectors.may_edit(request.user, guide),
        "may_moderate": can(request.user, Action.MODERATE) and not guide.is_published,
        "moderate_form": ModerateForm(initial={"edit_version": guide.version}),
    }
    return render(request, "knowledge/detail.html", context)


def _form_fields(form: GuideForm, kept: list[services.SourceSpec] = ()) -> dict[str, Any]:
    """The service's arguments from the form: the source it names first, then `kept` (the guide's
    other sources, which the form does not show and an edit keeps)."""
    data = form.cleaned_data
    cited = services.SourceSpec(url=data["source_url"], source=data["source"], passage=data["source_passage"])
    return {
        "kind": data["kind"],
        "title": data["title"],
        "summary": data["summary"],
        "body": data["body"],
        "tags": data["tags"],
        "sources": [cited, *kept],
        "places": data["places"],
        "links": data["links"],
    }


def _form_page(request: HttpRequest, form: GuideForm, guide: Guide | None, kept: int = 0) -> HttpResponse:
    status = 400 if form.is_bound else 200
    return render(request, "knowledge/form.html", {"form": form, "guide": guide, "kept": kept}, status=status)


@login_required
@refusals_as_403
@require_http_methods(["GET", "HEAD", "POST"])
def guide_create(request: HttpRequest) -> HttpResponse:
    actor = Actor(user=request.user)
    authorize(actor, Action.PROPOSE)
    form = GuideForm(request.POST or None, initial={"kind": "guide"}, hosts=hosts_of(request))
    if request.method == "POST" and form.is_valid():
        try:
            guide = services.guide_create(actor=actor, **_form_fields(form))
        except ValidationError as exc:
            service_errors_shown(form, exc, SERVICE_RENAMES)
        else:
            if guide.is_published:
                messages.success(request, gettext("The guide is published."))
            else:
                messages.success(request, gettext("Thank you. A moderator will read the guide before it is published."))
            return redirect(guide.get_absolute_url())
    return _form_page(request, form, None)


def _addresses(records: Any) -> str:
    """Records as the form's "one per line" boxes show them: the addresses of their pages, which
    carry their names ("/places/12/leeds")."""
    return "\n".join(record.get_absolute_url() for record in records)


@login_required
@refusals_as_403
@require_http_methods(["GET", "HEAD", "POST"])
def guide_edit(request: HttpRequest, slug: str) -> HttpResponse:
    guide = _guide_or_404(request, slug)
    if not selectors.may_edit(request.user, guide):
        raise PermissionDenied(gettext("Only its author or a moderator can change this guide."))
    cited = list(guide.sources.select_related("source"))
    first = cited[0] if cited else None
    kept = [services.SourceSpec(passage=c.passage, source=c.source, url=c.url) for c in cited[1:]]
    initial = {
        "kind": guide.kind,
        "title": guide.title,
        "summary": guide.summary,
        "body": guide.body,
        "tags": ", ".join(guide.tags),
        "source_url": first.url if first else "",
        "source": first.source.get_absolute_url() if first and first.source else "",
        "source_passage": first.passage if first else "",
        "places": _addresses(guide.places.all()),
        "links": _addresses(guide.links.prefetch_related("parties")),
        "edit_version": guide.version,
    }
    form = GuideForm(request.POST or None, initial=initial, hosts=hosts_of(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.guide_update(
                actor=Actor(user=request.user),
                guide=guide,
                expected_version=form.cleaned_data.get("edit_version"),
                **_form_fields(form, kept),
            )
        except ValidationError as exc:
            service_errors_shown(form, exc, SERVICE_RENAMES)
        else:
            if guide.is_published:
                messages.success(request, gettext("Your changes were saved."))
            else:
                messages.success(request, gettext("Your changes were saved. A moderator will read them."))
            return redirect(guide.get_absolute_url())
    return _form_page(request, form, guide, kept=len(kept))


@login_required
@refusals_as_403
@require_http_methods(["GET", "HEAD"])
def moderation_queue(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.MODERATE):
        raise PermissionDenied(gettext("Only moderators can see the guides waiting for review."))
    return render(request, "knowledge/queue.html", {"guides": selectors.moderation_queue()})


@login_required
@refusals_as_403
@require_POST
def guide_moderate(request: HttpRequest, slug: str) -> HttpResponse:
    guide = _guide_or_404(request, slug)
    form = ModerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose to publish the guide or to send it back."))
        return redirect(guide.get_absolute_url())
    publish = form.cleaned_data["decision"] == "publish"
    try:
        services.guide_moderate(
            actor=Actor(user=request.user),
            guide=guide,
            publish=publish,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data.get("edit_version"),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(guide.get_absolute_url())
    if publish:
        messages.success(request, gettext("The guide is published."))
    else:
        messages.success(request, gettext("The guide was sent back to its author with your note."))
    return redirect("knowledge:queue")


# ---------------------------------------------------------------- ask the network


@require_http_methods(["GET", "HEAD"])
def question_list(request: HttpRequest) -> HttpResponse:
    tag = request.GET.get("tag", "")[:40]
    page = Paginator(selectors.questions(tag=tag), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "tag": tag, "may_write": can(request.user, Action.PROPOSE)}
    return render(request, "knowledge/questions.html", context)


def _question_or_404(request: HttpRequest, pk: int) -> Question:
    question = selectors.question_for(request.user, pk)
    if question is None:
        raise Http404(gettext("There is no question with this number."))
    return question


def _question_page(
    request: HttpRequest, question: Question, form: AnswerForm | None, status: int = 200
) -> HttpResponse:
    context = {
        "question": question,
        "answers": selectors.answers_for(request.user, question),
        "form": form if form is not None else (AnswerForm() if can(request.user, Action.PROPOSE) else None),
        "may_hide": can(request.user, Action.REMOVE),
    }
    return render(request, "knowledge/question.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _question_page(request, _question_or_404(request, pk), None)


@login_required
@refusals_as_403
@require_http_methods(["GET", "HEAD", "POST"])
def question_ask(request: HttpRequest) -> HttpResponse:
    actor = Actor(user=request.user)
    authorize(actor, Action.PROPOSE)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if form.is_bot:
            return redirect("knowledge:questions")
        if form.is_valid():
            try:
                question = services.question_ask(
                    actor=actor,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    tags=form.cleaned_data["tags"],
                )
            except ValidationError as exc:
                service_errors_shown(form, exc, SERVICE_RENAMES)
            else:
                messages.success(request, gettext("Your question is on the board."))
                return redirect(question.get_absolute_url())
    status = 400 if form.is_bound else 200
    return render(request, "knowledge/ask.html", {"form": form}, status=status)


@login_required
@refusals_as_403
@require_POST
def answer_post(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_or_404(request, pk)
    form = AnswerForm(request.POST)
    if form.is_bot:
        return redirect(question.get_absolute_url())
    if form.is_valid():
        try:
            answer = services.answer_post(
                actor=Actor(user=request.user), question=question, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            service_errors_shown(form, exc, SERVICE_RENAMES)
        else:
            messages.success(request, gettext("Thank you: your answer is on the board."))
            return redirect(answer.get_absolute_url())
    return _question_page(request, question, form, status=400)


@login_required
@refusals_as_403
@require_POST
def post_hide(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = {"question": Question, "answer": Answer}.get(kind)
    post = model.objects.filter(pk=pk).first() if model else None
    if post is None:
        raise Http404(gettext("There is no question with this number."))
    form = HideForm(request.POST)
    question = post if isinstance(post, Question) else post.question
    if form.is_valid():
        try:
            services.post_hide(
                actor=Actor(user=request.user),
                post=post,
                hidden=form.cleaned_data["hidden"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data.get("edit_version"),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                gettext("It is hidden, and kept for history.") if post.hidden else gettext("It is shown again."),
            )
    return redirect(question.get_absolute_url())
