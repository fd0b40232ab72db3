"""Reminders that a political-dispute review is due to be looked at again ("look at it again on").

On a review's `next_review_on` day its owner's people are emailed a short reminder: the editors of
the association (live association-editor grants) or the council officers of the place (live
council-officer grants), and only those who could open the review's page today (disputes.policy):
nobody else, moderators and admins included. The email names the link and the day the review was
started, and gives the review's address; it never carries what happened, the answers, the decision
or the summary, since an email leaves the hub's hands.

`reminders_schedule` runs daily (disputes.tasks.dispute_reminders, `manage.py send_dispute_reminders`
from cron) and enqueues `reminder_send` for each review due that day; each email is sent once per
review, day and recipient (a core.SentEmail key), so running the command twice sends nothing
more, and an owner who moves the date gets a new reminder on the new day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Role
from core.emails import send_once
from core.partial_dates import long_date
from disputes.models import DisputeReview
from disputes.policy import can_see_review


def reviews_due(today: dt.date):
    """The reviews to be looked at again on `today`, of links not removed."""
    return DisputeReview.objects.filter(next_review_on=today, link__removed=False).order_by("id")


def recipients_of(review: DisputeReview) -> list:
    """The accounts to remind: active, with an address, holding a live grant for the review's owner,
    and able to open the review today (the association still runs the link, the place is still a party)."""
    if review.association_id:
        grants = {"role": Role.ASSOCIATION_EDITOR, "association_id": review.association_id}
    else:
        grants = {"role": Role.COUNCIL_OFFICER, "place_id": review.place_id}
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            role_grants__revoked_at__isnull=True,
            **{f"role_grants__{name}": value for name, value in grants.items()},
        )
        .exclude(email="")
        .distinct()
        .order_by("id")
    )
    return [user for user in users if can_see_review(user, review)]


def reminder_email(review: DisputeReview, address: str) -> EmailMessage:
    """The reminder to one of the owner's people, in the site's language (an account records none).
    Only the link's name, the day the review was started and its address: never its contents."""
    with translation.override(settings.LANGUAGE_CODE):
        names = {
            "link": review.link.display_title,
            "started": long_date(timezone.localdate(review.created_at)),
            "page": f"{settings.SITE_URL}{review.get_absolute_url()}",
        }
        lines = [
            gettext("Hello,"),
            "",
            gettext("Your review of the link %(link)s, started on %(started)s, is due to be looked at again today.")
            % names,
            "",
            gettext("Open it on the hub (only you and the others who work on it can): %(page)s") % names,
            "",
            gettext(
                "You asked for this reminder when you chose the day to look at it again; change or clear that "
                "day on the review's page to stop it."
            ),
            "",
            gettext("Twinning Hub"),
        ]
        subject = gettext("A review is due to be looked at again: %(link)s") % names
    return EmailMessage(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{' '.join(subject.split())}",
        body="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
    )


@dataclass(frozen=True)
class ReminderRound:
    """What one daily run did."""

    due: int = 0  # reviews to be looked at again today
    enqueued: int = 0  # sends handed to the worker


def reminders_schedule(today: dt.date | None = None) -> ReminderRound:
    """Enqueue the reminder of each review due today. Idempotent: a send task sends each email once."""
    from disputes.tasks import dispute_reminder_send

    today = today or timezone.localdate()
    due = list(reviews_due(today).values_list("pk", flat=True))
    for pk in due:
        dispute_reminder_send.enqueue(review_id=pk, due_on=today.isoformat())
    return ReminderRound(due=len(due), enqueued=len(due))


def reminder_send(*, review_id: int, due_on: str) -> int:
    """Send the reminders of one review for the day `due_on`, once per recipient; how many were sent now.

    The review is read afresh (the worker may run later): one whose date was moved or cleared since,
    or whose link was removed, is not reminded about for `due_on`. Each email is handed to the mail
    server inside the transaction that records its key, last: a refused email rolls the key back and
    the next run sends it; a second run finds the key and sends nothing.
    """
    day = dt.date.fromisoformat(due_on)
    review = (
        DisputeReview.objects.select_related("link", "association", "place")
        .filter(pk=review_id, next_review_on=day, link__removed=False)
        .first()
    )
    if review is None:
        return 0
    sent = 0
    for user in recipients_of(review):
        key = f"dispute-review:{review.pk}:{day.isoformat()}:user-{user.pk}"
        sent += send_once(key, reminder_email(review, user.email))
    return sent
