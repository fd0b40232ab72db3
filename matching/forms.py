"""Forms of the partner-finding pages. Every message says what to do, in plain words.

Countries and languages are typed as text ("FR, Senegal", "French, wo") and read as codes here;
anything unknown is named back in the error, so the person can fix just that.
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.antibot import HumanFormMixin
from core.forms import ChoiceField, ErrorSummaryMixin, MultipleChoiceField, OneValueEach, one_line, shown
from core.text import fold
from matching.models import ExchangeKind, Mode, ProfileStatus, Region, Seeker, SeekingProfile, Theme, Trait
from matching.suggestions import SuggestionFilters
from places.geography import country_choices, country_name, is_country_code, language_names
from places.models import Institution, Place, PlaceName

SEPARATORS = re.compile(r"[,;\n]+")
# The words after /partners/<id>/ that are pages of a profile, not its name (matching.urls).
RESERVED_SLUGS = {"edit", "status", "suggestions", "interest"}


MAX_TEXT = 1000  # a list of codes longer than this is not one a person typed


def _words(text: str) -> list[str]:
    if len(text or "") > MAX_TEXT:
        return [text]  # read as one unknown word: the error quotes its start
    return [part.strip() for part in SEPARATORS.split(text or "") if part.strip()]


def country_codes_from(text: str) -> tuple[list[str], list[str]]:
    """(codes, what was not understood) from "FR, germany, Sénégal"."""
    names = {fold(label): code for code, label in country_choices()}
    codes, unknown = [], []
    for word in _words(text):
        if len(word) == 2 and is_country_code(word.upper()):
            codes.append(word.upper())
        elif fold(word) in names:
            codes.append(names[fold(word)])
        else:
            unknown.append(shown(word, 30))
    return sorted(set(codes)), unknown


def language_codes_from(text: str) -> tuple[list[str], list[str]]:
    """(ISO 639-1 codes, what was not understood) from "en, French, wolof"."""
    known = language_names()
    names = {fold(name): code for code, name in known.items()}
    codes, unknown = [], []
    for word in _words(text):
        if word.lower() in known:
            codes.append(word.lower())
        elif fold(word) in names:
            codes.append(names[fold(word)])
        else:
            unknown.append(shown(word, 30))
    return sorted(set(codes)), unknown


def countries_as_text(codes: list[str]) -> str:
    return ", ".join(codes)


# ---------------------------------------------------------------- the public list


class ProfileFilterForm(ErrorSummaryMixin, OneValueEach, forms.Form):
    """The list's filters (a GET form; the API's /profiles takes the same parameters)."""

    theme = ChoiceField(label=_("Theme"), required=False, choices=[("", _("Any theme")), *Theme.choices])
    country = forms.CharField(
        label=_("Country"),
        required=False,
        help_text=_("Two-letter code or name, such as FR or Senegal."),
    )
    region = ChoiceField(label=_("Part of the world"), required=False, choices=[("", _("Anywhere")), *Region.choices])
    seeker = ChoiceField(label=_("Who is seeking"), required=False, choices=[("", _("Anyone")), *Seeker.choices])

    def clean_country(self) -> str:
        text = self.cleaned_data["country"].strip()
        if not text:
            return ""
        codes, unknown = country_codes_from(text)
        if unknown or len(codes) != 1:
            raise forms.ValidationError(
                gettext("'%(value)s' is not a country we know. Use a two-letter code such as FR, or a name.")
                % {"value": shown(text, 30)}
            )
        return codes[0]


# ---------------------------------------------------------------- a profile


def _checkboxes(choices: list[tuple[str, str]], label: str, required: bool = False) -> MultipleChoiceField:
    return MultipleChoiceField(label=label, required=required, choices=choices, widget=forms.CheckboxSelectMultiple)


class ProfileForm(ErrorSummaryMixin, HumanFormMixin):
    """Create or edit a seeking profile. The place is found from its name and country; when
    several places share them, the form asks which one."""

    seeker = ChoiceField(
        label=_("Who is seeking"),
        choices=[("", _("Choose one")), *Seeker.choices],
        error_messages={"required": _("Say who is seeking partners: a council, an association, a school …")},
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("Who you are, as partners will see it, e.g. 'Hebden Bridge Twinning Association'."),
        error_messages={
            "required": _("Enter the name partners will see."),
            "max_length": _("The name can be at most %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    place_name = forms.CharField(
        label=_("Your town, city or village"),
        max_length=200,
        error_messages={"required": _("Enter the place you are in, e.g. Hebden Bridge.")},
    )
    place_country = forms.CharField(
        label=_("Its country"),
        max_length=60,
        help_text=_("Two-letter code or name, such as GB or United Kingdom."),
        error_messages={"required": _("Enter the country of your place, e.g. GB.")},
    )
    place = forms.TypedChoiceField(label=_("Which one?"), required=False, coerce=int, widget=forms.RadioSelect)
    institution_name = forms.CharField(
        label=_("Your organisation in the registry (optional)"),
        max_length=300,
        required=False,
        help_text=_("A school, hospital or association recorded in that place. Leave empty if there is none."),
    )
    offers = _checkboxes(Theme.choices, _("What you offer"))
    wants = _checkboxes(Theme.choices, _("What you are looking for"))
    exchanges = _checkboxes(ExchangeKind.choices, _("Kinds of exchange"))
    mode = ChoiceField(
        label=_("In person or online"), choices=Mode.choices, initial=Mode.BOTH, widget=forms.RadioSelect
    )
    traits = _checkboxes(Trait.choices, _("What your community is like"))
    size = forms.IntegerField(
        label=_("Size"),
        required=False,
        min_value=1,
        max_value=100_000_000,
        help_text=_("Inhabitants for a place; pupils, members or staff for an organisation. Leave empty if unsure."),
        error_messages={
            "invalid": _("Give the size as a whole number, such as 4500, or leave it empty."),
            "min_value": _("The size must be at least 1, or left empty."),
            "max_value": _("The size can be at most 100,000,000."),
        },
    )
    languages = forms.CharField(
        label=_("Languages you can work in"),
        required=False,
        max_length=300,
        help_text=_("Names or two-letter codes, separated by commas: English, fr, Wolof."),
    )
    preferred_countries = forms.CharField(
        label=_("Countries you would like partners in"),
        required=False,
        max_length=600,
        help_text=_("Names or two-letter codes, separated by commas. Leave empty for anywhere."),
    )
    preferred_regions = _checkboxes(Region.choices, _("Parts of the world you would like partners in"))
    ruled_out_countries = forms.CharField(
        label=_("Countries you do not want partners in"),
        required=False,
        max_length=600,
        help_text=_("Names or two-letter codes, separated by commas."),
    )
    ruled_out_regions = _checkboxes(Region.choices, _("Parts of the world you do not want partners in"))
    about = forms.CharField(
        label=_("About you"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text=_("What you are like and what you hope a partnership brings. Public."),
        error_messages={
            "max_length": _("Say it in at most %(limit_value)d characters (this has %(show_value)d)."),
        },
    )
    contact_name = forms.CharField(
        label=_("Contact name"),
        max_length=200,
        help_text=_("Private: shown only to a partner once you have both accepted an introduction."),
        error_messages={"required": _("Enter the name of the person partners should contact.")},
    )
    contact_email = forms.EmailField(
        label=_("Contact email"),
        max_length=254,
        help_text=_("Private, like the name. The hub also sends your notifications here."),
        error_messages={
            "required": _("Enter an email address, so the hub can tell you when someone is interested."),
            "invalid": _("Enter the email address in the form name@example.org."),
        },
    )
    contact_phone = forms.CharField(
        label=_("Contact telephone (optional)"),
        max_length=40,
        required=False,
        help_text=_("Private, like the name."),
        error_messages={"max_length": _("A telephone number can be at most %(limit_value)d characters.")},
    )
    language = ChoiceField(label=_("Emails from the hub in"), choices=settings.LANGUAGES)
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    LIST_FIELDS = ("offers", "wants", "exchanges", "traits", "preferred_regions", "ruled_out_regions")

    def __init__(self, *args: object, profile: SeekingProfile | None = None, **kwargs: object) -> None:
        self.profile = profile
        if profile is not None and not kwargs.get("data") and not (args and args[0]):
            kwargs.setdefault("initial", self.initial_from(profile))
        super().__init__(*args, **kwargs)
        self.fields["started"].error_messages["required"] = gettext("Reload the page and try again.")
        self.fields["website"].label = gettext("Leave this field empty")
        self.place_candidates: list[Place] = []

    @staticmethod
    def initial_from(profile: SeekingProfile) -> dict[str, object]:
        initial: dict[str, object] = {
            name: getattr(profile, name)
            for name in (
                "seeker",
                "name",
                "offers",
                "wants",
                "exchanges",
                "mode",
                "traits",
                "size",
                "preferred_regions",
                "ruled_out_regions",
                "about",
                "contact_name",
                "contact_email",
                "contact_phone",
                "language",
            )
        }
        initial |= {
            "place_name": profile.place.name,
            "place_country": profile.place.country,
            "place": profile.place_id,
            "institution_name": profile.institution.name if profile.institution_id else "",
            "languages": ", ".join(profile.languages),
            "preferred_countries": countries_as_text(profile.preferred_countries),
            "ruled_out_countries": countries_as_text(profile.ruled_out_countries),
            "edit_version": profile.version,
        }
        return initial

    def clean_name(self) -> str:
        name = one_line(self.cleaned_data["name"], str(self.fields["name"].label))
        if slugify(name) in RESERVED_SLUGS:  # the profile's address would be one of its own pages'
            raise forms.ValidationError(gettext("Give a fuller name, such as the name of your town and group."))
        return name

    def clean_contact_name(self) -> str:
        return one_line(self.cleaned_data["contact_name"], str(self.fields["contact_name"].label))

    def clean_contact_phone(self) -> str:
        phone = one_line(self.cleaned_data["contact_phone"], str(self.fields["contact_phone"].label)).strip()
        if phone and not re.fullmatch(r"[0-9 +()./-]{5,40}", phone):
            raise forms.ValidationError(
                gettext("Write the telephone number with digits, spaces and + only, such as +44 1422 555 0100.")
            )
        return phone

    def clean_place_country(self) -> str:
        text = self.cleaned_data["place_country"]
        codes, unknown = country_codes_from(text)
        if unknown or len(codes) != 1:
            raise forms.ValidationError(
                gettext("'%(value)s' is not a country we know. Use a two-letter code such as GB, or a name.")
                % {"value": shown(text, 30)}
            )
        return codes[0]

    def clean_languages(self) -> list[str]:
        codes, unknown = language_codes_from(self.cleaned_data["languages"])
        if unknown:
            raise forms.ValidationError(
                gettext("We do not know these languages: %(words)s. Use names such as French, or codes such as fr.")
                % {"words": ", ".join(unknown)}
            )
        return codes

    def _countries(self, name: str) -> list[str]:
        codes, unknown = country_codes_from(self.cleaned_data[name])
        if unknown:
            raise forms.ValidationError(
                gettext("We do not know these countries: %(words)s. Use names such as Senegal, or codes such as SN.")
                % {"words": ", ".join(unknown)}
            )
        return codes

    def clean_preferred_countries(self) -> list[str]:
        return self._countries("preferred_countries")

    def clean_ruled_out_countries(self) -> list[str]:
        return self._countries("ruled_out_countries")

    def clean(self) -> dict:
        data = super().clean()
        if "place_name" in data and "place_country" in data:
            self._find_place(data)
        if data.get("place_obj") is not None and data.get("institution_name", "").strip():
            wanted = fold(data["institution_name"])
            found = [i for i in Institution.objects.filter(place=data["place_obj"]) if fold(i.name) == wanted]
            if not found:
                self.add_error(
                    "institution_name",
                    gettext("No organisation called '%(name)s' is recorded in %(place)s. Leave it empty, or check it.")
                    % {"name": shown(data["institution_name"]), "place": data["place_obj"].name},
                )
            else:
                data["institution_obj"] = found[0]
        return data

    def _find_place(self, data: dict) -> None:
        country = data["place_country"]
        words = fold(data["place_name"])
        ids = set(PlaceName.objects.filter(folded=words, place__country=country).values_list("place_id", flat=True))
        candidates = list(Place.objects.filter(pk__in=ids).order_by("-population", "pk")[:20])
        self.place_candidates = candidates
        self.fields["place"].choices = [(p.pk, self.place_label(p)) for p in candidates]
        if not candidates:
            self.add_error(
                "place_name",
                gettext(
                    "We found no place called '%(name)s' in %(country)s. Check the spelling, or try the name of the "
                    "town or district it is part of."
                )
                % {"name": shown(data["place_name"]), "country": country_name(country)},
            )
            return
        chosen = data.get("place")
        if len(candidates) == 1:
            data["place_obj"] = candidates[0]
        elif chosen and any(p.pk == chosen for p in candidates):
            data["place_obj"] = next(p for p in candidates if p.pk == chosen)
        else:
            self.add_error(
                "place",
                gettext("Several places are called '%(name)s' in %(country)s. Choose yours.")
                % {"name": shown(data["place_name"]), "country": country_name(country)},
            )

    @staticmethod
    def place_label(place: Place) -> str:
        details = [place.subdivision or "", f"{place.population:,}".replace(",", " ") if place.population else ""]
        details = [d for d in details if d]
        return f"{place.name} ({', '.join(details)})" if details else place.name

    def full_clean(self) -> None:
        # The "which one?" choices come from the place typed: filled in clean(), before the field is checked.
        if self.is_bound and self.data.get(self.add_prefix("place")):
            self.fields["place"].choices = [(self.data.get(self.add_prefix("place")), "")]
        super().full_clean()

    def profile_fields(self) -> dict[str, object]:
        """What the services take, from the cleaned form."""
        data = self.cleaned_data
        fields = {name: data[name] for name in (*self.LIST_FIELDS, "seeker", "name", "mode", "size", "about")}
        fields |= {name: data[name] for name in ("languages", "preferred_countries", "ruled_out_countries")}
        fields |= {name: data[name] for name in ("contact_name", "contact_email", "contact_phone", "language")}
        fields["place"] = data["place_obj"]
        fields["institution"] = data.get("institution_obj")
        return fields

    # Model field -> the form field its errors belong under.
    ERROR_FIELDS = {"place": "place_name", "institution": "institution_name"}


class StatusForm(forms.Form):
    status = ChoiceField(label=_("Status"), choices=ProfileStatus.choices, widget=forms.RadioSelect)
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


# ---------------------------------------------------------------- suggestions


class OptionalChoices(MultipleChoiceField):
    """Checkboxes in a GET form: an empty value (regions= in a shared URL) means none ticked."""

    def to_python(self, value: object) -> list[str]:
        return [v for v in super().to_python(value) if v]


class SuggestionFilterForm(ErrorSummaryMixin, OneValueEach, forms.Form):
    """Narrowing a profile's suggestions (a GET form, and the API's parameters)."""

    regions = OptionalChoices(
        label=_("Parts of the world"), required=False, choices=Region.choices, widget=forms.CheckboxSelectMultiple
    )
    countries = forms.CharField(
        label=_("Countries"),
        required=False,
        help_text=_("Names or two-letter codes, separated by commas."),
    )
    theme = ChoiceField(label=_("Theme"), required=False, choices=[("", _("Any theme")), *Theme.choices])
    min_size = forms.IntegerField(
        label=_("Smallest size"),
        required=False,
        min_value=1,
        max_value=100_000_000,
        error_messages={"invalid": _("Give a whole number, such as 5000, or leave it empty.")},
    )
    max_size = forms.IntegerField(
        label=_("Largest size"),
        required=False,
        min_value=1,
        max_value=100_000_000,
        error_messages={"invalid": _("Give a whole number, such as 50000, or leave it empty.")},
    )
    language = forms.CharField(
        label=_("Language"), required=False, help_text=_("A name or two-letter code, such as French.")
    )
    seeking_only = forms.BooleanField(label=_("Only communities with a profile of their own"), required=False)
    surprise = forms.BooleanField(
        label=_("Surprise me"),
        required=False,
        help_text=_("Favour partners in parts of the world where you have none yet."),
    )

    def clean_countries(self) -> list[str]:
        codes, unknown = country_codes_from(self.cleaned_data["countries"])
        if unknown:
            raise forms.ValidationError(
                gettext("We do not know these countries: %(words)s. Use names such as Senegal, or codes such as SN.")
                % {"words": ", ".join(unknown)}
            )
        return codes

    def clean_language(self) -> str:
        text = self.cleaned_data["language"].strip()
        if not text:
            return ""
        codes, unknown = language_codes_from(text)
        if unknown or len(codes) != 1:
            raise forms.ValidationError(
                gettext("'%(value)s' is not a language we know. Use a name such as French, or a code such as fr.")
                % {"value": shown(text, 30)}
            )
        return codes[0]

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("min_size"), data.get("max_size")
        if low is not None and high is not None and low > high:
            self.add_error("max_size", gettext("The largest size must not be smaller than the smallest."))
        return data

    def filters(self) -> SuggestionFilters:
        data = self.cleaned_data
        return SuggestionFilters(
            regions=tuple(data["regions"]),
            countries=tuple(data["countries"]),
            theme=data["theme"],
            min_size=data["min_size"],
            max_size=data["max_size"],
            seeking_only=data["seeking_only"],
            language=data["language"],
            surprise=data["surprise"],
        )


# ---------------------------------------------------------------- introductions


class InterestForm(ErrorSummaryMixin, forms.Form):
    from_profile = forms.TypedChoiceField(label=_("From your profile"), coerce=int)
    note = forms.CharField(
        label=_("A note to them (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 50}),
        help_text=_("Say why you would like to meet. Do not put contact details here: they pass once you both accept."),
        error_messages={"max_length": _("Say it in at most %(limit_value)d characters (this has %(show_value)d).")},
    )

    def __init__(self, *args: object, profiles: list[SeekingProfile], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_profile"].choices = [(p.pk, p.name) for p in profiles]
        if len(profiles) == 1:
            self.fields["from_profile"].widget = forms.HiddenInput()
            self.fields["from_profile"].initial = profiles[0].pk


class MessageForm(ErrorSummaryMixin, forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        error_messages={
            "required": _("Write your message."),
            "max_length": _("Your message can be at most %(limit_value)d characters (it has %(show_value)d)."),
        },
    )


class ReportAbuseForm(ErrorSummaryMixin, forms.Form):
    reason = forms.CharField(
        label=_("What happened"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("The hub's moderators read this. The other side is not told who reported them."),
        error_messages={
            "required": _("Say what happened, so the moderators can act on it."),
            "max_length": _("Say it in at most %(limit_value)d characters (this has %(show_value)d)."),
        },
    )


class HandleReportForm(forms.Form):
    outcome = forms.CharField(
        label=_("What you did (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 50}),
    )
