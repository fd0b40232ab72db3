"""The privacy pages (UK GDPR): the notice, accepting a new version of it, downloading your data,
erasing your account, and, for admins, the log of privileged actions. All work without JavaScript;
every change is a POST with its CSRF token."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import personal_data, privacy
from accounts.policy import Action, authorize
from accounts.privacy_forms import ErasureForm, PrivilegedLogFilter
from audit.models import PrivilegedAction
from audit.services import Actor
from core.ratelimit import consume, wait_in_words

PRIVILEGED_LOG_PAGE_SIZE = 50
# Tries at the erasure password per account: enough for typos, too few to guess a password.
ERASE_RATE = "5/15min"


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        privacy.NOTICE.template,
        {
            "notice": privacy.NOTICE,
            "unverified_days": settings.UNVERIFIED_ACCOUNT_DAYS,
            "contact_report_days": settings.CONTACT_REPORT_DAYS,
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        },
    )


@login_required
@require_POST
def consent_give(request: HttpRequest) -> HttpResponse:
    """The account page's "I have read the new privacy notice" button."""
    privacy.consent_record(user=request.user)
    messages.success(
        request,
        gettext("Thank you: you have accepted version %(version)s of the privacy notice.")
        % {"version": privacy.NOTICE.version},
    )
    return redirect("accounts:home")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def data_export(request: HttpRequest) -> HttpResponse:
    """Your data as a JSON download. A POST (the account page's button), so that a link on another
    site cannot make your browser fetch it; a GET leads to that button."""
    if request.method != "POST":
        return redirect(reverse("accounts:home") + "#your-data")
    document = personal_data.personal_data_export(user=request.user)
    response = HttpResponse(personal_data.as_json(document), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{personal_data.filename()}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest) -> HttpResponse:
    """Explain what erasing does, ask for the password again, then erase and sign out."""
    form = ErasureForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        wait = consume("account-erase", str(request.user.pk), ERASE_RATE)
        if wait is not None:
            form.add_error(
                None,
                gettext("Too many tries with the wrong password. Wait %(wait)s and try again.")
                % {"wait": wait_in_words(wait)},
            )
            status = 429
        elif form.is_valid():
            try:
                privacy.account_erase(user=request.user, password=form.cleaned_data["password"])
            except ValidationError as problem:  # the wrong password: nothing was changed
                form.add_error(None, problem)
            else:
                logout(request)
                return redirect("accounts:erased")
    return render(request, "accounts/erase.html", {"form": form}, status=status)


@require_GET
def erased(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/erased.html")


@login_required
@require_GET
def privileged_log(request: HttpRequest) -> HttpResponse:
    """The log of privileged actions, newest first, 50 a page, for admins only.

    Three queries whatever the page: the count, the page's entries with their actors, and the
    accounts they concern.
    """
    try:
        authorize(Actor(user=request.user), Action.READ_PRIVILEGED_LOG)
    except PermissionDenied as refusal:
        return render(request, "accounts/forbidden.html", {"message": str(refusal)}, status=403)

    filters = PrivilegedLogFilter(request.GET)
    if not filters.is_valid():
        return render(request, "accounts/privileged_log.html", {"filters": filters, "page": None}, status=400)
    entries = PrivilegedAction.objects.select_related("actor", "target_type").order_by("-at", "-id")
    kind = filters.cleaned_data["kind"]
    if kind:
        entries = entries.filter(kind=kind)
    page = Paginator(entries, PRIVILEGED_LOG_PAGE_SIZE).get_page(request.GET.get("page"))

    subject_ids = {entry.subject_user_id for entry in page.object_list if entry.subject_user_id is not None}
    subjects = get_user_model().objects.in_bulk(subject_ids)
    rows = [
        {
            "entry": entry,
            "by": privacy.public_name(entry.actor) if entry.actor_id else entry.actor_label,
            "about": _account_name(entry.subject_user_id, subjects),
        }
        for entry in page.object_list
    ]
    return render(
        request, "accounts/privileged_log.html", {"filters": filters, "page": page, "rows": rows, "kind": kind}
    )


def _account_name(user_id: int | None, accounts: dict[int, object]) -> str:
    if user_id is None:
        return ""
    account = accounts.get(user_id)
    if account is None:
        return gettext("account %(number)s (removed)") % {"number": user_id}
    return gettext("%(name)s (account %(number)s)") % {"name": privacy.public_name(account), "number": user_id}
