"""Partner finding in the API: public profiles, and for their owners (with an API token) the
suggestions, expressing interest, and introductions.

Profiles are public without their contact details. An introduction is read only by its two
sides, and shows the other side's contact details only once both have accepted: the same rule
as the pages (matching.selectors.contacts_visible). Writes go through matching.services, so the
API, the pages and the change log agree.

No `from __future__ import annotations` here: django-ninja reads the annotations.
"""

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Status
from pydantic import Field

from api.errors import NON_FIELD, ApiError, bad_request, from_django, not_found, refuse_repeats
from api.filters import form_errors, form_parameters
from api.pagination import paginate
from api.schemas import MAX_ID, ErrorOut, Out, page_of
from api.security import AccountToken, AnonymousReadThrottle, TokenWriteThrottle
from audit.services import Actor
from matching import selectors, services
from matching.forms import ProfileFilterForm, SuggestionFilterForm
from matching.models import Introduction, SeekingProfile
from matching.suggestions import Suggestion

router = Router(tags=["partner finding"])

READ = {"throttle": AnonymousReadThrottle()}
OWNER = {"auth": AccountToken(), "throttle": TokenWriteThrottle()}
READ_ERRORS = {400: ErrorOut, 404: ErrorOut, 429: ErrorOut}
OWNER_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}
BOOLEAN_WORDS = {"", "true", "false", "on"}


class ProfileOut(Out):
    id: int
    name: str
    seeker: str
    status: str
    place_id: int
    place_name: str
    country: str
    institution_id: int | None
    offers: list[str] = Field(description="Theme codes (see matching.models.Theme).")
    wants: list[str]
    exchanges: list[str]
    mode: str
    traits: list[str]
    size: int | None
    languages: list[str] = Field(description="ISO 639-1 codes.")
    preferred_countries: list[str]
    preferred_regions: list[str]
    ruled_out_countries: list[str]
    ruled_out_regions: list[str]
    about: str
    updated_at: str
    web_url: str


ProfilePage = page_of(ProfileOut, "ProfilePage")


class SuggestionOut(Out):
    name: str
    country: str
    population: int
    distance_km: float | None = Field(description="From your place, where both have coordinates.")
    score: float
    reasons: list[str]
    profile_id: int | None = Field(description="Set when the partner has an open profile: express interest in it.")
    place_id: int | None = Field(description="Set when the place is in the registry (it has no profile).")
    geonames_id: int | None


class ContactOut(Out):
    name: str
    email: str
    phone: str


class IntroductionOut(Out):
    id: int
    status: str
    from_profile_id: int
    to_profile_id: int
    note: str
    created_at: str
    answered_at: str | None
    your_profile_id: int
    other_profile_id: int
    other_contact: ContactOut | None = Field(
        None, description="The other side's contact details: null until both sides have accepted."
    )
    web_url: str


class InterestIn(Out):
    from_profile_id: int = Field(ge=1, le=MAX_ID, description="Your own profile, the one expressing interest.")
    note: str = Field("", max_length=2000, description="Optional: why you would like to meet.")


class AnswerIn(Out):
    accept: bool = Field(description="true to accept (contact details are then shared), false to decline.")


def profile_out(profile: SeekingProfile) -> dict[str, Any]:
    """A profile as everyone may see it: never its contact details."""
    return {
        "id": profile.pk,
        "name": profile.name,
        "seeker": profile.seeker,
        "status": profile.status,
        "place_id": profile.place_id,
        "place_name": profile.place.name,
        "country": profile.place.country,
        "institution_id": profile.institution_id,
        **{
            name: list(getattr(profile, name))
            for name in (
                "offers",
                "wants",
                "exchanges",
                "traits",
                "languages",
                "preferred_countries",
                "preferred_regions",
                "ruled_out_countries",
                "ruled_out_regions",
            )
        },
        "mode": profile.mode,
        "size": profile.size,
        "about": profile.about,
        "updated_at": profile.updated_at.isoformat(),
        "web_url": profile.get_absolute_url(),
    }


def _profile(pk: int) -> SeekingProfile:
    if not 1 <= pk <= MAX_ID:
        raise not_found("profile", pk)
    profile = SeekingProfile.objects.select_related("place").filter(pk=pk).first()
    if profile is None:
        raise not_found("profile", pk)
    return profile


def _strict_booleans(request: HttpRequest, *names: str) -> dict[str, list[str]]:
    errors = {}
    for name in names:
        for value in request.GET.getlist(name):
            if value.lower() not in BOOLEAN_WORDS:
                errors[name] = [f"'{value[:40]}' is not true or false. Give {name}=true or false."]
    return errors


def _refused(exc: ValidationError, what: str) -> ApiError:
    from core.versioning import EditConflict

    if isinstance(exc, services.RateLimited):
        return ApiError(429, " ".join(exc.messages))
    if isinstance(exc, EditConflict):
        return ApiError(409, " ".join(exc.messages), {NON_FIELD: list(exc.messages)})
    return bad_request(from_django(exc), what)


@router.get(
    "/profiles",
    **READ,
    response={200: ProfilePage, **READ_ERRORS},
    url_name="profile_list",
    operation_id="listProfiles",
    summary="Profiles of communities seeking partners",
    description="Open partner-seeking profiles, ordered by id, filtered as the partner search page filters them. "
    "Contact details are never included.",
    openapi_extra={"parameters": form_parameters(ProfileFilterForm)},
)
def list_profiles(request: HttpRequest, limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
    if not 1 <= limit <= 200:
        raise bad_request({"limit": ["Give limit as a whole number from 1 to 200."]}, "Some parameters are not valid")
    refuse_repeats(request, *ProfileFilterForm.base_fields)
    form = ProfileFilterForm(request.GET)
    if not form.is_valid():
        raise bad_request(form_errors(form), "Some filters are not valid")
    rows = selectors.open_profiles(**form.cleaned_data)
    return paginate(request, rows, limit=limit, cursor=cursor, serialize=lambda page: [profile_out(p) for p in page])


@router.get(
    "/profiles/{id}",
    **READ,
    response={200: ProfileOut, **READ_ERRORS},
    url_name="profile_detail",
    operation_id="getProfile",
    summary="One partner-seeking profile",
    description="The profile as its public page shows it. Contact details are never included.",
)
def get_profile(request: HttpRequest, id: int) -> dict[str, Any]:
    return profile_out(_profile(id))


def suggestion_out(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "name": suggestion.name,
        "country": suggestion.country,
        "population": suggestion.population,
        "distance_km": round(suggestion.distance_km, 1) if math.isfinite(suggestion.distance_km) else None,
        "score": round(suggestion.score, 4) if math.isfinite(suggestion.score) else 0.0,
        "reasons": list(suggestion.reasons),
        "profile_id": suggestion.profile_id,
        "place_id": suggestion.place_id,
        "geonames_id": suggestion.geonames_id,
    }


def _own(request: HttpRequest, id: int) -> SeekingProfile:
    profile = _profile(id)
    services._signed_in_contributor(Actor(user=request.auth.user))
    if not services.owns(request.auth.user, profile):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only the owner of this profile can see its suggestions.")
    return profile


@router.get(
    "/profiles/{id}/suggestions",
    **OWNER,
    response={200: list[SuggestionOut], **OWNER_ERRORS},
    url_name="profile_suggestions",
    operation_id="getProfileSuggestions",
    summary="Suggested partners for your profile",
    description="The top 20 suggestions for a profile you own, best first, each with its reasons. "
    "The filters are the suggestions page's.",
    openapi_extra={"parameters": form_parameters(SuggestionFilterForm)},
)
def get_suggestions(request: HttpRequest, id: int) -> list[dict[str, Any]]:
    profile = _own(request, id)
    refuse_repeats(request, *(n for n in SuggestionFilterForm.base_fields if n != "regions"))
    form = SuggestionFilterForm(request.GET)
    errors = form_errors(form) if not form.is_valid() else {}
    errors |= _strict_booleans(request, "seeking_only", "surprise")
    if errors:
        raise bad_request(errors, "Some filters are not valid")
    return [suggestion_out(s) for s in selectors.suggestions_of(profile, form.filters())]


def introduction_out(request: HttpRequest, introduction: Introduction, mine: SeekingProfile) -> dict[str, Any]:
    other = services.other_side(introduction, mine)
    contact = None
    if selectors.contacts_visible(request.auth.user, other):
        contact = {"name": other.contact_name, "email": other.contact_email, "phone": other.contact_phone}
    return {
        "id": introduction.pk,
        "status": introduction.status,
        "from_profile_id": introduction.from_profile_id,
        "to_profile_id": introduction.to_profile_id,
        "note": introduction.note,
        "created_at": introduction.created_at.isoformat(),
        "answered_at": introduction.answered_at.isoformat() if introduction.answered_at else None,
        "your_profile_id": mine.pk,
        "other_profile_id": other.pk,
        "other_contact": contact,
        "web_url": introduction.get_absolute_url(),
    }


@router.post(
    "/profiles/{id}/interest",
    **OWNER,
    response={201: IntroductionOut, 200: IntroductionOut, **OWNER_ERRORS},
    url_name="profile_interest",
    operation_id="expressInterest",
    summary="Express interest in a profile",
    description="From a profile you own, express interest in profile `id`. The other side is emailed and "
    "answers on the hub. 201 with the new introduction; 200 if they had already expressed interest in you "
    "(the introduction is then accepted, and contact details are shared).",
)
def express_interest(request: HttpRequest, id: int, payload: InterestIn) -> Status:
    to_profile = _profile(id)
    from_profile = SeekingProfile.objects.filter(pk=payload.from_profile_id).select_related("place").first()
    if from_profile is None:
        raise bad_request({"from_profile_id": [f"There is no profile with id {payload.from_profile_id}."]})
    try:
        introduction = services.introduction_express(
            actor=Actor(user=request.auth.user), from_profile=from_profile, to_profile=to_profile, note=payload.note
        )
    except ValidationError as exc:
        raise _refused(exc, "The interest was not sent") from None
    mine = services.party_of(request.auth.user, introduction) or from_profile
    return Status(200 if introduction.accepted else 201, introduction_out(request, introduction, mine))


def _introduction(request: HttpRequest, id: int) -> tuple[Introduction, SeekingProfile]:
    """The introduction and the token holder's side; a 404 for anyone else (as if it did not exist)."""
    if not 1 <= id <= MAX_ID:
        raise not_found("introduction", id)
    introduction = Introduction.objects.select_related("from_profile", "to_profile").filter(pk=id).first()
    mine = services.party_of(request.auth.user, introduction) if introduction is not None else None
    if introduction is None or mine is None:
        raise not_found("introduction", id)
    return introduction, mine


@router.get(
    "/introductions/{id}",
    **OWNER,
    response={200: IntroductionOut, **OWNER_ERRORS},
    url_name="introduction_detail",
    operation_id="getIntroduction",
    summary="One of your introductions",
    description="Readable by its two sides only. `other_contact` is null until both sides have accepted.",
)
def get_introduction(request: HttpRequest, id: int) -> dict[str, Any]:
    introduction, mine = _introduction(request, id)
    return introduction_out(request, introduction, mine)


@router.post(
    "/introductions/{id}/answer",
    **OWNER,
    response={200: IntroductionOut, **OWNER_ERRORS},
    url_name="introduction_answer",
    operation_id="answerIntroduction",
    summary="Accept or decline an interest",
    description="For the side the interest was sent to. Accepting shares each side's contact details.",
)
def answer_introduction(request: HttpRequest, id: int, payload: AnswerIn) -> dict[str, Any]:
    introduction, mine = _introduction(request, id)
    try:
        introduction = services.introduction_answer(
            actor=Actor(user=request.auth.user), introduction=introduction, accept=payload.accept
        )
    except ValidationError as exc:
        raise _refused(exc, "The answer was not saved") from None
    return introduction_out(request, introduction, mine)
