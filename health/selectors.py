"""Reads of link health: a link's health in words, its activities for the timeline, the council dashboard's rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.partial_dates import PartialDate, long_date
from health.health import Reason
from health.models import Activity, HealthState, LinkHealth, VerificationAnswer, VerifierRole
from links.models import Link, Party

REASON_WORDS = {
    Reason.RECENT_ACTIVITY: gettext_lazy("An activity was recorded within the last two years."),
    Reason.VERIFIED_ACTIVE: gettext_lazy(
        "Someone on the ground confirmed within the last two years that it still runs."
    ),
    Reason.ACTIVITIES_FALLING: gettext_lazy(
        "Activities are falling: %(recent)s in the last three years, against %(before)s in the three years before."
    ),
    Reason.LAST_SIGN_YEARS_AGO: gettext_lazy(
        "The latest sign of life (an activity, or a confirmation that it still runs) was two to five years ago."
    ),
    Reason.NOTHING_FOR_YEARS: gettext_lazy(
        "Nothing for five years or more: no activity recorded and no confirmation that it still runs."
    ),
    Reason.REQUESTS_UNANSWERED: gettext_lazy(
        "Its contacts were asked whether it is still active and nobody answered; there has been no sign of life "
        "for two years."
    ),
    Reason.ANSWERED_PAUSED: gettext_lazy("At its latest verification it was said to be paused."),
    Reason.ANSWERED_ENDED: gettext_lazy("At its latest verification it was said to have ended."),
    Reason.NO_SIGN_OF_LIFE: gettext_lazy("No activity has been recorded and nobody has verified it yet."),
}

# Worst first: what the dashboard lists first.
STALENESS = [HealthState.DORMANT, HealthState.UNKNOWN, HealthState.QUIET, HealthState.ACTIVE]

HEALTH_MEANING = gettext_lazy(
    "Health says whether anything still happens on the link, from its activities and from people who "
    "verified it; its status says what was decided. A link can be formally active and dormant in practice."
)


def health_label(state: str) -> str:
    return str(HealthState(state).label) if state in HealthState.values else str(HealthState.UNKNOWN.label)


@dataclass(frozen=True)
class HealthView:
    """A link's health as its page shows it."""

    state: str
    reasons: list[str] = field(default_factory=list)
    last_verified_at: dt.datetime | None = None
    last_verified_role: str = ""
    last_verified_answer: str = ""
    unverified: bool = False
    computed_on: dt.date | None = None

    @property
    def label(self) -> str:
        return health_label(self.state)

    @property
    def last_verified_on(self) -> dt.date | None:
        return timezone.localdate(self.last_verified_at) if self.last_verified_at else None

    @property
    def verified_by(self) -> str:
        return (
            str(VerifierRole(self.last_verified_role).label) if self.last_verified_role in VerifierRole.values else ""
        )

    @property
    def verified_answer(self) -> str:
        if self.last_verified_answer in VerificationAnswer.values:
            return str(VerificationAnswer(self.last_verified_answer).label)
        return ""


def reasons_in_words(row: LinkHealth) -> list[str]:
    """Each reason code of `row` as a sentence, with its figures."""
    latest = ""
    if row.last_activity_on:
        latest = long_date(row.last_activity_on)
    words = []
    for code in row.reasons or []:
        template = REASON_WORDS.get(code)
        if template is None:
            continue
        words.append(
            str(template) % {"activity": latest, "recent": row.activities_recent, "before": row.activities_before}
            if "%(" in str(template)
            else str(template)
        )
    return words


def link_health(link: Link) -> HealthView:
    """The stored health of `link` (unknown, with its reason, until it is first worked out)."""
    row = LinkHealth.objects.filter(link=link).first()
    if row is None:
        return HealthView(state=HealthState.UNKNOWN, reasons=[str(REASON_WORDS[Reason.NO_SIGN_OF_LIFE])])
    return HealthView(
        state=row.state,
        reasons=reasons_in_words(row),
        last_verified_at=row.last_verified_at,
        last_verified_role=row.last_verified_role,
        last_verified_answer=row.last_verified_answer,
        unverified=row.unverified,
        computed_on=row.computed_on,
    )


def activities_of(link: Link) -> list[Activity]:
    """The link's activities (not removed), oldest first, with who travelled."""
    return list(
        Activity.objects.filter(link=link)
        .select_related("travelling_party__place", "travelling_party__institution", "source")
        .order_by("date", "id")
    )


def timeline_with_activities(
    events: Iterable[tuple[PartialDate, str, object]], activities: Iterable[Activity]
) -> list[tuple[PartialDate, str, object | None, Activity | None]]:
    """The link's status events and activities in one timeline, oldest first: (when, label, event, activity),
    one of event and activity being None. On the same day, a decision comes before an activity."""
    rows: list[tuple[tuple, tuple]] = []
    for position, (when, label, event) in enumerate(events):
        rows.append(((when.start, 0, position), (when, label, event, None)))
    for activity in activities:
        rows.append(
            ((activity.date, 1, activity.id), (activity.when, activity.get_kind_display().capitalize(), None, activity))
        )
    return [row for _key, row in sorted(rows, key=lambda pair: pair[0])]


# ---------------------------------------------------------------- the council dashboard


def council_links(place_ids: Iterable[int]) -> QuerySet[Link]:
    """Every link with a party in one of `place_ids` (the council officer's scope, as accounts.policy reads it),
    stale first: dormant, unknown, quiet, then active; within each, the longest silent first.

    Annotated with `health_state` (unknown where no health was worked out yet), `last_activity_on`,
    `last_verified_at` and `last_verified_role`; each row's parties prefetched for its title. A
    constant number of queries, however many links.
    """
    from links.selectors import with_list_data

    ids = Party.objects.filter(place_id__in=list(place_ids)).order_by().values("link_id")
    staleness = Case(
        *(When(health_state=state, then=Value(rank)) for rank, state in enumerate(STALENESS)),
        default=Value(len(STALENESS)),
        output_field=IntegerField(),
    )
    links = (
        Link.objects.filter(pk__in=ids)
        .annotate(
            health_state=Coalesce(F("health__state"), Value(HealthState.UNKNOWN.value)),
            last_activity_on=F("health__last_activity_on"),
            last_verified_at=F("health__last_verified_at"),
            last_verified_role=F("health__last_verified_role"),
            health_unverified=F("health__unverified"),
        )
        .annotate(staleness=staleness)
        .order_by(
            "staleness",
            F("last_activity_on").asc(nulls_first=True),
            F("last_verified_at").asc(nulls_first=True),
            "pk",
        )
    )
    return with_list_data(links)


@dataclass(frozen=True)
class DashboardRow:
    link: Link
    title: str
    status: str
    status_label: str
    health: str
    health_label: str
    last_activity_on: dt.date | None
    last_verified_on: dt.date | None
    last_verified_by: str
    last_verified_role_code: str


def dashboard_rows(place_ids: Iterable[int]) -> list[DashboardRow]:
    """The dashboard's rows (the page and its CSV show the same)."""
    from links.templatetags.registry import status_label

    rows = []
    for link in council_links(place_ids):
        rows.append(
            DashboardRow(
                link=link,
                title=link.display_title,
                status=link.current_status,
                status_label=status_label(link.current_status),
                health=link.health_state,
                health_label=health_label(link.health_state),
                last_activity_on=link.last_activity_on,
                last_verified_on=timezone.localdate(link.last_verified_at) if link.last_verified_at else None,
                last_verified_by=str(VerifierRole(link.last_verified_role).label)
                if link.last_verified_role in VerifierRole.values
                else "",
                last_verified_role_code=link.last_verified_role or "",
            )
        )
    return rows
