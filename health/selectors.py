"""Reads of link health: a link's health in words, its activities for the timeline, the council dashboard's rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
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
    `last_verified_at` and `last_verified_role`, read from the stored LinkHealth in the same query.
    """
    ids = Party.objects.filter(place_id__in=list(place_ids)).order_by().values("link_id")
    staleness = Case(
        *(When(health_state=state, then=Value(rank)) for rank, state in enumerate(STALENESS)),
        default=Value(len(STALENESS)),
        output_field=IntegerField(),
    )
    return (
        Link.objects.filter(pk__in=ids)
        .annotate(
            health_state=Coalesce(F("health__state"), Value(HealthState.UNKNOWN.value)),
            last_activity_on=F("health__last_activity_on"),
            last_verified_at=F("health__last_verified_at"),
            last_verified_role=F("health__last_verified_role"),
        )
        .annotate(
            staleness=staleness,
            # The latest activity's precision (a month, a year), read from its (link, -date) index.
            last_activity_precision=Subquery(
                Activity.objects.filter(link=OuterRef("pk")).order_by("-date", "-id").values("date_precision")[:1]
            ),
        )
        .order_by(
            "staleness",
            F("last_activity_on").asc(nulls_first=True),
            F("last_verified_at").asc(nulls_first=True),
            "pk",
        )
    )


@dataclass(frozen=True)
class DashboardRow:
    link_id: int
    url: str
    title: str  # in the reader's language (places' local names)
    english_title: str  # as exports and the change log name it
    status: str
    status_label: str
    health: str
    health_label: str
    last_activity_on: dt.date | None
    last_activity: PartialDate | None  # to the precision it was recorded with
    last_activity_words: str
    last_verified_on: dt.date | None
    last_verified_words: str
    last_verified_role_code: str


def _titles(link_ids: list[int], own_names: dict[int, str]) -> tuple[dict[int, str], dict[int, str]]:
    """(titles in the reader's language, English titles) of `link_ids`: two queries, however many links."""
    from places.local_names import name_language
    from places.models import PlaceName

    parties = (
        Party.objects.filter(link_id__in=link_ids)
        .order_by("link_id", "position", "id")
        .values_list("link_id", "place_id", "place__name", "institution__name")
    )
    rows = list(parties)
    local: dict[int, str] = {}
    language = name_language()
    if language:
        names = PlaceName.objects.filter(place_id__in={r[1] for r in rows if r[1]}, language=language)
        for place_id, name in names.order_by("-name").values_list("place_id", "name"):
            local[place_id] = name  # the first by name wins, as places.local_names.local_name picks
    english: dict[int, list[str]] = {pk: [] for pk in link_ids}
    readers: dict[int, list[str]] = {pk: [] for pk in link_ids}
    for link_id, place_id, place_name, institution_name in rows:
        english[link_id].append(institution_name or place_name)
        readers[link_id].append(institution_name or local.get(place_id, place_name))

    def title(pk: int, names: dict[int, list[str]]) -> str:
        return own_names.get(pk) or " – ".join(names[pk]) or f"Link {pk}"

    return {pk: title(pk, readers) for pk in link_ids}, {pk: title(pk, english) for pk in link_ids}


def dashboard_rows(place_ids: Iterable[int]) -> list[DashboardRow]:
    """The dashboard's rows, as the page and its CSV show them: three queries, and the words made here rather
    than in the template (200 rows render in a few milliseconds)."""
    from django.utils.translation import gettext, pgettext

    from links.templatetags.registry import status_label

    found = list(
        council_links(place_ids).values(
            "pk",
            "name",
            "current_status",
            "health_state",
            "last_activity_on",
            "last_activity_precision",
            "last_verified_at",
            "last_verified_role",
        )
    )
    titles, english = _titles([row["pk"] for row in found], {row["pk"]: row["name"] for row in found if row["name"]})
    roles = {code: str(label) for code, label in VerifierRole.choices}
    statuses: dict[str, str] = {}
    never = pgettext("never verified", "never")
    none_recorded = pgettext("no activity", "none recorded")
    by_whom = gettext("%(date)s, by %(who)s")
    labels = {code: str(label) for code, label in HealthState.choices}
    link_url = link_url_maker()
    rows = []
    for row in found:
        pk, status, state = row["pk"], row["current_status"], row["health_state"]
        last_activity = PartialDate.from_fields(row["last_activity_on"], row["last_activity_precision"])
        verified_on = timezone.localdate(row["last_verified_at"]) if row["last_verified_at"] else None
        role = row["last_verified_role"] or ""
        if status not in statuses:
            statuses[status] = status_label(status)
        rows.append(
            DashboardRow(
                link_id=pk,
                url=link_url(pk, english[pk]),
                title=titles[pk],
                english_title=english[pk],
                status=status,
                status_label=statuses[status],
                health=state,
                health_label=labels.get(state, labels[HealthState.UNKNOWN]),
                last_activity_on=row["last_activity_on"],
                last_activity=last_activity,
                last_activity_words=str(last_activity) if last_activity else none_recorded,
                last_verified_on=verified_on,
                last_verified_words=by_whom % {"date": long_date(verified_on), "who": roles[role]}
                if verified_on and role in roles
                else never,
                last_verified_role_code=role,
            )
        )
    return rows


def link_url_maker():
    """A function making link pages' addresses as Link.get_absolute_url does, from one reverse() (not one per row)."""
    from django.urls import reverse
    from django.utils.text import slugify

    pattern = reverse("links:detail", kwargs={"pk": 987654321, "slug": "the-slug"})
    before, after = pattern.split("987654321/the-slug")

    def url(pk: int, title: str) -> str:
        return f"{before}{pk}/{slugify(title)[:80] or 'link'}{after}"

    return url


def verifications_by(user: object) -> list[dict[str, object]]:
    """The verifications a person made from the link page, for their data download (accounts.personal_data)."""
    from health.models import Verification

    rows = Verification.objects.filter(by_user=user).order_by("verified_at", "id")
    return [
        {
            "link": row.link_id,
            "answer": row.answer,
            "verified_at": row.verified_at,
            "as": row.by_role,
            "note": row.note,
        }
        for row in rows
    ]
