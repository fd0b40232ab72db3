"""Your account: what you can do here, and the way to your email, password and second factor."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import privacy
from accounts.policy import roles_of
from accounts.selectors import live_grants_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from proposals.models import Proposal, ProposalStatus

    roles = roles_of(request.user)
    pending = Proposal.objects.filter(status=ProposalStatus.PENDING)
    return render(
        request,
        "accounts/home.html",
        {
            "roles": roles,
            "pending_mine": pending.filter(proposer=request.user).count(),
            "pending_all": pending.count() if roles.trusted_everywhere else None,
            "grants": live_grants_of(request.user),
            # A new version of the privacy notice is offered here, and nowhere else.
            "consent_needed": privacy.consent_needed(request.user),
            "notice": privacy.NOTICE,
        },
    )
