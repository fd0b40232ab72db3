"""Pages of political-dispute reviews. Thin: forms validate, services decide and write, selectors read.

Anyone signed out is sent to sign in before anything is looked up (so the answer is the same whether a
review exists or not); anyone signed in who does not speak for the review's owner gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.policy import roles_of
from audit.services import Actor
from core.versioning import EditConflict
from disputes.forms import PublishForm, ReviewForm
from disputes.models import DisputeReview
from disputes.policy import can_see_review, owners_for
from disputes.questions import QUESTIONS
from disputes.selectors import reviews_of
from disputes.services import review_create, review_update, summary_publish, summary_unpublish
from links.models import Link
from places.local_names import local_names_prefetch


def _link(pk: int) -> Link:
    link = (
        Link.objects.prefetch_related("parties__place", "parties__institution", *local_names_prefetch("parties__place"))
        .filter(pk=pk)
        .first()
    )
    if link is None:
        raise Http404(gettext("No link with this number."))
    return link


def _review(request: HttpRequest, pk: int) -> DisputeReview:
    """The review, if the reader speaks for its owner; else 404, as if there were none."""
    review = DisputeReview.objects.select_related("association", "place").filter(pk=pk).first()
    if review is None:
        raise Http404(gettext("There is no page at this address."))
    review.link = _link(review.link_id)
    if not can_see_review(request.user, review):
        raise Http404(gettext("There is no page at this address."))
    return review


def _guide_url() -> str:
    """The knowledge bank's guide on advocacy (the report's first recommendation), where it is loaded."""
    from core.models import ExternalId
    from knowledge.seed import SCHEME

    guide = ExternalId.lookup(SCHEME, "recommendation-advocacy")
    return guide.get_absolute_url() if guide is not None and getattr(guide, "is_published", True) else ""


def _signed_in(request: HttpRequest) -> HttpResponse | None:
    if roles_of(request.user).signed_in:
        return None
    return redirect_to_login(request.get_full_path())


def review_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The reader's owners' reviews of one link, and where to start a new one."""
    if (refused := _signed_in(request)) is not None:
        return refused
    link = _link(pk)
    owners = owners_for(request.user, link)
    if not owners:
        raise Http404(gettext("There is no page at this address."))
    context = {
        "link": link,
        "reviews": reviews_of(link, owners),
        "owners": owners.choices(),
        "questions": QUESTIONS,
        "guide_url": _guide_url(),
    }
    return render(request, "disputes/review_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def review_new(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _signed_in(request)) is not None:
        return refused
    link = _link(pk)
    owners = owners_for(request.user, link)
    if not owners:
        raise Http404(gettext("There is no page at this address."))
    form = ReviewForm(request.POST if request.method == "POST" else None, owners=owners)
    if request.method == "POST" and form.is_valid():
        owner = owners.pick(form.owner_key())
        try:
            review = review_create(actor=Actor(user=request.user), link=link, **owner, **form.service_arguments())
        except PermissionDenied as exc:
            raise Http404(gettext("There is no page at this address.")) from exc
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, gettext("Your answers are saved. Only you and your colleagues can read them."))
            return HttpResponseRedirect(review.get_absolute_url())
    status = 400 if form.errors else 200
    heading = gettext("Work through the political-dispute questions on %(link)s") % {"link": link.display_title}
    context = {"form": form, "link": link, "heading": heading, "owners": owners.choices(), "guide_url": _guide_url()}
    return render(request, "disputes/review_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _signed_in(request)) is not None:
        return refused
    review = _review(request, pk)
    form = ReviewForm(
        request.POST if request.method == "POST" else None, owners=owners_for(request.user, review.link), review=review
    )
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        try:
            review_update(
                actor=Actor(user=request.user),
                review=review,
                expected_version=form.cleaned_data.get("edit_version"),
                **arguments,
            )
        except PermissionDenied as exc:
            raise Http404(gettext("There is no page at this address.")) from exc
        except EditConflict:
            form.add_error(
                None,
                gettext(
                    "Someone else saved this review while you were editing it, so your changes were not saved. "
                    "Open the review again to see their version, then make your changes again."
                ),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, gettext("Your answers are saved."))
            return HttpResponseRedirect(review.get_absolute_url())
    status = 400 if form.errors else 200
    heading = gettext("Edit your answers on %(link)s") % {"link": review.link.display_title}
    context = {"form": form, "link": review.link, "review": review, "heading": heading, "guide_url": _guide_url()}
    return render(request, "disputes/review_form.html", context, status=status)


def _detail(request: HttpRequest, review: DisputeReview, publish_form: PublishForm | None = None) -> HttpResponse:
    if publish_form is None:
        publish_form = PublishForm(initial={"public_summary": review.public_summary, "edit_version": review.version})
    answers = [(question, hint, getattr(review, name)) for name, question, hint in QUESTIONS]
    context = {"review": review, "link": review.link, "answers": answers, "form": publish_form}
    return render(request, "disputes/review_detail.html", context, status=400 if publish_form.errors else 200)


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _signed_in(request)) is not None:
        return refused
    return _detail(request, _review(request, pk))


@require_POST
def review_publish(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _signed_in(request)) is not None:
        return refused
    review = _review(request, pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            summary_publish(
                actor=Actor(user=request.user),
                review=review,
                summary=form.cleaned_data["public_summary"],
                expected_version=form.cleaned_data.get("edit_version"),
            )
        except PermissionDenied as exc:
            raise Http404(gettext("There is no page at this address.")) from exc
        except EditConflict:
            form.add_error(
                None,
                gettext(
                    "Someone else changed this review while you were writing, so the summary was not published. "
                    "Open the review again to see the latest version, then publish again."
                ),
            )
        except ValidationError as error:
            for message in error.message_dict.get("public_summary", error.messages):
                form.add_error("public_summary", message)
        else:
            messages.success(request, gettext("The summary is on the link's timeline. Your answers stay private."))
            return HttpResponseRedirect(f"{review.link.get_absolute_url()}#timeline")
    review.refresh_from_db()
    return _detail(request, review, form)


@require_POST
def review_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _signed_in(request)) is not None:
        return refused
    review = _review(request, pk)
    summary_unpublish(actor=Actor(user=request.user), review=review)
    messages.success(request, gettext("The summary is off the link's timeline. Its text is kept with your review."))
    return HttpResponseRedirect(review.get_absolute_url())
