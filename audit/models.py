"""One row for every write to the registry: who, when, what, and which fields changed.

Services write these inside the same transaction as the change itself, so the log
can never disagree with the data. Versions, moderation and the public history
(a later issue) read from here instead of hooking into many places.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    RETRACT = "retract", _("retracted")
    # Removal is an edit: the row stays, hidden, and restoring it is another edit.
    REMOVE = "remove", _("removed")
    RESTORE = "restore", _("restored")


class ChangeRecord(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who acted when no user did: "demo data loader", "import: Wikipedia lists" ...
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=10, choices=ChangeAction.choices)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField()
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            # The newest change to any record of a kind: what caches of one kind of data are keyed by.
            models.Index(fields=["target_type", "id"], name="change_newest_of_a_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(actor__isnull=False) | ~models.Q(actor_label=""),
                name="change_record_has_an_actor",
            ),
            models.CheckConstraint(
                condition=models.Q(action__in=ChangeAction.values), name="change_record_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.who}: {self.summary}"

    @property
    def who(self) -> str:
        """Who made the change, as pages show it: "a former member" once that account is erased."""
        if not self.actor_id:
            return self.actor_label
        from accounts.privacy import public_name

        return public_name(self.actor)


class Version(models.Model):
    """A record as one change left it, with why and on what authority: the row behind its history.

    Written with every ChangeRecord (audit.services.change_record), in the same transaction. The
    change record says who, when and what changed; the version adds the record's whole state
    after the change, the reason, the source the change rests on, and the proposal (if a
    moderator approved one) or the change it reverted.
    """

    change = models.OneToOneField(ChangeRecord, on_delete=models.PROTECT, related_name="version")
    snapshot = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    # The source: a registry source, a web address or document, or a first-hand statement
    # ("I am the secretary of the association") that moderators weigh.
    source = models.ForeignKey("sources.Source", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_note = models.CharField(max_length=1000, blank=True)
    first_hand = models.CharField(max_length=500, blank=True)
    proposal = models.ForeignKey(
        "proposals.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="versions"
    )
    reverts = models.ForeignKey(
        ChangeRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="reverted_by"
    )

    def __str__(self) -> str:
        return f"version of {self.change}"


class PrivilegedKind(models.TextChoices):
    ROLE_GRANT = "role_grant", _("role granted")
    ROLE_REVOKE = "role_revoke", _("role revoked")
    REVERT = "revert", _("change reverted")
    MODERATION = "moderation", _("proposal decided")
    DATA_EXPORT = "data_export", _("personal data exported")
    ERASURE = "erasure", _("account erased")
    CONTACT_READ = "contact_read", _("private contact details read")


class PrivilegedAction(models.Model):
    """The log of privileged actions (role changes, reverts, exports, erasures …).

    Admins read it; nobody edits it: the model offers no update path, the admin is read-only,
    and the database refuses UPDATE and DELETE on the table (see the migration's triggers).
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=PrivilegedKind.choices)
    # Whose account or data it concerns, when it concerns a person (kept as a number, so that an
    # erased account's entries stay readable).
    subject_user_id = models.BigIntegerField(null=True, blank=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=300)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(actor__isnull=False) | ~models.Q(actor_label=""),
                name="privileged_action_has_an_actor",
            ),
            models.CheckConstraint(condition=models.Q(kind__in=PrivilegedKind.values), name="privileged_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.summary}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("The privileged action log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> None:
        raise ValueError("The privileged action log is append-only.")
