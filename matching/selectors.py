"""Reads of partner finding: the public list, one person's profiles and introductions, what waits
for them, and who may see a profile's contact details (the one place that decides it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from core.fields import contains_code
from matching.models import (
    Block,
    Introduction,
    IntroductionMessage,
    IntroductionStatus,
    ProfileStatus,
    SeekingProfile,
)
from matching.suggestions import Suggestion, SuggestionFilters
from stats.geography import continent_codes


def countries_in(region: str) -> list[str]:
    """The ISO codes of the countries on a continent (GeoNames' continent codes)."""
    return sorted(code for code, continent in continent_codes().items() if continent == region)


def open_profiles(
    *, theme: str = "", country: str = "", region: str = "", seeker: str = ""
) -> QuerySet[SeekingProfile]:
    """Open profiles, newest change first, with their place and institution (one query a page)."""
    rows = SeekingProfile.objects.filter(status=ProfileStatus.OPEN).select_related("place", "institution")
    if theme:
        rows = rows.filter(contains_code("offers", theme) | contains_code("wants", theme))
    if country:
        rows = rows.filter(place__country=country)
    if region:
        rows = rows.filter(place__country__in=countries_in(region))
    if seeker:
        rows = rows.filter(seeker=seeker)
    return rows.order_by("-updated_at", "-id")


def profiles_of_user(user: object) -> QuerySet[SeekingProfile]:
    if not getattr(user, "is_authenticated", False):
        return SeekingProfile.objects.none()
    return SeekingProfile.objects.filter(owner=user).select_related("place").order_by("-updated_at", "-id")


def introductions_of_user(user: object) -> QuerySet[Introduction]:
    """Every introduction either side of which the person owns, newest first, with both profiles."""
    if not getattr(user, "is_authenticated", False):
        return Introduction.objects.none()
    return (
        Introduction.objects.filter(Q(from_profile__owner=user) | Q(to_profile__owner=user))
        .select_related("from_profile__place", "to_profile__place")
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__read_at__isnull=True) & ~Q(messages__sender__owner=user),
            )
        )
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class Waiting:
    """What waits for a person: interests to answer and unread messages."""

    interests: int = 0
    messages: int = 0

    @property
    def total(self) -> int:
        return self.interests + self.messages


def waiting_for(user: object) -> Waiting:
    """One query: pending interests sent to the person's profiles, and messages to them unread in
    introductions still open. For anonymous visitors, no query at all."""
    if not getattr(user, "is_authenticated", False):
        return Waiting()
    mine = Q(from_profile__owner=user) | Q(to_profile__owner=user)
    open_ = Q(status__in=[IntroductionStatus.PENDING, IntroductionStatus.ACCEPTED])
    counts = Introduction.objects.filter(mine, open_).aggregate(
        interests=Count("pk", filter=Q(status=IntroductionStatus.PENDING, to_profile__owner=user), distinct=True),
        messages=Count(
            "messages",
            filter=Q(messages__read_at__isnull=True) & ~Q(messages__sender__owner=user),
            distinct=True,
        ),
    )
    return Waiting(interests=counts["interests"] or 0, messages=counts["messages"] or 0)


def contacts_visible(viewer: object, profile: SeekingProfile) -> bool:
    """Whether `viewer` may see `profile`'s contact details: its owner, or the owner of a profile
    with an accepted introduction to it that neither side has blocked. Nobody else, ever."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if profile.owner_id == viewer.pk:
        return True
    accepted = Introduction.objects.filter(status=IntroductionStatus.ACCEPTED).filter(
        Q(from_profile=profile, to_profile__owner=viewer) | Q(to_profile=profile, from_profile__owner=viewer)
    )
    for introduction in accepted.select_related("from_profile", "to_profile"):
        a, b = introduction.from_profile, introduction.to_profile
        if not Block.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists():
            return True
    return False


def suggestions_of(profile: SeekingProfile, filters: SuggestionFilters, limit: int = 20) -> list[Suggestion]:
    """The ranked suggestions for `profile` (matching.ranking), for the page and the API alike."""
    from matching.ranking import suggestions_for

    return suggestions_for(profile, filters, limit=limit)


def thread(introduction: Introduction) -> QuerySet[IntroductionMessage]:
    return introduction.messages.select_related("sender").order_by("sent_at", "id")
