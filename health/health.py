"""A link's health: whether anything still happens on it, worked out from its activities and verifications.

`health_of(facts, today)` is the rule, a pure function of a link's facts (`HealthFacts`), so it is
tested on its own and reads like the README's table. `health_refresh(link_ids)` works out the
facts of many links with three grouped queries per 2,000 links, applies the rule and writes their
`LinkHealth` rows in one upsert: every service that records or removes an activity or a
verification calls it for its link, inside its transaction, and the daily task
(`health_refresh_all`, through `manage.py refresh_link_health` or `health.tasks_daily`) calls it for
every link, because health also changes with time alone (a visit slides from "within two years" to
"two to five years ago" without anyone writing anything). Pages, search, statistics and the
council dashboard read the stored rows; nothing works health out per request.

The rule, first match wins (years are counted back from today; a date known only to a year or a
month counts from the first day of its period, as status dates do, so the rule never flatters):

1. **dormant** if the latest verification answered "paused" or "ended" and no activity was
   recorded after it: the people on the ground said it stopped.
2. **dormant** if a "still active?" request went unanswered after the latest verification and
   there has been no sign of life (an activity, or a verification saying it still runs) for two
   years: someone was asked, and silence came back.
3. **unknown** if there is no sign of life at all: no activity recorded and never verified.
4. If the latest sign of life is within two years: **active**, unless activities are falling
   (see below), then **quiet**.
5. **quiet** if the latest sign of life was two to five years ago.
6. **dormant** otherwise: nothing for five years or more, but something before.

"Falling" means the last three years hold at most half as many activities as the three years
before, and those held at least two. A strict "fewer" (three visits, then two) would call a
link quiet for one cancelled trip; halving is a trend, and one activity is no baseline.
A verification saying "someone else runs it now" is a sign of life, like "still active".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import timezone

from health.models import (
    Activity,
    HealthState,
    LinkHealth,
    RequestStatus,
    Verification,
    VerificationAnswer,
    VerificationRequest,
)

ACTIVE_WITHIN_YEARS = 2
QUIET_WITHIN_YEARS = 5
TREND_YEARS = 3
ALIVE_ANSWERS = (VerificationAnswer.ACTIVE, VerificationAnswer.OTHER_RUNS)
STOPPED_ANSWERS = (VerificationAnswer.PAUSED, VerificationAnswer.ENDED)
CHUNK = 2000


class Reason(StrEnum):
    """Why a link has its health: codes stored in LinkHealth.reasons, worded by health.selectors."""

    RECENT_ACTIVITY = "recent_activity"  # an activity within two years
    VERIFIED_ACTIVE = "verified_active"  # verified as still running within two years
    ACTIVITIES_FALLING = "activities_falling"
    LAST_SIGN_YEARS_AGO = "last_sign_years_ago"  # the latest sign of life two to five years ago
    NOTHING_FOR_YEARS = "nothing_for_years"  # nothing for five years or more
    REQUESTS_UNANSWERED = "requests_unanswered"
    ANSWERED_PAUSED = "answered_paused"
    ANSWERED_ENDED = "answered_ended"
    NO_SIGN_OF_LIFE = "no_sign_of_life"


@dataclass(frozen=True)
class HealthFacts:
    """What the rule reads about one link."""

    last_activity_on: dt.date | None = None
    activities_recent: int = 0  # dated within the last TREND_YEARS years
    activities_before: int = 0  # in the TREND_YEARS years before those
    last_verified_on: dt.date | None = None
    last_verified_answer: str = ""
    unanswered: bool = False  # a request went unanswered after the latest verification


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier (28 February for a 29 February that year lacks)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def falling(facts: HealthFacts) -> bool:
    return facts.activities_before >= 2 and facts.activities_recent * 2 <= facts.activities_before


def health_of(facts: HealthFacts, today: dt.date) -> tuple[str, list[str]]:
    """(a HealthState value, the reason codes) for a link with `facts` on `today`: the rule in the module docstring."""
    active_since = years_before(today, ACTIVE_WITHIN_YEARS)
    quiet_since = years_before(today, QUIET_WITHIN_YEARS)
    answer, verified_on, last_activity = facts.last_verified_answer, facts.last_verified_on, facts.last_activity_on
    if answer in STOPPED_ANSWERS and verified_on and not (last_activity and last_activity > verified_on):
        reason = Reason.ANSWERED_PAUSED if answer == VerificationAnswer.PAUSED else Reason.ANSWERED_ENDED
        return HealthState.DORMANT, [reason]
    verified_alive_on = verified_on if answer in ALIVE_ANSWERS else None
    signs = [d for d in (last_activity, verified_alive_on) if d is not None]
    latest_sign = max(signs) if signs else None
    if facts.unanswered and (latest_sign is None or latest_sign < active_since):
        return HealthState.DORMANT, [Reason.REQUESTS_UNANSWERED]
    if latest_sign is None:
        return HealthState.UNKNOWN, [Reason.NO_SIGN_OF_LIFE]
    if latest_sign >= active_since:
        reasons = []
        if last_activity and last_activity >= active_since:
            reasons.append(Reason.RECENT_ACTIVITY)
        if verified_alive_on and verified_alive_on >= active_since:
            reasons.append(Reason.VERIFIED_ACTIVE)
        if falling(facts):
            return HealthState.QUIET, [*reasons, Reason.ACTIVITIES_FALLING]
        return HealthState.ACTIVE, reasons
    if latest_sign >= quiet_since:
        return HealthState.QUIET, [Reason.LAST_SIGN_YEARS_AGO]
    return HealthState.DORMANT, [Reason.NOTHING_FOR_YEARS]


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment is not None else None


def _rows_for(link_ids: list[int], today: dt.date) -> list[LinkHealth]:
    """The LinkHealth rows of `link_ids` worked out afresh: three grouped queries, whatever the history's size."""
    recent_since = years_before(today, TREND_YEARS)
    before_since = years_before(today, 2 * TREND_YEARS)
    activities = {
        row["link_id"]: row
        for row in Activity.objects.filter(link_id__in=link_ids)
        .order_by()
        .values("link_id")
        .annotate(
            last=Max("date"),
            recent=Count("pk", filter=Q(date__gt=recent_since, date__lte=today)),
            before=Count("pk", filter=Q(date__gt=before_since, date__lte=recent_since)),
        )
    }
    from links.models import Link

    # The newest verification of each link: three probes of its (link, -verified_at) index.
    latest = Verification.objects.filter(link_id=OuterRef("pk")).order_by("-verified_at", "-id")
    verifications = {
        row["pk"]: row
        for row in Link.all_objects.filter(pk__in=link_ids)
        .annotate(
            at=Subquery(latest.values("verified_at")[:1]),
            answer=Subquery(latest.values("answer")[:1]),
            role=Subquery(latest.values("by_role")[:1]),
        )
        .filter(at__isnull=False)
        .order_by()
        .values("pk", "at", "answer", "role")
    }
    unanswered = dict(
        VerificationRequest.objects.filter(link_id__in=link_ids, status=RequestStatus.UNANSWERED)
        .order_by()
        .values("link_id")
        .annotate(last=Max("created_at"))
        .values_list("link_id", "last")
    )
    rows = []
    for link_id in link_ids:
        done = activities.get(link_id, {})
        verified = verifications.get(link_id, {})
        verified_at = verified.get("at")
        asked_in_vain = unanswered.get(link_id)
        facts = HealthFacts(
            last_activity_on=done.get("last"),
            activities_recent=done.get("recent", 0),
            activities_before=done.get("before", 0),
            last_verified_on=_local_date(verified_at),
            last_verified_answer=verified.get("answer") or "",
            unanswered=asked_in_vain is not None and (verified_at is None or asked_in_vain > verified_at),
        )
        state, reasons = health_of(facts, today)
        rows.append(
            LinkHealth(
                link_id=link_id,
                state=state,
                reasons=[str(r) for r in reasons],
                last_activity_on=facts.last_activity_on,
                last_verified_at=verified_at,
                last_verified_role=verified.get("role") or "",
                last_verified_answer=facts.last_verified_answer,
                unverified=facts.unanswered,
                activities_recent=facts.activities_recent,
                activities_before=facts.activities_before,
                computed_on=today,
            )
        )
    return rows


UPDATED_FIELDS = [
    "state",
    "reasons",
    "last_activity_on",
    "last_verified_at",
    "last_verified_role",
    "last_verified_answer",
    "unverified",
    "activities_recent",
    "activities_before",
    "computed_on",
]


@transaction.atomic
def health_refresh(link_ids: Iterable[int], today: dt.date | None = None) -> int:
    """Work out the health of `link_ids` afresh and store it (one upsert per 2,000 links); returns how many
    links' health (state or reasons) changed.

    Called inside every service that records, edits, removes or restores an activity or records a
    verification (whose own change record renews cached pages), and by whatever marks verification
    requests unanswered. Derived data: no change record, no version.
    """
    today = today or timezone.localdate()
    ids = sorted(set(link_ids))
    changed = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        before = {
            pk: (state, reasons)
            for pk, state, reasons in LinkHealth.objects.filter(link_id__in=chunk).values_list(
                "link_id", "state", "reasons"
            )
        }
        rows = _rows_for(chunk, today)
        changed += sum(1 for row in rows if before.get(row.link_id) != (row.state, row.reasons))
        LinkHealth.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["link"], update_fields=UPDATED_FIELDS
        )
    return changed


def health_refresh_all(today: dt.date | None = None) -> dict[str, int]:
    """Work out every link's health afresh (the daily run): how many links are in each state afterwards.

    When any link's health changed, one change record says so: cached pages, statistics and search
    counts are kept under the registry's newest change record (api.conditional), so they are renewed
    with the new health rather than at the next edit.
    """
    from audit.models import ChangeAction
    from audit.services import Actor, change_record
    from links.models import Link

    today = today or timezone.localdate()
    last, changed = 0, 0
    while True:
        ids = list(Link.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK])
        if not ids:
            break
        changed += health_refresh(ids, today=today)
        last = ids[-1]
    counts = dict(
        LinkHealth.objects.filter(link__removed=False).order_by().values_list("state").annotate(n=Count("pk"))
    )
    result = {state: counts.get(state, 0) for state in HealthState.values}
    if changed:
        some = LinkHealth.objects.order_by("-link_id").first()
        change_record(
            actor=Actor.system("daily health refresh"),
            action=ChangeAction.UPDATE,
            target=some,
            summary=f"Worked out every link's health on {today}: {changed} changed",
            changes={"changed": changed, "states": result},
        )
    return result
