"""The README's "Who may do what" table, cell by cell, against accounts.policy.

The table is read from the README itself, so the documentation and the code cannot drift apart:
change one without the other and this fails. Scoped cells are tested both ways: in the role's
own scope (allowed) and just outside it (refused).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client

from accounts.policy import Action, authorize, can
from accounts.testing import ROLES, account_create
from associations.models import Association
from audit.services import Actor
from links.services import link_create

README = Path(__file__).resolve().parents[2] / "README.md"

ACTIONS = {
    "read the registry and download open data": None,  # public pages; tested in tests/test_pages.py
    "propose a change for review": Action.PROPOSE,
    "change a link directly": Action.EDIT,
    "record a status change directly": Action.RECORD_DECISION,
    "see an association's private contacts": Action.READ_PRIVATE_CONTACTS,
    "review proposals": Action.MODERATE,
    "revert a change": Action.REVERT,
    "remove a record, or restore it": Action.REMOVE,
    "grant and revoke roles": Action.MANAGE_ROLES,
    "read the log of privileged actions": Action.READ_PRIVILEGED_LOG,
}
COLUMNS = {
    "visitor": "visitor",
    "contributor": "contributor",
    "association editor": "association_editor",
    "council officer": "council_officer",
    "moderator": "moderator",
    "admin": "admin",
}


def readme_table() -> list[tuple[str, str, str]]:
    """(action, role, cell) for every cell of the table."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Who may do what") :]
    lines = section.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    cells = []
    for line in rows[2:]:
        values = [cell.strip() for cell in line.strip("|").split("|")]
        for role, value in zip(header[1:], values[1:], strict=True):
            cells.append((values[0], role, value))
    return cells


CELLS = readme_table()


def test_the_table_covers_every_action_and_role():
    assert {action for action, _, _ in CELLS} == set(ACTIONS)
    assert {role for _, role, _ in CELLS} == set(COLUMNS)
    assert {value for _, _, value in CELLS} <= {"yes", "no", "scoped"}
    assert {a for a in ACTIONS.values() if a} == set(Action)


@pytest.fixture
def world(db, actor, make_place, cite):
    """Two links: one run by the association and touching the council's place, one elsewhere."""
    coventry, volgograd = make_place("Coventry", "GB"), make_place("Volgograd", "RU")
    kiel, brest = make_place("Kiel", "DE"), make_place("Brest", "FR")
    ours = link_create(actor=actor, parties=[coventry, volgograd], kind="formal", citations=cite())
    theirs = link_create(actor=actor, parties=[kiel, brest], kind="formal", citations=cite())
    association = Association.objects.create(name="Coventry–Volgograd Association")
    association.links.add(ours)
    other_association = Association.objects.create(name="Kiel–Brest Friends")
    other_association.links.add(theirs)
    return {"ours": ours, "theirs": theirs, "association": association, "other": other_association, "place": coventry}


def account_for(column: str, world):
    role = COLUMNS[column]
    if role == "visitor":
        return AnonymousUser()
    options = dict(ROLES[role])
    if role == "association_editor":
        options["association"] = world["association"]
    if role == "council_officer":
        options["place"] = world["place"]
    return account_create(f"{role}@example.org", **options)


def targets(action: Action, world) -> tuple[object, object]:
    """An object in the role's scope, and one outside it, for this action."""
    if action is Action.READ_PRIVATE_CONTACTS:
        return world["association"], world["other"]
    return world["ours"], world["theirs"]


@pytest.mark.parametrize(("action_label", "column", "cell"), CELLS)
def test_each_cell_of_the_readme_table(world, action_label, column, cell):
    action = ACTIONS[action_label]
    user = account_for(column, world)
    if action is None:
        client = Client()
        if user.is_authenticated:
            client.force_login(user)
        page = client.get(world["theirs"].get_absolute_url())
        assert page.status_code == 200 and "Kiel" in page.content.decode()
        assert client.get("/search.csv?country=DE").status_code == 200
        return
    inside, outside = targets(action, world)
    if cell == "scoped":
        assert can(user, action, inside), f"a {column} should be able to {action_label} in their own scope"
        assert not can(user, action, outside), f"a {column} must not {action_label} outside their scope"
    else:
        expected = cell == "yes"
        assert can(user, action, inside) is expected
        assert can(user, action, outside) is expected


def test_a_refusal_says_why_and_what_to_do_next(world):
    contributor = account_create("contributor@example.org")
    with pytest.raises(PermissionDenied, match=re.escape("You can propose the change instead")):
        authorize(Actor(user=contributor), Action.EDIT, world["ours"])
    unverified = account_create("new@example.org", verified=False)
    with pytest.raises(PermissionDenied, match="Confirm your email address first"):
        authorize(Actor(user=unverified), Action.PROPOSE, world["ours"])


def test_an_admin_without_a_second_factor_is_a_contributor_until_they_set_one_up(world):
    admin = account_create("admin-no-2fa@example.org", role="admin")
    assert not can(admin, Action.MANAGE_ROLES)
    assert can(admin, Action.PROPOSE)
    with pytest.raises(PermissionDenied, match="second factor"):
        authorize(Actor(user=admin), Action.MANAGE_ROLES)


def test_a_deactivated_account_can_do_nothing(world):
    moderator = account_create("gone@example.org", role="moderator")
    moderator.is_active = False
    assert not can(moderator, Action.PROPOSE)
    assert not can(moderator, Action.MODERATE)


# ---------------------------------------------------------------- the same cells, through the API


def api_post(client, path: str, body: dict, user) -> int:
    from api.tokens import api_token_create

    headers = {}
    if user.is_authenticated:
        _token, key = api_token_create(user=user, name="roles table")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client.post(f"/api/v1{path}", body, content_type="application/json", **headers).status_code


@pytest.mark.parametrize(
    ("action_label", "column", "cell"),
    [c for c in CELLS if c[0] in ("record a status change directly", "change a link directly")],
)
def test_each_write_cell_holds_through_the_api_too(world, source, client, settings, action_label, column, cell):
    from links.models import Link, StatusEvent

    settings.FIRST_EDITS_REVIEWED = 0  # established editors: a new one's first changes are reviewed (tested apart)
    user = account_for(column, world)
    citations = [{"source_id": source.pk, "quote": "Resolved."}]
    if action_label == "record a status change directly":
        event = {"date": "2022-03", "status": "paused", "citations": citations}
        answers = [api_post(client, f"/links/{world[side].pk}/events", event, user) for side in ("ours", "theirs")]
        written = StatusEvent.objects.count()
    else:  # a new link from the council's own place (in scope for an officer), and one elsewhere
        kiel, brest = world["theirs"].parties.all()
        ours = {"parties": [{"place_id": world["place"].pk}, {"place_id": kiel.place_id}], "kind": "formal"}
        theirs = {"parties": [{"place_id": kiel.place_id}, {"place_id": brest.place_id}], "kind": "friendship"}
        answers = [api_post(client, "/links", body | {"citations": citations}, user) for body in (ours, theirs)]
        written = Link.objects.count() - 2
    expected = {"yes": [201, 201], "no": [403, 403], "scoped": [201, 403]}[cell]
    if column == "visitor":
        expected = [401, 401]  # no token at all
    if column == "association editor" and action_label == "change a link directly":
        expected = [403, 403]  # an association editor edits its links, but creates none directly
    assert answers == expected, f"{column}: {action_label}"
    assert written == expected.count(201), "a refused write leaves nothing behind"
