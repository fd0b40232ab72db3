"""Document templates: data that moderators edit and translate in the admin, not code.

A template's body is plain text: paragraphs separated by a blank line, a line starting with "# " a
heading, and placeholders such as {party_a} filled from a link's data and a short form
(documents.render.PLACEHOLDERS). Filling is substitution, never a template language: nothing a
person types can reach code, and each output format escapes the text for itself.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from core.models import RegistryRecord


class DocumentKind(models.TextChoices):
    AGREEMENT = "agreement", gettext_lazy("partnership agreement or memorandum of understanding")
    VISA_LETTER = "visa_letter", gettext_lazy("visa support letter")
    PRIVACY_NOTICE = "privacy_notice", gettext_lazy("association privacy notice (UK GDPR)")
    CEREMONY_PLAN = "ceremony_plan", gettext_lazy("signing-ceremony plan")
    PRESS_RELEASE = "press_release", gettext_lazy("press release")


class DocumentTemplate(RegistryRecord):
    kind = models.CharField(gettext_lazy("kind"), max_length=20, choices=DocumentKind.choices)
    language = models.CharField(gettext_lazy("language"), max_length=8)
    title = models.CharField(gettext_lazy("title"), max_length=200)
    summary = models.CharField(gettext_lazy("what it is for"), max_length=300, blank=True)
    body = models.TextField(
        gettext_lazy("text"),
        help_text=gettext_lazy(
            "Paragraphs separated by a blank line; a line starting with '# ' is a heading; "
            "placeholders such as {party_a} are filled in."
        ),
    )

    class Meta:
        ordering = ["kind", "language"]
        constraints = [models.UniqueConstraint(fields=["kind", "language"], name="one_template_per_kind_language")]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    def get_absolute_url(self) -> str:
        return reverse("documents:fill", kwargs={"pk": self.pk})

    def clean(self) -> None:
        from documents.render import unknown_placeholders

        unknown = unknown_placeholders(self.body)
        if unknown:
            raise ValidationError(
                {"body": gettext("Unknown placeholders: %(names)s.") % {"names": ", ".join(sorted(unknown))}}
            )
