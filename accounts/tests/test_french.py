"""The signed-in side of the hub in French (/fr/…): signing up, the account page, proposing and
moderating, a record's history, an association's page and its contact form. Each page says in
French what the English one says, and no English sentence from the catalogues of the apps behind
those pages (accounts, proposals, associations, audit, imports, api) is left on it."""

from __future__ import annotations

import datetime as dt
import gettext
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from accounts.models import Role
from accounts.testing import account_create
from associations.models import CommitteeRoleKind
from associations.services import association_create, committee_role_add, contact_add
from audit.models import ChangeRecord, PrivilegedAction
from imports.models import NameResolution, Outcome
from links.services import link_create
from proposals.models import Proposal, ProposalStatus

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"  # French puts a no-break space before : ; ? ! and inside « »
APPS = ("accounts", "proposals", "associations", "audit", "imports", "api")
CITING = {"source_url": "https://www.coventry.gov.uk/minutes/2022-03-22", "why": "Comme l’indique le procès-verbal."}


@pytest.fixture(autouse=True)
def english_afterwards():
    """A French request leaves French active in this thread: give the next test English again."""
    yield
    translation.deactivate()


def english_sentences() -> set[str]:
    """The English sentences our catalogues translate: whole ones (no placeholder, no markup), long
    enough not to be a word French shares ("Description", "Population"), and translated differently."""
    sentences = set()
    for app in APPS:
        mo = Path(settings.BASE_DIR) / app / "locale" / "fr" / "LC_MESSAGES" / "django.mo"
        with mo.open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)._catalog
        for msgid, msgstr in catalogue.items():
            if isinstance(msgid, tuple) or not msgid or "\x04" in msgid:
                continue
            if len(msgid) >= 20 and " " in msgid and "%(" not in msgid and "<" not in msgid and msgid != msgstr:
                sentences.add(msgid)
    return sentences


def visible(page: str) -> str:
    """What a reader sees (and a screen reader reads): the text without tags, selects, scripts and
    comments, on one line, its no-break spaces kept."""
    page = re.sub(r"<(script|style|select)\b.*?</\1>|<!--.*?-->", " ", page, flags=re.S)
    page = re.sub(r"</?(a|strong|em|span|time|code)\b[^>]*>", "", page)  # inline: no space of their own
    text = re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", page))
    return html.unescape(text)


def french(response, status: int = 200) -> str:
    """The page's visible text, once it is known to be a French page with no English sentence left."""
    assert response.status_code == status, response.status_code
    page = response.content.decode()
    assert '<html lang="fr">' in page
    text = visible(page)
    left = sorted(sentence for sentence in english_sentences() if sentence in text)
    assert not left, f"English left on a French page: {left}"
    return text


# ---------------------------------------------------------------- a small registry


@pytest.fixture
def link(actor, make_place, cite):
    return link_create(
        actor=actor,
        parties=[make_place("Coventry", "GB"), make_place("Volgograd", "RU")],
        kind="formal",
        citations=cite(),
    )


@pytest.fixture
def contributor():
    return account_create("contributor@example.org")


@pytest.fixture
def moderator():
    return account_create("moderator@example.org", role=Role.MODERATOR)


@pytest.fixture
def association(actor, link):
    association = association_create(
        actor=actor,
        name="Coventry–Volgograd Friendship Association",
        meeting_place="Coventry Central Library",
        links=[link],
    )
    contact_add(actor=actor, association=association, name="Jo Secretary", email="jo@example.net")
    contact_add(actor=actor, association=association, name="Enquiries", email="info@example.org", public=True)
    committee_role_add(
        actor=actor, association=association, person="Jo Secretary", role=CommitteeRoleKind.SECRETARY,
        term_start=dt.date(2020, 3, 1),
    )  # fmt: skip
    return association


# ---------------------------------------------------------------- the pages


def started(response) -> str:
    """The signed time a form page gave its form (core.antibot)."""
    return re.search(r'name="started" value="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture(autouse=True)
def no_wait_before_sending(settings):
    settings.FORM_MIN_SECONDS = settings.SIGNUP_MIN_SECONDS = 0


def test_the_sign_up_form_in_french(client):
    form = client.get("/fr/accounts/signup/")
    text = french(form)
    assert "Laissez ce champ vide" in text  # the honeypot's label, for screen readers
    assert "J’ai lu l’avis de confidentialité" in text
    assert "Nous envoyons un lien à cette adresse" in text
    assert 'href="/fr/privacy"' in form.content.decode()  # the notice, in French

    answer = client.post("/fr/accounts/signup/", {"email": "", "password1": "", "started": started(form)})
    text = french(answer)
    assert f"Cochez la case pour confirmer que vous avez lu l’avis de confidentialité{NBSP}:" in text


def test_the_account_page_in_french(client, contributor):
    client.force_login(contributor)
    text = french(client.get("/fr/account/"))
    assert "Vous êtes connecté en tant que contributor@example.org." in text
    assert f"Vos rôles{NBSP}: contributeur." in text
    assert "Vos propositions et ce qu’elles sont devenues" in text
    assert "Télécharger vos données (JSON)" in text
    assert "présentées comme faites par «\u00a0un ancien membre\u00a0»" in text
    assert "Se déconnecter" in text


def test_an_unconfirmed_account_is_told_in_french_what_to_do(client):
    person = account_create("new@example.org", verified=False)
    client.force_login(person)
    text = french(client.get("/fr/account/"))
    assert f"Vos rôles{NBSP}: visiteur." in text
    assert "Confirmez votre adresse e-mail pour proposer des modifications" in text


def test_a_proposal_form_with_its_error_summary_in_french(client, link, contributor):
    client.force_login(contributor)
    text = french(client.get(f"/fr/proposals/links/{link.pk}/status"))
    assert "Signaler un changement de statut de Coventry – Volgograd" in text
    assert "Date du changement" in text and "D’où elle vient" in text

    answer = client.post(f"/fr/proposals/links/{link.pk}/status", {"status": "paused", "why": "Suspendu."})
    text = french(answer, status=400)
    assert "Rien n’a été envoyé. Corrigez-le et renvoyez le formulaire." in text
    assert "Indiquez la date du changement (l’année suffit)." in text
    assert "Dites d’où cela vient" in text
    assert not Proposal.objects.exists()


def test_proposing_in_french_then_the_queue_and_the_proposal_page(
    client, link, contributor, moderator, django_capture_on_commit_callbacks
):
    client.force_login(contributor)
    answer = client.post(
        f"/fr/proposals/links/{link.pk}/status", {"date": "2022-03-22", "status": "paused"} | CITING, follow=True
    )
    proposal = Proposal.objects.get()
    assert answer.redirect_chain[-1][0] == f"/fr/proposals/{proposal.pk}/"
    text = french(answer)
    assert "Merci. Un modérateur va examiner votre proposition" in text
    assert "Les 3 premières modifications de chaque nouveau contributeur sont examinées par un modérateur." in text
    assert "en attente d’examen" in text and "Retirer cette proposition" in text

    client.force_login(moderator)
    text = french(client.get("/fr/proposals/"))
    assert "Propositions en attente d’examen" in text
    assert "1 proposition en attente, de la plus ancienne à la plus récente." in text
    assert "un nouveau changement de statut" in text

    text = french(client.get(f"/fr/proposals/{proposal.pk}/"))
    assert f"Proposition{NBSP}:" in text and "Ce qu’elle modifie" in text
    assert "Approuver et appliquer" in text and "Refuser" in text

    # Refusing without a reason: the summary says so, in French.
    text = french(client.post(f"/fr/proposals/{proposal.pk}/decide", {"decision": "reject", "reason": ""}), 400)
    assert "Aucune décision n’a été prise." in text
    assert f"Dites pourquoi vous la refusez{NBSP}: l’auteur de la proposition en est informé." in text

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"/fr/proposals/{proposal.pk}/decide", {"decision": "reject", "reason": "Pas de source."}, follow=True
        )
    assert f"Refusée{NBSP}: l’auteur de la proposition a été informé de la raison." in french(answer)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    # The proposer hears in the language they proposed in; the log of privileged actions is English.
    assert mail.outbox[-1].subject.endswith("Votre proposition n’a pas été retenue")
    assert PrivilegedAction.objects.get(kind="moderation").summary.startswith(f"Proposal {proposal.pk} rejected: ")


def test_a_refusal_from_the_policy_is_in_french(client, link):
    person = account_create("new@example.org", verified=False)
    client.force_login(person)
    text = french(client.get(f"/fr/proposals/links/{link.pk}/status"), status=403)
    assert "Confirmez d’abord votre adresse e-mail" in text and "Impossible" in text


def test_a_history_page_in_french(client, association, moderator):
    text = french(client.get(f"/fr/associations/{association.pk}/history/"))
    assert "Historique de Coventry–Volgograd Friendship Association" in text
    assert "Chaque modification, de la plus récente à la plus ancienne" in text
    assert "création (" in text  # what each change did, in French

    client.force_login(moderator)
    text = french(client.get(f"/fr/links/{association.links.get().pk}/history/"))
    assert "Pourquoi annuler cette modification" in text and "Annuler" in text


def test_an_association_page_and_its_contact_form_in_french(client, association):
    with translation.override("fr"):
        url = association.get_absolute_url()
    assert url.startswith("/fr/associations/")
    text = french(client.get(url))
    assert "Association de jumelage" in text
    assert "Liens qu’elle anime" in text and "Bureau" in text and "Secrétaire" in text
    assert "Les coordonnées de 1 contact restent privées." in text
    assert "Écrire à Coventry–Volgograd Friendship Association" in text
    assert "1 mars 2020" in text  # dates in French

    form = client.get(f"/fr/associations/{association.pk}/contact")
    text = french(form)
    assert "Votre adresse e-mail" in text and "Envoyer le message" in text

    answer = client.post(
        f"/fr/associations/{association.pk}/contact", {"name": "", "email": "pas-une-adresse", "started": started(form)}
    )
    text = french(answer, status=400)
    assert "Votre message n’a pas été envoyé. Corrigez-le et renvoyez-le." in text
    assert "Saisissez votre nom, pour que l’association sache qui lui écrit." in text
    assert "Saisissez votre adresse e-mail sous la forme nom@exemple.fr." in text


def test_the_import_review_page_in_french(client, admin_user):
    NameResolution.objects.create(
        key="newport|gb", name="Newport", country="GB", outcome=Outcome.AMBIGUOUS, occurrences=2,
        candidates=[{"geonames_id": 1, "name": "Newport", "country": "GB", "admin1": "WLS", "population": 1000}],
    )  # fmt: skip
    client.force_login(admin_user)
    text = french(client.get("/fr/imports/review"))
    assert "Vérifier les correspondances de lieux" in text
    assert "1 nom avec plusieurs lieux possibles (ci-dessous)" in text
    assert "Écrit 2 fois dans les listes importées." in text
    assert f"1{NBSP}000" in text  # numbers grouped the French way

    answer = client.post(f"/fr/imports/review/{NameResolution.objects.get().pk}/choose", {}, follow=True)
    assert f"Choisissez l’un des lieux proposés pour «{NBSP}Newport{NBSP}»" in french(answer)


def test_the_privacy_pages_in_french(client, contributor, settings):
    settings.UNVERIFIED_ACCOUNT_DAYS = 14
    text = french(client.get("/fr/privacy"))
    assert "Avis de confidentialité" in text and "Vos droits, et comment les exercer" in text
    assert "est supprimé au bout de 14 jours." in text

    client.force_login(contributor)
    text = french(client.post("/fr/account/erase", {"password": "not it"}))
    assert "Votre compte n’a pas été supprimé" in text
    assert "Ce n’est pas le mot de passe de ce compte." in text


def test_the_change_log_stays_in_english_when_an_editor_works_in_french(actor, association):
    with translation.override("fr"):
        committee_role_add(
            actor=actor, association=association, person="Sam Treasurer", role=CommitteeRoleKind.TREASURER,
            term_start=dt.date(2021, 1, 1),
        )  # fmt: skip
    assert ChangeRecord.objects.order_by("-id").first().summary == (
        "Added treasurer Sam Treasurer to Coventry–Volgograd Friendship Association"
    )


def test_our_catalogues_are_complete(client):
    """Every app's French catalogue is compiled and used: a label from each, in French."""
    with translation.override("fr"):
        assert str(Role.MODERATOR.label) == "modérateur"
        assert str(ProposalStatus.PENDING.label) == "en attente d’examen"
        assert str(CommitteeRoleKind.CHAIR.label) == "président"
        assert translation.gettext("member %(number)s") % {"number": 7} == "membre 7"
        assert translation.gettext("Review place matches") == "Vérifier les correspondances de lieux"
        assert translation.gettext("Shapes of the data") == "Forme des données"
