"""Document templates, filled from a link and a short form, opened as their readers would open them."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document as Docx
from pypdf import PdfReader

from accounts.models import Role
from accounts.testing import account_create
from associations.services import association_create
from audit.models import ChangeRecord
from audit.services import Actor
from core.partial_dates import PartialDate
from documents.models import DocumentKind, DocumentTemplate
from documents.render import fill
from documents.services import document_template_update
from links.services import link_create

SCRIPT = "<script>alert(1)</script>"
HOSTILE = SCRIPT + ' "quoted" & <b>bold</b> ' + "Ω" * 3
LONG_WORD = "Llanfairpwllgwyngyll" * 12  # 240 letters, no space: wider than any line


@pytest.fixture
def link(db, make_place, actor, cite):
    town, partner = make_place("Testford", "GB"), make_place("Probestadt", "DE")
    link = link_create(
        actor=actor, parties=[town, partner], kind="formal", citations=cite(), purposes=["culture"],
        agreement=PartialDate.parse("1962-05-12"),
    )  # fmt: skip
    association_create(actor=actor, name="Testford Twinning Association", links=[link])
    return link


def _template(kind: str, language: str = "en") -> DocumentTemplate:
    return DocumentTemplate.objects.get(kind=kind, language=language)


def test_every_kind_is_seeded_in_english_and_french(db):
    seeded = set(DocumentTemplate.objects.values_list("kind", "language"))
    assert seeded == {(kind, language) for kind in DocumentKind.values for language in ("en", "fr")}


def test_the_form_starts_with_what_the_registry_knows_about_the_link(client, link):
    page = client.get(f"/documents/{_template('agreement').pk}/?link={link.pk}").content.decode()
    for known in (
        "Testford",
        "Probestadt",
        "United Kingdom",
        "Germany",
        "Testford Twinning Association",
        "12 May 1962",
    ):
        assert f'value="{known}' in page or known in page, known
    assert 'name="signatory_a"' in page and 'name="visitors"' not in page  # only this template's placeholders
    french = client.get(f"/fr/documents/{_template('agreement', 'fr').pk}/?link={link.pk}").content.decode()
    assert "Allemagne" in french and "12 mai 1962" in french


def _post(client, template, fmt, **values):
    return client.post(f"/documents/{template.pk}/", {"format": fmt, **values})


def test_a_visa_letter_downloads_as_a_word_file_with_the_text_as_typed(client, link):
    response = _post(
        client, _template("visa_letter"), "docx", visitors=HOSTILE, party_a="Testford", host=LONG_WORD,
        visit_start="1 June 2027", paid_by="Testford & District",
    )  # fmt: skip
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="visa-support-letter.docx"'
    docx = Docx(io.BytesIO(response.content))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert docx.paragraphs[0].text == "Visa support letter"
    assert f"Invitation: {HOSTILE}" in text  # a heading, the markup as text
    assert f"We invite {HOSTILE} to visit Testford from 1 June 2027 to ……………………" in text
    assert LONG_WORD in text and "paid by Testford & District." in text


def test_a_privacy_notice_downloads_as_a_pdf_whose_text_reads_back(client, link):
    response = _post(
        client, _template("privacy_notice"), "pdf", association=HOSTILE, contact_email="sec@example.org",
        party_b=LONG_WORD,
    )  # fmt: skip
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    flat = "".join(text.split())  # line wrapping splits words where the page ends
    assert "Privacynotice" in flat
    assert "".join(HOSTILE.split()) in flat  # markup, quotes, ampersands and Ω drawn as text
    assert LONG_WORD in flat  # broken over lines, not lost off the page edge
    assert "sec@example.org" in flat
    assert len(reader.pages) >= 1


def test_the_printable_page_escapes_what_was_typed(client, link):
    response = _post(client, _template("press_release"), "html", party_a=HOSTILE, venue="Town hall\nMain Street")
    page = response.content.decode()
    assert response.status_code == 200
    assert SCRIPT not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "signed the charter of the link between &lt;script&gt;" in page


def test_a_value_that_looks_like_a_placeholder_is_not_filled_again():
    assert fill("{party_a} and {party_b}", {"party_a": "{party_b}", "party_b": "B"}) == "{party_b} and B"


def test_an_overlong_value_is_refused_in_plain_words(client, link):
    response = _post(client, _template("visa_letter"), "pdf", host="x" * 301)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_moderators_edit_templates_and_everyone_else_is_refused(link):
    template = _template("press_release")
    moderator = account_create("mod@example.org", role=Role.MODERATOR)
    document_template_update(
        actor=Actor(user=moderator), template=template, changes={"title": "News release"}, expected_version=1
    )
    assert ChangeRecord.objects.filter(target_id=template.pk, summary__contains="press_release").exists()
    with pytest.raises(PermissionDenied):
        document_template_update(
            actor=Actor(user=account_create("c@example.org")), template=template, changes={"title": "x"},
            expected_version=2,
        )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        document_template_update(
            actor=Actor(user=moderator), template=template, changes={"body": "{bogus}"}, expected_version=2
        )
    assert "Unknown placeholders: bogus" in str(error.value)


def test_the_pages_have_the_strict_policy_and_nothing_inline(client, link):
    from tests.test_security import EXPECTED_CSP, csp_directives, page_parts

    for url in ("/documents/", f"/documents/{_template('agreement').pk}/?link={link.pk}"):
        response = client.get(url)
        assert response.status_code == 200
        assert csp_directives(response["Content-Security-Policy"]) == EXPECTED_CSP
        parts = page_parts(response.content.decode())
        assert not (parts.inline_scripts or parts.style_blocks or parts.style_attributes or parts.handler_attributes)
        assert all(form["token"] for form in parts.post_forms)
    assert client.get("/documents/?link=99999999").status_code == 404
    assert client.get("/documents/?link=abc").status_code == 404


def test_loading_the_seeds_again_adds_what_is_missing_and_keeps_edits(db):
    from documents.seeds import seed_templates_load

    DocumentTemplate.objects.filter(kind="agreement", language="en").update(title="Our own agreement")
    DocumentTemplate.objects.filter(kind="press_release").delete()
    assert seed_templates_load() == 2
    assert seed_templates_load() == 0
    assert _template("agreement").title == "Our own agreement"
