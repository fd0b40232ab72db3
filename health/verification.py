"""Asking the people on the ground whether a link still runs ("Is this link still active?").

Who is asked: the contacts (with an email address, not removed) of the associations that run a
link. A link is due when its newest verification is older than VERIFICATION_EVERY_DAYS (or it has
none) and nobody was asked about it in that time; each contact gets one VerificationRequest, and
the tasks in health.tasks send it, send it again after VERIFICATION_RETRY_DAYS, and after
VERIFICATION_ATTEMPTS unanswered emails mark the request unanswered and the link unverified.

The email carries signed links (django.core.signing, dated, salted) that name the request and
its nonce. A link works for VERIFICATION_TOKEN_DAYS and once: answering clears the nonce (and
those of the link's other requests, whose contacts need not answer any more). The token names
only its request, so it shows and answers for its own link and no other.

An answer records a health.Verification. "Paused" and "ended" also propose a status event to the
moderators through proposals.services.change_submit, citing the contact's answer as a first-hand
source: the link's status never changes on an emailed click alone.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from associations.models import Contact
from audit.services import Actor
from core.models import SentEmail
from core.partial_dates import PartialDate, long_date
from health.health import health_refresh
from health.models import (
    LinkHealth,
    RequestStatus,
    Verification,
    VerificationAnswer,
    VerificationRequest,
    VerifierRole,
)
from health.services import verification_record
from links.models import Link, LinkStatus

TOKEN_SALT = "health.verification"
OPEN = (RequestStatus.WAITING, RequestStatus.SENT)
# Requests whose emailed links may still be answered (a late answer to an unanswered one counts).
ANSWERABLE = (RequestStatus.SENT, RequestStatus.UNANSWERED)
# A contact may ask for a new link on an expired or used link's page, once an hour at most.
NEW_LINK_EVERY = dt.timedelta(hours=1)

# The account that proposes the status changes contacts report by email. A contact has no account;
# a proposal needs a proposer, and a process actor cannot propose. This account has no password
# (nobody signs in as it), no roles (its changes always wait for a moderator), no email of its own
# (proposals.services tells nobody of the decision) and a username no sign-up can take (':').
ANSWERS_USERNAME = "hub:verification-answers"
ANSWERS_ADDRESS = "verification-answers@twinning-hub.invalid"


# ---------------------------------------------------------------- who is asked, and when


def contacts_of(link: Link) -> list[Contact]:
    """The link's contacts that can be asked: with an email address, not removed, of an association
    (not removed) that runs the link; one per address."""
    contacts = (
        Contact.objects.filter(association__links=link, association__removed=False, removed=False)
        .exclude(email="")
        .order_by("id")
    )
    seen: set[str] = set()
    chosen = []
    for contact in contacts:
        if contact.email.lower() not in seen:
            seen.add(contact.email.lower())
            chosen.append(contact)
    return chosen


def links_due(now: dt.datetime | None = None):
    """Links to ask about now: not removed, not ended, run by an association with a contact address,
    last verified more than VERIFICATION_EVERY_DAYS ago (or never), and nobody asked in that time."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.VERIFICATION_EVERY_DAYS)
    newest = Verification.objects.filter(link=OuterRef("pk")).order_by("-verified_at").values("verified_at")[:1]
    asked = VerificationRequest.objects.filter(link=OuterRef("pk")).filter(
        Q(status__in=OPEN) | (Q(created_at__gt=cutoff) & ~Q(status=RequestStatus.CANCELLED))
    )
    reachable = Contact.objects.filter(
        association__links=OuterRef("pk"), association__removed=False, removed=False
    ).exclude(email="")
    return (
        Link.objects.filter(removed=False)
        .exclude(current_status=LinkStatus.ENDED)
        .annotate(last_verified=Subquery(newest))
        .filter(Q(last_verified__isnull=True) | Q(last_verified__lt=cutoff))
        .filter(Exists(reachable))
        .exclude(Exists(asked))
        .order_by("id")
    )


def requests_create(link: Link) -> list[VerificationRequest]:
    """One waiting request for each of the link's contacts that has none open."""
    made = []
    for contact in contacts_of(link):
        try:
            with transaction.atomic():
                made.append(
                    VerificationRequest.objects.create(link=link, contact=contact, nonce=secrets.token_urlsafe(24))
                )
        except IntegrityError:  # another run opened one for this contact meanwhile
            continue
    return made


@dataclass(frozen=True)
class Round:
    """What one scheduling run did, counted."""

    asked: int = 0  # new requests
    resent: int = 0  # retries enqueued
    unanswered: int = 0  # requests given up on
    unverified_links: int = 0


def schedule_run(now: dt.datetime | None = None) -> Round:
    """Open requests for the links that are due, retry the unanswered, give up on the exhausted.

    Sending is enqueued (health.tasks.verification_send) once each request is committed; the
    task is idempotent, so enqueuing a send twice sends one email.
    """
    from health.tasks import verification_send

    now = now or timezone.now()
    sends: list[tuple[int, int]] = []
    asked = 0
    for link in links_due(now).iterator(chunk_size=500):
        made = requests_create(link)
        asked += len(made)
        sends += [(request.pk, 1) for request in made]
    # Requests never sent (a lost enqueue, a mail server that refused): try the first email again.
    made_now = {pk for pk, _attempt in sends}
    waiting = VerificationRequest.objects.filter(status=RequestStatus.WAITING, attempts=0)
    sends += [(pk, 1) for pk in waiting.values_list("pk", flat=True) if pk not in made_now]

    # Sent VERIFICATION_RETRY_DAYS days ago or more, counted in days: a daily run retries on the
    # 14th day even when the worker sent the first email a few minutes after that day's run.
    retry_day = timezone.localdate(now) - dt.timedelta(days=settings.VERIFICATION_RETRY_DAYS - 1)
    retry_before = timezone.make_aware(dt.datetime.combine(retry_day, dt.time.min))
    stale = VerificationRequest.objects.filter(status=RequestStatus.SENT, last_sent_at__lt=retry_before)
    resent = 0
    for pk, attempts in stale.filter(attempts__lt=settings.VERIFICATION_ATTEMPTS).values_list("pk", "attempts"):
        sends.append((pk, attempts + 1))
        resent += 1
    unanswered, unverified = _give_up(stale.filter(attempts__gte=settings.VERIFICATION_ATTEMPTS))

    for request_id, attempt in sends:
        verification_send.enqueue(request_id=request_id, attempt=attempt)
    return Round(asked=asked, resent=resent, unanswered=unanswered, unverified_links=unverified)


def _give_up(requests) -> tuple[int, int]:
    """Mark exhausted requests unanswered, and work out their links' health afresh: a link asked in
    vain since its last verification is unverified (health.health). Their emailed links still work
    until they expire: a late answer is welcome, and verifies the link again."""
    ids = list(requests.values_list("pk", "link_id"))
    if not ids:
        return 0, 0
    with transaction.atomic():
        count = VerificationRequest.objects.filter(pk__in=[pk for pk, _link in ids], status=RequestStatus.SENT).update(
            status=RequestStatus.UNANSWERED
        )
        link_ids = sorted({link_id for _pk, link_id in ids})
        health_refresh(link_ids)
        unverified = LinkHealth.objects.filter(link_id__in=link_ids, unverified=True).count()
    return count, unverified


# ---------------------------------------------------------------- the email


def token_for(request: VerificationRequest) -> str:
    """The signed, dated token of the request's emailed links: its id and nonce, nothing else."""
    return signing.dumps({"r": request.pk, "n": request.nonce}, salt=TOKEN_SALT)


def answer_url(request: VerificationRequest, answer: str = "") -> str:
    """The address of the request's page (with one answer chosen), in the active language."""
    token = token_for(request)
    if answer:
        path = reverse("verification:answer", kwargs={"token": token, "answer": answer})
    else:
        path = reverse("verification:question", kwargs={"token": token})
    return f"{settings.SITE_URL}{path}"


def email_language() -> str:
    """The language a verification email is written in: the site's. A contact's language is not
    recorded; the page the links open has the language switcher."""
    return settings.LANGUAGE_CODE


def email_for(request: VerificationRequest, attempt: int, *, renewed: bool = False) -> EmailMessage:
    """The "Is this link still active?" email to the request's contact, with its four answer links
    (`renewed`: the fresh links the contact asked for on an expired or used link's page)."""
    contact, link = request.contact, request.link
    with translation.override(email_language()):
        title = link.display_title
        names = {
            "name": contact.name,
            "association": contact.association.name,
            "link": title,
            "page": f"{settings.SITE_URL}{link.get_absolute_url()}",
        }
        lines = [gettext("Dear %(name)s,") % names, ""]
        if renewed:
            lines += [
                gettext(
                    "You asked the hub for a new link to answer our question about %(link)s: here it is. If you "
                    "did not ask for it, you can ignore this email."
                )
                % names,
                "",
            ]
        elif attempt > 1 and request.last_sent_at is not None:
            lines += [
                gettext("We wrote to you on %(date)s and have not heard back yet, so we are asking again.")
                % {"date": long_date(timezone.localdate(request.last_sent_at))},
                "",
            ]
        lines += [
            gettext(
                "Twinning Hub lists you as a contact of %(association)s, which runs the link %(link)s "
                "(%(page)s). To keep the registry true, we ask the people who run each link once in a while:"
            )
            % names,
            "",
            gettext("Is this link still active?"),
            "",
        ]
        for answer in VerificationAnswer:
            lines += [f"* {answer.label[:1].upper()}{answer.label[1:]}:", f"  {answer_url(request, answer.value)}"]
        lines += [
            "",
            gettext(
                "Each address opens a page where you confirm your answer with one button; nothing changes "
                "until you press it. If the link is paused or has ended, the hub's moderators check your answer "
                "before the link's page changes."
            ),
            gettext("These addresses work once, for %(days)d days, and only for this link.")
            % {"days": settings.VERIFICATION_TOKEN_DAYS},
            "",
            gettext(
                "If you no longer have anything to do with %(association)s, choose 'someone else runs it now' "
                "and tell us who does, if you know."
            )
            % names,
        ]
        subject = gettext("Is this link still active? %(link)s") % names
    return EmailMessage(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[contact.email],
    )


def request_send(*, request_id: int, attempt: int) -> bool:
    """Send the request's email for `attempt` (1 for the first, 2 for the first retry …), once.

    The request is locked, and sends only if fewer than `attempt` emails went before: a task run
    twice, or enqueued twice, sends one email. The email is handed to the mail backend inside the
    transaction, as its last step, before the attempt is committed: if the mail server refuses it,
    the attempt is rolled back and a later run sends it again; the other order (on commit) would
    record an email that was never sent, and nothing would send it. The lock keeps a concurrent run
    waiting until this one commits, when it finds the attempt made. (Only a database failure in the
    instant between the mail server's acceptance and the commit could send one twice.)
    Returns whether an email was sent.
    """
    with transaction.atomic():
        request = VerificationRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or request.status not in OPEN or request.attempts >= attempt:
            return False
        contact = Contact.objects.select_related("association").get(pk=request.contact_id)
        link = Link.all_objects.prefetch_related("parties").get(pk=request.link_id)
        still_theirs = contact.association.links.filter(pk=link.pk).exists()
        if link.removed or contact.removed or not contact.email or contact.association.removed or not still_theirs:
            request.status, request.nonce = RequestStatus.CANCELLED, ""
            request.save(update_fields=["status", "nonce"])
            return False
        request.contact, request.link = contact, link
        message = email_for(request, attempt)
        request.attempts, request.last_sent_at, request.status = attempt, timezone.now(), RequestStatus.SENT
        request.save(update_fields=["attempts", "last_sent_at", "status"])
        message.send()
    return True


# ---------------------------------------------------------------- a new link, asked for


@dataclass(frozen=True)
class NewLink:
    """What asking for a new link did: sent it, or not yet (`again_at`: when one may be asked for)."""

    sent: bool
    again_at: dt.datetime | None = None


def new_link_possible(request: VerificationRequest) -> bool:
    """Whether a new link can be emailed for `request`: its contact still has an address and is still
    a contact (not removed) of an association (not removed) that runs the link (not removed)."""
    contact, link = request.contact, request.link
    return (
        not link.removed
        and not contact.removed
        and bool(contact.email)
        and not contact.association.removed
        and contact.association.links.filter(pk=link.pk).exists()
    )


def new_link_send(*, request_id: int) -> NewLink:
    """Email the request's contact fresh answer links, at most once an hour (NEW_LINK_EVERY).

    Asked for from the page of an expired or used link (a POST: mail scanners only GET). The limit
    counts the new links sent to this contact about this link (core.SentEmail keys, which hold
    no address), whichever of their old links they were asked for from. The links are those of
    the contact's open request for the link if there is one (newly signed, so they work for
    VERIFICATION_TOKEN_DAYS again); else of this request, reopened with a new nonce when it was used
    (answered, or cancelled because a colleague answered): it is not reminded about, and after
    VERIFICATION_RETRY_DAYS it counts as unanswered as usual, dated when it was first made, so an
    unused new link never makes a verified link look unverified. The email is handed to the mail
    server last, inside the transaction: a refusal records nothing.
    """
    now = timezone.now()
    with transaction.atomic():
        original = VerificationRequest.objects.select_for_update().filter(pk=request_id).first()
        if original is None:
            return NewLink(sent=False)
        contact = Contact.objects.select_related("association").get(pk=original.contact_id)
        link = Link.all_objects.prefetch_related("parties").get(pk=original.link_id)
        original.contact, original.link = contact, link
        if not new_link_possible(original):
            return NewLink(sent=False)
        prefix = f"verification-new-link:link-{link.pk}:contact-{contact.pk}:"
        last_sent = (
            SentEmail.objects.filter(key__startswith=prefix, sent_at__gt=now - NEW_LINK_EVERY)
            .order_by("-sent_at")
            .values_list("sent_at", flat=True)
            .first()
        )
        if last_sent is not None:
            return NewLink(sent=False, again_at=last_sent + NEW_LINK_EVERY)
        target = (
            VerificationRequest.objects.select_for_update()
            .filter(link=link, contact=contact, status__in=OPEN)
            .order_by("-created_at", "-id")
            .first()
        ) or original
        if target.status not in (*OPEN, RequestStatus.UNANSWERED):  # used: reopen it, without reminders
            target.status, target.answer, target.answered_at = RequestStatus.SENT, "", None
            target.nonce = secrets.token_urlsafe(24)
            target.attempts = max(target.attempts, settings.VERIFICATION_ATTEMPTS)
        elif target.status == RequestStatus.WAITING:  # never sent: this is its first email
            target.status, target.attempts = RequestStatus.SENT, max(target.attempts, 1)
        if not target.nonce:
            target.nonce = secrets.token_urlsafe(24)
        target.contact, target.link, target.last_sent_at = contact, link, now
        target.save(update_fields=["status", "answer", "answered_at", "nonce", "attempts", "last_sent_at"])
        SentEmail.objects.create(key=f"{prefix}{now.isoformat()}")
        email_for(target, 1, renewed=True).send()
    return NewLink(sent=True)


# ---------------------------------------------------------------- following an emailed link


class TokenProblem(Exception):
    """An emailed link that does not work, with what to tell the person who followed it."""

    def __init__(self, message: str, *, status: int, request: VerificationRequest | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.request = request  # known when the token is genuine (expired or used): its link may be named


def request_for_token(token: str) -> VerificationRequest:
    """The request a token names, if it may still be answered; else TokenProblem saying why not."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=dt.timedelta(days=settings.VERIFICATION_TOKEN_DAYS))
    except signing.SignatureExpired:
        data = signing.loads(token, salt=TOKEN_SALT)  # genuine, only old: its link can be named
        request = _request_named(data)
        raise TokenProblem(
            gettext(
                "This link has expired: the links in our emails work for %(days)d days. Nothing was recorded. "
                "We will write again when the link is next due to be checked."
            )
            % {"days": settings.VERIFICATION_TOKEN_DAYS},
            status=410,
            request=request,
        ) from None
    except signing.BadSignature:
        raise TokenProblem(
            gettext(
                "This link is not valid: it may have been cut short or changed on its way. Nothing was recorded. "
                "Copy the whole address from the email into your browser's address bar and try again."
            ),
            status=400,
        ) from None
    request = _request_named(data)
    if request is None:
        raise TokenProblem(
            gettext("This link names a request the hub no longer holds. Nothing was recorded."), status=410
        )
    if not request.nonce or request.nonce != data.get("n"):
        if request.status == RequestStatus.ANSWERED and request.answered_at is not None:
            message = gettext(
                "This link was already used: your answer (%(answer)s) was recorded on %(date)s. Thank you; there "
                "is nothing more to do. If things have changed since, use 'Report a change of its status' on the "
                "link's page."
            ) % {"answer": request.get_answer_display(), "date": long_date(timezone.localdate(request.answered_at))}
        elif request.status == RequestStatus.CANCELLED:
            message = gettext(
                "Someone else from the association has already answered for this link. Thank you; there is "
                "nothing more to do."
            )
        else:
            message = gettext("This link no longer works. Nothing was recorded.")
        raise TokenProblem(message, status=410, request=request)
    if request.status not in ANSWERABLE:
        raise TokenProblem(gettext("This link no longer works. Nothing was recorded."), status=410, request=request)
    if request.link.removed:
        raise TokenProblem(
            gettext("The link this email asked about has been removed from the registry. There is nothing to do."),
            status=410,
        )
    return request


def _request_named(data: object) -> VerificationRequest | None:
    pk = data.get("r") if isinstance(data, dict) else None
    if not isinstance(pk, int):
        return None
    return (
        VerificationRequest.objects.select_related("contact__association", "link")
        .prefetch_related("link__parties")
        .filter(pk=pk)
        .first()
    )


# ---------------------------------------------------------------- answering


def answers_account():
    """The account that proposes the status changes contacts report (see ANSWERS_USERNAME)."""
    from allauth.account.models import EmailAddress

    users = get_user_model()
    user = users.objects.filter(username=ANSWERS_USERNAME).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            user = users(username=ANSWERS_USERNAME, email="", first_name="Verification answers")
            user.set_unusable_password()
            user.save()
            EmailAddress.objects.create(user=user, email=ANSWERS_ADDRESS, verified=True, primary=False)
    except IntegrityError:  # made by a concurrent answer meanwhile
        return users.objects.get(username=ANSWERS_USERNAME)
    return user


@dataclass(frozen=True)
class Answered:
    verification: Verification
    proposal: object = None  # proposals.Proposal for paused and ended


@transaction.atomic
def request_answer(
    *,
    request: VerificationRequest,
    nonce: str,
    answer: str,
    since: PartialDate | None = None,
    note: str = "",
) -> Answered:
    """Record a contact's answer to a request, once.

    Records the verification; for "paused" and "ended" proposes the status event, dated `since`,
    to the moderators. Clears the nonces of the link's requests (this link works once; the other
    contacts need not answer) and cancels the link's other open requests.
    """
    if answer not in VerificationAnswer.values:
        raise ValidationError(gettext("There is no answer called %(answer)r.") % {"answer": answer})
    locked = VerificationRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.nonce or locked.nonce != nonce or locked.status not in ANSWERABLE:
        raise ValidationError(gettext("This link was already used, so nothing more was recorded."))
    contact = Contact.objects.select_related("association").get(pk=locked.contact_id)
    link = Link.objects.prefetch_related("parties").get(pk=locked.link_id)
    note = note.strip()
    proposal = None
    if answer in (VerificationAnswer.PAUSED, VerificationAnswer.ENDED):
        if since is None:
            raise ValidationError({"since": gettext("Say since when (a year is enough).")})
        proposal = _status_propose(link=link, contact=contact, request=locked, status=answer, since=since, note=note)
    verification = _verification_write(link=link, contact=contact, answer=answer, note=note, request=locked)
    now = timezone.now()
    locked.status, locked.answer, locked.answered_at, locked.nonce = RequestStatus.ANSWERED, answer, now, ""
    locked.save(update_fields=["status", "answer", "answered_at", "nonce"])
    others = VerificationRequest.objects.filter(link=link).exclude(pk=locked.pk)
    others.filter(status__in=OPEN).update(status=RequestStatus.CANCELLED, nonce="")
    others.exclude(nonce="").update(nonce="")
    return Answered(verification=verification, proposal=proposal)


def first_hand_statement(contact: Contact, request: VerificationRequest) -> str:
    """How the answer is known, as its source says (in English, like the change log)."""
    role = f", {contact.role}" if contact.role else ""
    return (
        f"{contact.name}{role} of {contact.association.name}, a contact of the association that runs the link, "
        f"answered the hub's 'Is this link still active?' email (verification request {request.pk})."
    )[:500]


def _status_propose(
    *, link: Link, contact: Contact, request: VerificationRequest, status: str, since: PartialDate, note: str
):
    """Propose the status event the contact reported: it waits for a moderator."""
    from proposals.changes import Citing
    from proposals.services import change_submit

    submitted = change_submit(
        actor=Actor(user=answers_account(), label="verification email"),
        kind="event_new",
        target=link,
        payload={"status": status, "date": since.iso(), "reason": note},
        citing=Citing(first_hand=first_hand_statement(contact, request)),
        reason=f"Answer to the hub's verification email (request {request.pk}).",
    )
    if submitted.proposal is None:  # never: the account has no role; a status must not change on a click
        raise ValidationError(gettext("The answer could not be sent to the moderators. Nothing was recorded."))
    return submitted.proposal


def _verification_write(
    *, link: Link, contact: Contact, answer: str, note: str, request: VerificationRequest
) -> Verification:
    return verification_record(
        actor=Actor.system("verification email"),
        link=link,
        answer=answer,
        by_role=VerifierRole.CONTACT,
        by_contact=contact,
        note=note,
        request=request,
    )
