"""Document templates: choose one, fill its short form (pre-filled from a link), download it."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language, gettext

from documents.forms import DocumentForm, initial_from_link
from documents.models import DocumentTemplate
from documents.render import Document, as_docx, as_html_blocks, as_pdf, blocks, fill
from links.models import Link

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _link_from(request: HttpRequest) -> Link | None:
    raw = request.GET.get("link", "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise Http404(gettext("No link with this number."))
    link = Link.objects.filter(pk=int(raw)).prefetch_related("parties__place", "parties__institution").first()
    if link is None:
        raise Http404(gettext("No link with this number."))
    return link


def template_list(request: HttpRequest) -> HttpResponse:
    language = (get_language() or "en")[:2]
    templates = list(DocumentTemplate.objects.all())
    mine = [t for t in templates if t.language == language]
    others = [t for t in templates if t.language != language]
    link = _link_from(request)
    return render(request, "documents/list.html", {"templates": mine, "others": others, "link": link})


def fill_in(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(DocumentTemplate, pk=pk)
    link = _link_from(request)
    if request.method == "POST":
        form = DocumentForm(request.POST, body=template.body)
        if form.is_valid():
            return _document(request, template, form)
    else:
        initial = initial_from_link(link) if link else {"today": date_format(dt.date.today(), "j F Y")}
        form = DocumentForm(initial=initial, body=template.body)
    status = 400 if form.errors else 200
    return render(request, "documents/fill.html", {"template": template, "form": form, "link": link}, status=status)


def _document(request: HttpRequest, template: DocumentTemplate, form: DocumentForm) -> HttpResponse:
    document = Document(
        title=template.title, language=template.language, blocks=blocks(fill(template.body, form.values()))
    )
    fmt = form.cleaned_data["format"]
    if fmt == "html":
        rows = [(heading, mark_safe(html)) for heading, html in as_html_blocks(document)]  # escaped by as_html_blocks
        return render(request, "documents/printable.html", {"document": document, "rows": rows})
    body = as_docx(document) if fmt == "docx" else as_pdf(document)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    name = slugify(template.title) or "document"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
