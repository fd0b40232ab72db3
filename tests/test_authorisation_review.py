"""Authorisation and privacy review of accounts, roles, proposals, moderation, history and revert.

The first tests pin the fixes of the problems the review found (a superuser without a second
factor in the admin, scoped roles rewriting any source, skipping the review of first edits,
the API writing what the pages would send for review, an editor removing their association,
private contacts in the admin's change log); the others pin what it checked and found sound.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import Role, RoleGrant
from accounts.policy import forget_roles
from accounts.testing import account_create
from associations.models import Association, Contact
from associations.services import (
    association_create,
    association_link_add,
    association_update,
    contact_add,
    contact_update,
)
from audit.models import ChangeRecord, PrivilegedAction
from audit.services import Actor
from core.partial_dates import PartialDate
from links.models import Link, StatusEvent
from links.services import (
    link_create,
    link_update,
    party_add,
    status_event_record,
    status_event_update,
)
from proposals.changes import Citing
from proposals.models import Proposal, ProposalKind, ProposalStatus
from proposals.services import change_submit, proposal_approve
from sources.models import Source
from sources.services import CitationSpec, citation_add, source_create, source_update

pytestmark = pytest.mark.django_db

CITING = {"source_url": "https://www.coventry.gov.uk/minutes/2022-03-22", "why": "As minuted."}
PRIVATE_EMAIL = "jo.private@example.net"
PRIVATE_PHONE = "+44 1632 960123"


# ---------------------------------------------------------------- the registry and the people


class World:
    """Two links: `ours` (Coventry–Volgograd, run by the association, touching the officer's
    place) and `theirs` (Kiel–Brest, run by another association), each citing its own source."""


@pytest.fixture
def world(actor, make_place, cite, source):
    w = World()
    w.coventry, w.volgograd = make_place("Coventry", "GB"), make_place("Volgograd", "RU")
    w.kiel, w.brest = make_place("Kiel", "DE"), make_place("Brest", "FR")
    w.source = source
    w.ours = link_create(
        actor=actor,
        parties=[w.coventry, w.volgograd],
        kind="formal",
        citations=cite(),
        first_contact=PartialDate.parse("1944"),
    )
    w.other_source = source_create(actor=actor, title="Kiel council minutes", kind="official")
    w.theirs = link_create(
        actor=actor,
        parties=[w.kiel, w.brest],
        kind="formal",
        citations=[CitationSpec(source=w.other_source, quote="Kiel resolved.")],
        first_contact=PartialDate.parse("1964"),
    )
    w.their_event = status_event_record(
        actor=actor,
        link=w.theirs,
        when=PartialDate.parse("2000"),
        status="active",
        citations=[CitationSpec(source=w.other_source)],
    )
    w.association = association_create(actor=actor, name="Coventry–Volgograd Association", links=[w.ours])
    w.other_association = association_create(actor=actor, name="Kiel–Brest Friends", links=[w.theirs])
    w.contact = contact_add(
        actor=actor,
        association=w.association,
        name="Jo Secretary",
        email=PRIVATE_EMAIL,
        phone=PRIVATE_PHONE,
    )
    w.editor = account_create("editor@example.org", role=Role.ASSOCIATION_EDITOR, association=w.association)
    w.officer = account_create("officer@example.org", role=Role.COUNCIL_OFFICER, place=w.coventry)
    w.contributor = account_create("contributor@example.org")
    w.moderator = account_create("moderator@example.org", role=Role.MODERATOR)
    return w


def correction(link: Link, **changes: object) -> dict[str, object]:
    """The link correction form as the link page fills it in, with `changes` made."""
    values = {
        "name": link.name,
        "kind": link.kind,
        "first_contact": link.first_contact_on.iso() if link.first_contact_on else "",
        "agreement": link.agreement_on.iso() if link.agreement_on else "",
        "endorsing_body": link.endorsing_body,
        "description": link.description,
        "version": link.version,
    }
    return values | CITING | changes


def superuser_without_second_factor():
    """What `manage.py createsuperuser` leaves (once its address is confirmed): is_staff and
    is_superuser, and no authenticator app yet."""
    user = account_create("root@example.org")
    user.is_superuser = True
    user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    return user


# ================================================================ findings, fixed

# ---- 1. The admin's second factor: a superuser without one keeps Django's superuser powers.

DJANGO_OWN_ADMIN_PAGES = [
    "/admin/auth/user/",
    "/admin/auth/group/",
    "/admin/account/emailaddress/",
    "/admin/mfa/authenticator/",
    "/admin/accounts/consent/",
    "/admin/accounts/erasure/",
]


@pytest.mark.parametrize("url", DJANGO_OWN_ADMIN_PAGES)
def test_a_superuser_without_a_second_factor_cannot_open_any_admin_page(client, url):
    client.force_login(superuser_without_second_factor())
    assert client.get(url).status_code == 403


def test_a_superuser_without_a_second_factor_cannot_remove_an_admins_authenticator(client):
    from allauth.mfa.models import Authenticator

    boss = account_create("boss@example.org", role=Role.ADMIN, second_factor=True)
    totp = Authenticator.objects.get(user=boss, type=Authenticator.Type.TOTP)
    client.force_login(superuser_without_second_factor())
    client.post(f"/admin/mfa/authenticator/{totp.pk}/delete/", {"post": "yes"})
    assert Authenticator.objects.filter(pk=totp.pk).exists()


def test_a_superuser_without_a_second_factor_cannot_promote_another_account(client):
    from django.contrib.auth import get_user_model

    other = account_create("friend@example.org")
    client.force_login(superuser_without_second_factor())
    client.post(
        f"/admin/auth/user/{other.pk}/change/",
        {
            "username": other.username,
            "email": other.email,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "00:00:00",
        },
    )
    assert not get_user_model().objects.get(pk=other.pk).is_superuser


# ---- 2. Sources: a scoped role may rewrite any source in the registry directly.


@pytest.mark.parametrize("who", ["editor", "officer"])
def test_a_scoped_role_cannot_rewrite_a_source_cited_only_outside_their_scope(world, who):
    with pytest.raises(PermissionDenied):
        source_update(actor=Actor(user=getattr(world, who)), source=world.other_source, title="Forged minutes")
    assert Source.objects.get(pk=world.other_source.pk).title == "Kiel council minutes"


def test_a_scoped_editors_correction_of_someone_elses_source_waits_for_a_moderator(world, client, settings):
    settings.FIRST_EDITS_REVIEWED = 0  # an established editor
    client.force_login(world.editor)
    source = world.other_source
    client.post(
        f"/proposals/sources/{source.pk}/correct",
        {"title": "Forged minutes", "kind": source.kind, "publisher": "", "published": ""} | CITING,
    )
    assert Source.objects.get(pk=source.pk).title == "Kiel council minutes"
    assert Proposal.objects.filter(kind=ProposalKind.SOURCE_CHANGE, status=ProposalStatus.PENDING).exists()


# ---- 3. "An editor's first three changes are reviewed": unreviewed edits count towards them.


def test_saving_ones_own_association_page_does_not_skip_the_review_of_first_edits(world, client, settings):
    settings.FIRST_EDITS_REVIEWED = 3
    client.force_login(world.editor)
    for _ in range(3):  # "Save changes" with nothing changed
        association = Association.objects.get(pk=world.association.pk)
        client.post(
            f"/associations/{association.pk}/edit",
            {
                "name": association.name,
                "website": association.website,
                "meeting_place": association.meeting_place,
                "description": association.description,
                "edit_version": association.version,
            },
        )
    link = Link.objects.get(pk=world.ours.pk)
    client.post(f"/proposals/links/{link.pk}/correct", correction(link, endorsing_body="Unreviewed"))
    assert Link.objects.get(pk=link.pk).endorsing_body == "", "a new editor's first link edit is reviewed"
    assert Proposal.objects.filter(status=ProposalStatus.PENDING).count() == 1


# ---- 4. The API skips the review rules that the pages apply.


def test_a_new_council_officers_status_change_through_the_api_is_reviewed_like_on_the_page(world, client, settings):
    from api.tokens import api_token_create

    settings.FIRST_EDITS_REVIEWED = 3
    _token, key = api_token_create(user=world.officer, name="council script")
    body = {"date": "2022-03", "status": "paused", "citations": [{"source_id": world.source.pk}]}
    client.post(
        f"/api/v1/links/{world.ours.pk}/events",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert not StatusEvent.objects.filter(link=world.ours).exists(), "the page would have kept it for a moderator"


# ---- 5. Removing an association is a moderator's act, but its service checks only EDIT.


def test_an_association_editor_cannot_remove_their_association_through_the_service(world):
    with pytest.raises(PermissionDenied):
        association_update(actor=Actor(user=world.editor), association=world.association, removed=True)
    assert not Association.objects.get(pk=world.association.pk).removed


# ---- 6. The note "for the moderator" is published on the public history page.


# ---- 7. Private contact details read from the admin's change log are not logged.


def test_reading_private_contact_details_in_the_admins_change_log_is_logged_or_impossible(world, client):
    from django.contrib.contenttypes.models import ContentType

    record = ChangeRecord.objects.get(
        target_type=ContentType.objects.get_for_model(Contact), target_id=world.contact.pk, action="create"
    )
    client.force_login(world.moderator)
    page = client.get(f"/admin/audit/changerecord/{record.pk}/change/")
    assert page.status_code == 200
    shown = PRIVATE_EMAIL in page.content.decode() or PRIVATE_PHONE in page.content.decode()
    logged = PrivilegedAction.objects.filter(kind="contact_read", actor=world.moderator).exists()
    assert not shown or logged


# ================================================================ checked and sound (pinned)


def test_a_superuser_without_a_second_factor_has_no_power_on_the_hubs_own_admin_pages(client, world):
    client.force_login(superuser_without_second_factor())
    for url in (
        "/admin/links/link/",
        f"/admin/links/link/{world.ours.pk}/change/",
        "/admin/sources/source/",
        "/admin/associations/association/",
        "/admin/audit/changerecord/",
        "/admin/audit/privilegedaction/",
        "/admin/api/apitoken/",
    ):
        assert client.get(url).status_code == 403, url


def test_a_moderator_cannot_open_the_account_admin_pages(client, world):
    client.force_login(world.moderator)
    for url in DJANGO_OWN_ADMIN_PAGES + ["/admin/audit/privilegedaction/", "/admin/api/apitoken/"]:
        assert client.get(url).status_code == 403, url


def test_proposals_of_others_cannot_be_read_withdrawn_or_decided_by_guessing_their_number(world, client):
    client.force_login(world.contributor)
    link = Link.objects.get(pk=world.ours.pk)
    client.post(
        f"/proposals/links/{link.pk}/correct",
        correction(link, endorsing_body="x") | {"first_hand": "I am the secretary, Jo Bloggs"},
    )
    proposal = Proposal.objects.get()

    client.logout()
    answer = client.get(f"/proposals/{proposal.pk}/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")

    for other in (account_create("nosy@example.org"), world.editor, world.officer):
        client.force_login(other)
        page = client.get(f"/proposals/{proposal.pk}/")
        assert page.status_code == 403 and "Jo Bloggs" not in page.content.decode()
        assert client.post(f"/proposals/{proposal.pk}/withdraw").status_code == 403
        assert client.post(f"/proposals/{proposal.pk}/decide", {"decision": "approve"}).status_code == 403
        assert "Jo Bloggs" not in client.get("/proposals/mine").content.decode()
        assert proposal.summary not in client.get("/proposals/mine").content.decode()
        assert client.get("/proposals/").status_code == 403
    assert Proposal.objects.get().status == ProposalStatus.PENDING

    client.force_login(world.moderator)
    for url in (f"/proposals/{proposal.pk}/", "/proposals/"):
        html = client.get(url).content.decode()
        assert world.contributor.email not in html, "moderators see an account number, not the address"


def test_a_moderator_cannot_approve_a_proposal_they_made_themselves(world, client):
    client.force_login(world.contributor)
    link = Link.objects.get(pk=world.ours.pk)
    client.post(f"/proposals/links/{link.pk}/correct", correction(link, endorsing_body="Mine"))
    proposal = Proposal.objects.get()
    RoleGrant.objects.create(user=world.contributor, role=Role.MODERATOR, reason="promoted later")
    forget_roles(world.contributor)

    answer = client.post(f"/proposals/{proposal.pk}/decide", {"decision": "approve", "reason": ""})
    assert answer.status_code == 400 and "Another moderator must review your own proposal" in answer.content.decode()
    with pytest.raises(PermissionDenied):
        proposal_approve(actor=Actor(user=world.contributor), proposal=proposal)
    assert Proposal.objects.get().status == ProposalStatus.PENDING
    assert Link.objects.get(pk=link.pk).endorsing_body == ""


def test_a_council_officers_new_link_applies_at_once_only_when_it_joins_their_own_place(world, settings):
    settings.FIRST_EDITS_REVIEWED = 0
    actor = Actor(user=world.officer)
    citing = Citing(source_note="https://example.org/charter")
    elsewhere = change_submit(
        actor=actor, kind=ProposalKind.LINK_NEW, payload={"places": [world.volgograd.pk, world.brest.pk]}, citing=citing
    )
    assert not elsewhere.applied and elsewhere.proposal.status == ProposalStatus.PENDING
    assert not Link.objects.filter(parties__place=world.brest).filter(parties__place=world.volgograd).exists()
    ours = change_submit(
        actor=actor, kind=ProposalKind.LINK_NEW, payload={"places": [world.coventry.pk, world.brest.pk]}, citing=citing
    )
    assert ours.applied


@pytest.mark.parametrize("who", ["editor", "officer", "contributor"])
def test_scoped_roles_cannot_change_another_links_details_events_citations_or_parties(world, who):
    actor = Actor(user=getattr(world, who))
    before = ChangeRecord.objects.count()
    attempts = [
        lambda: link_update(actor=actor, link=world.theirs, endorsing_body="Hijacked"),
        lambda: status_event_record(
            actor=actor,
            link=world.theirs,
            when=PartialDate.parse("2022"),
            status="ended",
            citations=[CitationSpec(source=world.source)],
        ),
        lambda: status_event_update(actor=actor, event=world.their_event, reason="Hijacked"),
        lambda: citation_add(actor=actor, target=world.their_event, spec=CitationSpec(source=world.source)),
        lambda: citation_add(actor=actor, target=world.theirs, spec=CitationSpec(source=world.source)),
        lambda: party_add(actor=actor, link=world.theirs, party=world.coventry),
        lambda: association_link_add(actor=actor, association=world.association, link=world.theirs),
        lambda: association_update(actor=actor, association=world.other_association, name="Hijacked"),
    ]
    if who != "editor":  # the association's own editor may; nobody else
        attempts.append(lambda: contact_update(actor=actor, contact=world.contact, public=True))
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert ChangeRecord.objects.count() == before


def test_a_council_officer_cannot_change_a_protected_link_of_their_own_place_directly(world):
    Link.objects.filter(pk=world.ours.pk).update(protected=True)
    link = Link.objects.get(pk=world.ours.pk)
    actor = Actor(user=world.officer)
    with pytest.raises(PermissionDenied):
        link_update(actor=actor, link=link, endorsing_body="Direct")
    with pytest.raises(PermissionDenied):
        status_event_record(
            actor=actor,
            link=link,
            when=PartialDate.parse("2022"),
            status="paused",
            citations=[CitationSpec(world.source)],
        )


@pytest.mark.parametrize(
    ("kind", "target", "payload"),
    [
        (ProposalKind.LINK_CHANGE, "ours", {"protected": False}),
        (ProposalKind.LINK_CHANGE, "ours", {"parent_id": 1}),
        (ProposalKind.EVENT_CHANGE, "their_event", {"link": 1}),
        (ProposalKind.PLACE_CHANGE, "coventry", {"country": "FR"}),
        (ProposalKind.ASSOCIATION_CHANGE, "association", {"removed": True}),
        (ProposalKind.SOURCE_CHANGE, "source", {"version": 99}),
    ],
)
def test_a_proposal_cannot_smuggle_fields_its_form_does_not_offer(world, kind, target, payload):
    """Payloads are checked against each kind's own list of fields, even for a moderator."""
    with pytest.raises(ValidationError):
        change_submit(
            actor=Actor(user=world.moderator),
            kind=kind,
            payload=payload,
            citing=Citing(source_note="https://example.org"),
            target=getattr(world, target),
        )


def test_history_pages_hide_first_hand_statements_and_who_proposed_from_visitors(world, client):
    client.force_login(world.contributor)
    link = Link.objects.get(pk=world.ours.pk)
    client.post(
        f"/proposals/links/{link.pk}/correct",
        correction(link, endorsing_body="Both councils")
        | {"source_url": "", "first_hand": "I am the secretary, Jo Bloggs", "why": ""},
    )
    proposal = Proposal.objects.get()
    proposal_approve(actor=Actor(user=world.moderator), proposal=proposal)

    for reader in (None, world.contributor, world.editor):
        client.logout()
        if reader is not None:
            client.force_login(reader)
        page = client.get(f"/links/{link.pk}/history/").content.decode()
        assert "Both councils" in page and "(seen by moderators)" in page
        assert "Jo Bloggs" not in page
        assert world.contributor.email not in page and world.moderator.email not in page
        assert f"/proposals/{proposal.pk}/" not in page
        assert "Revert" not in page

    client.force_login(account_create("second.moderator@example.org", role=Role.MODERATOR))
    page = client.get(f"/links/{link.pk}/history/").content.decode()
    assert "Jo Bloggs" in page and f"/proposals/{proposal.pk}/" in page


def test_an_associations_history_never_shows_its_contacts_details(world, client):
    contact_update(actor=Actor(user=world.editor), contact=world.contact, phone="+44 1632 960999")
    for reader in (None, world.contributor, world.officer):
        client.logout()
        if reader is not None:
            client.force_login(reader)
        page = client.get(f"/associations/{world.association.pk}/history/")
        assert page.status_code == 200
        html = page.content.decode()
        assert PRIVATE_EMAIL not in html and PRIVATE_PHONE not in html and "960999" not in html


@pytest.mark.parametrize("reason", ["", "Vandalism"], ids=["refused", "reverted"])
@pytest.mark.parametrize(
    "next_url",
    ["//evil.example/", "https://evil.example/", "evil.example", "", "/\\evil.example/", "/\t/evil.example/"],
)
def test_the_revert_view_only_redirects_within_the_hub(world, client, next_url, reason):
    """Protocol-relative and absolute `next` become "/"; a backslash or a tab (which browsers would
    read as "//") is percent-encoded by HttpResponseRedirect, so the answer stays on the hub."""
    link_update(actor=Actor(user=world.moderator), link=world.ours, endorsing_body="Changed")
    change = ChangeRecord.objects.filter(target_id=world.ours.pk, action="update").latest("id")
    client.force_login(account_create("other.moderator@example.org", role=Role.MODERATOR))
    answer = client.post(f"/history/changes/{change.pk}/revert", {"reason": reason, "next": next_url})
    assert answer.status_code == 302
    location = answer["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\", "/\t"))
    assert url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"})


def test_the_new_write_pages_refuse_a_post_without_a_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.contributor)
    link = Link.objects.get(pk=world.ours.pk)
    assert client.post(f"/proposals/links/{link.pk}/correct", correction(link, endorsing_body="x")).status_code == 403
    proposal = change_submit(
        actor=Actor(user=world.contributor),
        kind=ProposalKind.LINK_CHANGE,
        payload={"endorsing_body": "y"},
        citing=Citing(source_note="https://example.org"),
        target=link,
    ).proposal
    assert client.post(f"/proposals/{proposal.pk}/withdraw").status_code == 403

    client.force_login(world.moderator)
    assert client.post(f"/proposals/{proposal.pk}/decide", {"decision": "approve"}).status_code == 403
    change = ChangeRecord.objects.filter(target_id=link.pk).latest("id")
    assert client.post(f"/history/changes/{change.pk}/revert", {"reason": "x", "next": "/"}).status_code == 403

    client.force_login(world.editor)
    edit = {"name": "Taken", "website": "", "meeting_place": "", "description": "", "edit_version": 1}
    assert client.post(f"/associations/{world.association.pk}/edit", edit).status_code == 403

    assert Proposal.objects.get().status == ProposalStatus.PENDING
    assert Link.objects.get(pk=link.pk).endorsing_body == ""
    assert Association.objects.get(pk=world.association.pk).name == "Coventry–Volgograd Association"


def test_api_writes_need_a_bearer_token_and_never_ride_on_a_session_cookie(world, client):
    client.force_login(world.moderator)
    body = {
        "parties": [{"place_id": world.coventry.pk}, {"place_id": world.kiel.pk}],
        "kind": "formal",
        "citations": [{"source_id": world.source.pk}],
    }
    before = Link.objects.count()
    assert client.post("/api/v1/links", body, content_type="application/json").status_code == 401
    event = {"date": "2022", "status": "ended", "citations": [{"source_id": world.source.pk}]}
    assert (
        client.post(f"/api/v1/links/{world.ours.pk}/events", event, content_type="application/json").status_code == 401
    )
    assert Link.objects.count() == before and not StatusEvent.objects.filter(link=world.ours).exists()


def test_an_api_token_of_a_superuser_without_a_second_factor_writes_nothing(world, client):
    from api.tokens import api_token_create

    _token, key = api_token_create(user=superuser_without_second_factor(), name="script")
    body = {
        "parties": [{"place_id": world.kiel.pk}, {"place_id": world.volgograd.pk}],
        "kind": "formal",
        "citations": [{"source_id": world.source.pk}],
    }
    answer = client.post("/api/v1/links", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 403 and "second factor" in answer.content.decode()


@pytest.mark.parametrize(
    ("url", "form"),
    [
        ("/proposals/sources/new", {"title": "A leaflet", "kind": "other", "publisher": "", "published": ""}),
        (
            "/proposals/links/new",
            {
                "first_place": "Kiel",
                "first_country": "DE",
                "second_place": "Volgograd",
                "second_country": "RU",
                "kind": "formal",
            },
        ),
    ],
)
def test_every_proposal_page_is_rate_limited(world, client, settings, url, form):
    settings.PROPOSAL_RATE = "1/h"
    client.force_login(world.contributor)
    first = client.post(url, form | CITING)
    second = client.post(url, form | CITING)
    assert first.status_code == 302 and second.status_code == 429
    assert Proposal.objects.count() == 1
