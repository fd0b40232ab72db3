"""The knowledge bank: guides and case studies, moderated, tagged, tied to places and links.

A `Guide` is Markdown written by a contributor; it waits for a moderator (`pending`) before the
public sees it, unless a moderator wrote it. Each guide cites where its facts come from
(`GuideSource`: a source in the registry or a web address, with the passage it relies on).
`SearchEntry` is the plain text that full-text search reads (see knowledge/search.py): one row per
published guide, kept by the services.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.fields import CodeListField
from core.models import RegistryRecord


class GuideKind(models.TextChoices):
    GUIDE = "guide", _("guide")
    CASE_STUDY = "case_study", _("case study")


class GuideStatus(models.TextChoices):
    DRAFT = "draft", _("draft")  # sent back by a moderator: its author may edit and submit again
    PENDING = "pending", _("waiting for a moderator")
    PUBLISHED = "published", _("published")


class Guide(RegistryRecord):
    kind = models.CharField(_("kind"), max_length=12, choices=GuideKind.choices, default=GuideKind.GUIDE)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=500)
    body = models.TextField(_("text"), max_length=40000)
    tags = CodeListField(_("tags"), max_length=300)
    places = models.ManyToManyField("places.Place", blank=True, related_name="guides")
    links = models.ManyToManyField("links.Link", blank=True, related_name="guides")
    status = models.CharField(_("status"), max_length=10, choices=GuideStatus.choices, default=GuideStatus.PENDING)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    moderation_note = models.CharField(_("moderator's note"), max_length=1000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The language of the page its author wrote it on: emails to them about it are in it (an
    # account records no language of its own; proposals keep theirs the same way).
    language = models.CharField(max_length=10, blank=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("guide")
        verbose_name_plural = _("guides")
        indexes = [models.Index(fields=["status", "-published_at"], name="guide_status_published")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=GuideKind.values), name="guide_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=GuideStatus.values), name="guide_status_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="guide_has_title"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:guide", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == GuideStatus.PUBLISHED


class GuideSource(models.Model):
    """Where a guide's facts come from: a source in the registry or a web address, and the passage."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="sources")
    source = models.ForeignKey("sources.Source", null=True, blank=True, on_delete=models.PROTECT)
    url = models.URLField(_("web address"), max_length=1000, blank=True)
    passage = models.TextField(_("the passage it relies on"), max_length=2000)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__isnull=False) | ~Q(url=""), name="guide_source_has_source_or_url"
            ),
            models.CheckConstraint(condition=~Q(passage=""), name="guide_source_has_passage"),
        ]

    def __str__(self) -> str:
        return self.passage[:60]

    def clean(self) -> None:
        if self.source_id is None and not self.url:
            raise ValidationError({"url": gettext("Give the web address of the source, or choose a source.")})


class Question(RegistryRecord):
    """A question to the network ("Ask the network"), by a contributor. On the board at once; a
    moderator can hide it (kept, with the reason, for history)."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField(_("question"), max_length=200)
    body = models.TextField(_("details"), max_length=5000, blank=True)
    tags = CodeListField(_("tags"), max_length=300)
    hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=10, blank=True, editable=False)  # as Guide.language: for emails

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="question_has_title")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:question", kwargs={"pk": self.pk})


class Answer(RegistryRecord):
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    body = models.TextField(_("your answer"), max_length=5000)
    hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="answer_has_body")]

    def __str__(self) -> str:
        return f"{self.question.title} ({self.pk})"

    def get_absolute_url(self) -> str:
        return f"{self.question.get_absolute_url()}#answer-{self.pk}"


class EntryKind(models.TextChoices):
    GUIDE = "guide", _("guide or case study")
    QUESTION = "question", _("question")
    ANSWER = "answer", _("answer")


class SearchEntry(models.Model):
    """What full-text search reads: the plain text of one published guide, or of one question or
    answer not hidden (an answer's title is its question's).

    SQLite keeps an FTS5 index of this table in step by triggers; PostgreSQL searches it through
    a GIN index on its weighted tsvector. Both made in migration 0002.
    """

    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField()
    tags = CodeListField(max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"
