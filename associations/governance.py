"""Association governance: kind reminders about long-held committee roles, and the association's
generational mix (anonymous counts of members by age band, year by year).

**Reminders.** When someone has held a high-intensity role (chair, secretary, treasurer) for more
than GOVERNANCE_ROLE_YEARS years, the association's contacts (with an email address, not removed) are
emailed once per term and per calendar year, with the advice of the report "Moving Forward Together"
(Part IV on burnout and on ageing links, Part V's recommendations 2 and 3) in the hub's own words.
`reminders_schedule` runs daily (associations.tasks.governance_reminders, or `manage.py
send_governance_reminders` from cron): it claims a GovernanceReminder row per term and year (unique:
a re-run claims nothing twice) and enqueues `reminder_send`, which sends that reminder's emails once.

**Member counts.** `member_counts_record` records, or corrects, one year's counts for every age band
in one transaction, each row versioned and in the change log like any other association write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from accounts.policy import Action, authorize
from associations.models import (
    HIGH_INTENSITY_ROLES,
    AgeBand,
    Association,
    CommitteeRole,
    Contact,
    GovernanceReminder,
    MemberCount,
)
from audit.services import Actor, created_record, versioned_update
from stats.charts import Series, column_chart
from stats.tables import Cell, Table, count_text

REPORT_CITATION = (
    "Holly Eva Ryan and Caterina Mazzilli, “Moving Forward Together: Refreshing and Revitalising our "
    "Understanding of UK Twinning and Friendship Links in the 21st Century”"
)
MEMBER_COUNT_FIELDS = ["year", "band", "count"]


# ---------------------------------------------------------------- long-held roles


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` years earlier (28 February for a 29 February with no match)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def full_years(start: dt.date, today: dt.date) -> int:
    """Whole years from `start` to `today`: 7 for a chair since 1 March 2018 on 2 March 2025."""
    return today.year - start.year - ((today.month, today.day) < (start.month, start.day))


def is_long_held(role: CommitteeRole, today: dt.date) -> bool:
    """A current high-intensity term begun more than GOVERNANCE_ROLE_YEARS years ago."""
    return (
        role.role in HIGH_INTENSITY_ROLES
        and (role.term_end is None or role.term_end >= today)
        and role.term_start < years_before(today, settings.GOVERNANCE_ROLE_YEARS)
    )


def long_held_roles(today: dt.date | None = None):
    """Every current term of a chair, secretary or treasurer, in an association not removed, held for
    more than GOVERNANCE_ROLE_YEARS years on `today` (is_long_held, in the database)."""
    today = today or timezone.localdate()
    return (
        CommitteeRole.objects.filter(
            role__in=HIGH_INTENSITY_ROLES,
            association__removed=False,
            term_start__lt=years_before(today, settings.GOVERNANCE_ROLE_YEARS),
        )
        .exclude(term_end__lt=today)
        .select_related("association")
        .order_by("association_id", "term_start", "id")
    )


def long_held_in(roles: Iterable[CommitteeRole], today: dt.date) -> list[CommitteeRole]:
    """The long-held terms among already-fetched roles (the association's page: no query)."""
    return [role for role in roles if is_long_held(role, today)]


def role_in_words(role: CommitteeRole) -> str:
    return str(role.label)


def advice_paragraphs() -> list[str]:
    """The report's advice on rotation, succession and younger members, in the hub's own words, in
    the active language; the page and the email say the same."""
    return [
        gettext(
            "Running a twinning association rests on a few generous people, and the heaviest roles (chair, "
            "secretary, treasurer) can wear out even the keenest volunteer over the years. Tiredness of this kind "
            "is common, and it is no one's failing: it is a reason to share the load."
        ),
        gettext(
            "Many associations agree to pass these roles on every few years. A rest gives the people who do "
            "most a chance to recover, and a new person in the role brings new faces, fresh ideas and other ways "
            "of doing things. The person stepping down stays part of the association, and their experience is "
            "just as valuable from another seat."
        ),
        gettext(
            "Succession goes more smoothly when it is planned: a deputy or vice-chair who shares the work for a "
            "year, a short note of how things are done and whom to call, and tasks split among several members "
            "rather than kept by one."
        ),
        gettext(
            "It is also a good moment to think about the next generation. Ask younger people in your community, "
            "over a coffee or in a small group, what would draw them in and what puts them off; time and money "
            "weigh on them more than many of us assume. Schools, colleges and universities are natural partners, "
            "and other associations that work with them are often glad to share what they learned."
        ),
    ]


def report_reference() -> str:
    """Where the advice comes from: the report, its parts."""
    return gettext(
        "From the report %(report)s: Part IV, on “compassion fatigue” and burnout and on ageing links and "
        "intergenerational collaboration, and Part V, recommendations 2 (fair and balanced structures, rotating "
        "the high-intensity roles) and 3 (intergenerational continuity)."
    ) % {"report": REPORT_CITATION}


def reminder_addresses(association: Association) -> list[str]:
    """One address per contact (not removed, with an email), each once, case aside."""
    seen: dict[str, str] = {}
    for email in (
        Contact.objects.filter(association=association, removed=False)
        .exclude(email="")
        .order_by("id")
        .values_list("email", flat=True)
    ):
        seen.setdefault(email.lower(), email)
    return list(seen.values())


def reminder_email(role: CommitteeRole, address: str, today: dt.date) -> EmailMessage:
    """The reminder to one contact, in the site's language (a contact's own is not recorded)."""
    association = role.association
    with translation.override(settings.LANGUAGE_CODE):
        years = full_years(role.term_start, today)
        names = {
            "person": role.person,
            "role": role_in_words(role),
            "association": association.name,
            "years": years,
            "page": f"{settings.SITE_URL}{association.get_absolute_url()}",
        }
        lines = [
            gettext("Hello,"),
            "",
            ngettext(
                "Twinning Hub's records show that %(person)s has been %(role)s of %(association)s for %(years)d "
                "year. Thank you, %(person)s: an association lives on such commitment.",
                "Twinning Hub's records show that %(person)s has been %(role)s of %(association)s for %(years)d "
                "years. Thank you, %(person)s: an association lives on such commitment.",
                years,
            )
            % names,
            "",
            gettext(
                "This is a gentle reminder, sent once a year, not a rule: nothing changes on the hub, and "
                "there is nothing to answer. Only your association can decide what suits it."
            ),
            "",
        ]
        for paragraph in advice_paragraphs():
            lines += [paragraph, ""]
        lines += [
            report_reference(),
            "",
            gettext(
                "When a new person takes on the role, the association's editors can record it on its page, "
                "%(page)s: end the current term and add the new one."
            )
            % names,
            "",
            gettext("With warm wishes,"),
            gettext("Twinning Hub"),
        ]
        subject = gettext("Sharing the load at %(association)s: a gentle reminder") % names
    return EmailMessage(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
    )


@dataclass(frozen=True)
class ReminderRound:
    """What one daily run did."""

    due: int = 0  # long-held terms found
    claimed: int = 0  # reminders newly claimed for this year
    enqueued: int = 0  # sends enqueued (new ones and unsent ones of this year)


def reminders_schedule(today: dt.date | None = None) -> ReminderRound:
    """Claim this year's reminder for each long-held term that has none, and enqueue its sending
    (with any claimed earlier this year and never sent). Idempotent: the unique (term, year) row
    means a re-run claims nothing new, and a send task sends a reminder once."""
    from associations.tasks import governance_reminder_send

    today = today or timezone.localdate()
    due = claimed = 0
    for role in long_held_roles(today).iterator(chunk_size=500):
        due += 1
        try:
            with transaction.atomic():
                GovernanceReminder.objects.create(committee_role=role, year=today.year)
        except IntegrityError:  # reminded already this year (or another run claimed it just now)
            continue
        claimed += 1
    unsent = list(
        GovernanceReminder.objects.filter(year=today.year, sent_at__isnull=True)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    for pk in unsent:
        governance_reminder_send.enqueue(reminder_id=pk)
    return ReminderRound(due=due, claimed=claimed, enqueued=len(unsent))


def reminder_send(*, reminder_id: int) -> int:
    """Send one reminder's emails (one per contact address), once; returns how many were sent.

    The row is locked and marked sent in the same transaction that hands the emails to the mail
    server, last: if the server refuses, nothing is marked and the next daily run sends it again;
    a second run of the task finds it sent and sends nothing. A term that ended, or stopped being
    long-held, before the worker got to it is not reminded about.
    """
    with transaction.atomic():
        reminder = (
            GovernanceReminder.objects.select_for_update()
            .select_related("committee_role__association")
            .filter(pk=reminder_id, sent_at__isnull=True)
            .first()
        )
        if reminder is None:
            return 0
        role = reminder.committee_role
        today = timezone.localdate()
        if role.association.removed or not is_long_held(role, today):
            reminder.sent_at = timezone.now()
            reminder.save(update_fields=["sent_at"])
            return 0
        emails = [reminder_email(role, address, today) for address in reminder_addresses(role.association)]
        reminder.sent_at, reminder.emails = timezone.now(), len(emails)
        reminder.save(update_fields=["sent_at", "emails"])
        if emails:
            get_connection().send_messages(emails)
    return len(emails)


# ---------------------------------------------------------------- the generational mix

BANDS = list(AgeBand)


def _band_in_english(band: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(AgeBand(band).label)


def _counts_error(message: str) -> ValidationError:
    return ValidationError(message, code="invalid")


@transaction.atomic
def member_counts_record(
    *,
    actor: Actor,
    association: Association,
    year: int,
    counts: Mapping[str, int],
    expected_versions: Mapping[str, int] | None = None,
) -> list[MemberCount]:
    """Record how many members the association had in each age band in `year`, or correct them.

    Without `expected_versions` the year must be new: recording a year twice is refused (correct
    it instead). With them (the versions the correction form showed, per band) each row changes
    only if nobody saved it since (EditConflict otherwise). Either way every band is written, in
    one transaction, each change in the change log; on any error nothing is saved.
    """
    authorize(actor, Action.EDIT, association)
    missing = [band for band in AgeBand.values if band not in counts]
    if missing or set(counts) - set(AgeBand.values):
        raise _counts_error(gettext("Give a count for every age band (0 where there is nobody)."))
    existing = {
        row.band: row
        for row in MemberCount.objects.select_for_update().filter(association=association, year=year).order_by("id")
    }
    if existing and expected_versions is None:
        raise ValidationError(
            {
                "year": gettext(
                    "The counts of %(year)s are already recorded for %(association)s. To change them, use "
                    "“Correct” beside %(year)s on the association's page."
                )
                % {"year": year, "association": association.name}
            }
        )
    rows = []
    for band in AgeBand.values:
        row = existing.get(band)
        if row is None:
            row = MemberCount(association=association, year=year, band=band, count=counts[band])
            created_record(
                actor=actor,
                instance=row,
                fields=MEMBER_COUNT_FIELDS,
                summary=f"Recorded {row.count} members aged {_band_in_english(band)} in {year} at {association.name}",
                more_changes={"association": association.pk},
            )
        else:
            versioned_update(
                actor=actor,
                instance=row,
                changes={"count": counts[band]},
                fields=["count"],
                expected_version=(expected_versions or {}).get(band, row.version),
                summary=f"Corrected the members aged {_band_in_english(band)} in {year} at {association.name}",
            )
        rows.append(row)
    return rows


# Young to old: GOV.UK's blue, green, purple, orange-brown, red and grey (each 4.5:1 or more on white).
BAND_COLOURS = {
    AgeBand.UNDER_18: "#1d70b8",
    AgeBand.FROM_18: "#00703c",
    AgeBand.FROM_30: "#4c2c92",
    AgeBand.FROM_45: "#8a4b00",
    AgeBand.FROM_60: "#a3151e",
    AgeBand.FROM_75: "#505a5f",
}


@dataclass(frozen=True)
class GenerationalMix:
    table: Table
    chart: SafeString
    years: list[int]
    rows: list[MemberCount]  # the year's rows, by year and band, for the correction links


def generational_mix(association: Association) -> GenerationalMix:
    """The association's members by age band, year by year (one query): a table (the page's and the
    CSV's, as the statistics page's tables) and the same numbers as a stacked column chart."""
    rows = list(MemberCount.objects.filter(association=association).order_by("year", "id"))
    values = {(row.year, row.band): row.count for row in rows}
    years = sorted({row.year for row in rows})
    headers = [gettext("Year"), *[str(band.label).capitalize() for band in BANDS], gettext("All members")]
    caption = gettext("Members of %(association)s by age, year by year") % {"association": association.name}
    table = Table(
        caption=caption,
        headers=headers,
        csv_headers=["year", *AgeBand.values, "total"],
    )
    for year in years:
        counts = [values.get((year, band.value), 0) for band in BANDS]
        table.rows.append(
            [
                Cell(year, str(year)),
                *[Cell(n, count_text(n), numeric=True) for n in counts],
                Cell(sum(counts), count_text(sum(counts)), numeric=True),
            ]
        )
    series = [Series(band.value, str(band.label), BAND_COLOURS[band]) for band in BANDS]
    title = gettext("The generational mix of %(association)s") % {"association": association.name}
    description = "; ".join(
        gettext("%(year)s: %(count)s members")
        % {"year": year, "count": count_text(sum(values.get((year, b), 0) for b in AgeBand.values))}
        for year in years
    )
    chart = (
        column_chart("generations-chart", title, values, series, description=description) if years else SafeString("")
    )
    return GenerationalMix(table=table, chart=chart, years=years, rows=rows)
