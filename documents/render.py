"""Filling a document template and writing it as printable HTML, DOCX (python-docx) and PDF (fpdf2).

Values are substituted into the body's text first; the result is then split into blocks (headings
and paragraphs) and each writer escapes the text for its own format: HTML entities for HTML, XML
text nodes (python-docx) for DOCX, and text drawn with a Unicode font for PDF. Nothing typed can
become markup in any of them.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.utils.html import escape
from django.utils.translation import gettext_lazy

# The placeholders a template may use, with the label of the form field that fills each.
PLACEHOLDERS: dict[str, object] = {
    "link_title": gettext_lazy("Name of the link"),
    "party_a": gettext_lazy("First party"),
    "party_b": gettext_lazy("Second party"),
    "country_a": gettext_lazy("First party's country"),
    "country_b": gettext_lazy("Second party's country"),
    "association": gettext_lazy("Association that runs it"),
    "agreement_date": gettext_lazy("Date of the agreement"),
    "purpose": gettext_lazy("Purpose"),
    "signatory_a": gettext_lazy("Who signs for the first party"),
    "signatory_b": gettext_lazy("Who signs for the second party"),
    "visitors": gettext_lazy("Names of the visitors"),
    "visit_start": gettext_lazy("First day of the visit"),
    "visit_end": gettext_lazy("Last day of the visit"),
    "host": gettext_lazy("Who hosts them"),
    "paid_by": gettext_lazy("Who pays for travel and stay"),
    "contact_name": gettext_lazy("Contact name"),
    "contact_email": gettext_lazy("Contact email"),
    "event_date": gettext_lazy("Date of the ceremony"),
    "venue": gettext_lazy("Venue"),
    "today": gettext_lazy("Date of the document"),
}
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def placeholders_in(body: str) -> list[str]:
    """The known placeholders `body` uses, in order of first use."""
    seen: dict[str, None] = {}
    for name in PLACEHOLDER.findall(body):
        if name in PLACEHOLDERS:
            seen.setdefault(name)
    return list(seen)


def unknown_placeholders(body: str) -> set[str]:
    return {name for name in PLACEHOLDER.findall(body) if name not in PLACEHOLDERS}


def _printable(text: str) -> str:
    """Text without control characters (XML cannot hold most of them), line breaks kept."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def fill(body: str, values: dict[str, str]) -> str:
    """`body` with each placeholder replaced by its value (a gap to write in by hand when empty).

    One pass over the body: a value containing "{party_a}" stays as typed, it is not filled again.
    """

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        return _printable(values.get(name, "").strip()) or "……………………"

    return PLACEHOLDER.sub(value, body)


@dataclass(frozen=True)
class Block:
    heading: bool
    text: str


def blocks(text: str) -> list[Block]:
    """Headings ("# …") and paragraphs (separated by blank lines; single line breaks kept)."""
    found = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        chunk = chunk.strip("\n")
        if not chunk.strip():
            continue
        if chunk.startswith("# "):
            first, _, rest = chunk.partition("\n")
            found.append(Block(True, first[2:].strip()))
            if rest.strip():
                found.append(Block(False, rest.strip()))
        else:
            found.append(Block(False, chunk))
    return found


@dataclass(frozen=True)
class Document:
    title: str
    language: str
    blocks: list[Block]


def as_html_blocks(document: Document) -> list[tuple[bool, str]]:
    """(is a heading, escaped HTML with <br> for line breaks) for the printable page's template."""
    return [(b.heading, "<br>".join(escape(line) for line in b.text.split("\n"))) for b in document.blocks]


def as_docx(document: Document) -> bytes:
    from docx import Document as Docx

    docx = Docx()
    docx.core_properties.title = document.title
    docx.core_properties.language = document.language
    docx.add_heading(document.title, level=1)
    for block in document.blocks:
        if block.heading:
            docx.add_heading(block.text, level=2)
        else:
            paragraph = docx.add_paragraph()
            for i, line in enumerate(block.text.split("\n")):
                if i:
                    paragraph.add_run().add_break()  # a line break inside the paragraph
                paragraph.add_run(line)
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


def as_pdf(document: Document) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(document.title)
    pdf.set_lang(document.language)
    pdf.add_font("DejaVu", "", str(DEJAVU / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(DEJAVU / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 8, document.title, new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")
    pdf.ln(4)
    for block in document.blocks:
        if block.heading:
            pdf.set_font("DejaVu", "B", 12)
            pdf.ln(2)
        else:
            pdf.set_font("DejaVu", "", 11)
        # CHAR wrapping: a word longer than the line is broken rather than run off the page.
        pdf.multi_cell(0, 6, block.text, new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")
        pdf.ln(3)
    return bytes(pdf.output())
