"""The processing log (Logboek Dataverwerkingen) and the register of processing activities."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """A processing-log record was about to be changed or deleted outside the retention path."""


class ProcessingActivity(models.Model):
    """One entry of the register of processing activities (verwerkingsregister, GDPR art. 30)."""

    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("versie"), default=1)
    name = models.CharField(_("naam"), max_length=200)
    purpose = models.TextField(_("doel"))
    legal_basis = models.CharField(_("grondslag"), max_length=300)
    data_categories = models.TextField(_("categorieën persoonsgegevens"), blank=True)
    retention = models.CharField(_("bewaartermijn"), max_length=200, blank=True)
    is_current = models.BooleanField(default=True)
    valid_from = models.DateTimeField(_("geldig vanaf"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("gewijzigd door"),
    )

    class Meta:
        verbose_name = _("verwerkingsactiviteit")
        verbose_name_plural = _("verwerkingsactiviteiten")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="activity_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_current=True), name="one_current_activity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class ProcessingLogQuerySet(models.QuerySet):
    """Records are append-only: no update or delete through the ORM.

    The only path that removes records is ``services.processing_log_prune`` (retention), which
    deletes the oldest part of the chain and leaves a checkpoint behind.
    """

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("het verwerkingslog is alleen-toevoegen")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("het verwerkingslog is alleen-toevoegen")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AppendOnlyError("het verwerkingslog is alleen-toevoegen")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list:
        objs = list(objs)
        if any(not obj.entry_hash for obj in objs):
            raise AppendOnlyError("records ontstaan alleen via processing_log_record(_many)")
        return super().bulk_create(objs, *args, **kwargs)

    def _retention_delete(self) -> int:
        """The retention hook: used only by ``services.processing_log_prune``."""
        return self._raw_delete(self.db)


class ProcessingLogEntry(models.Model):
    """One processing of a person's data: who, which subject (pseudonymised), what, when, why.

    Fields follow the Logboek Dataverwerkingen standard. Values of personal data are never
    stored here: only field names and object ids.
    """

    class Action(models.TextChoices):
        READ = "read", _("inzien")
        CREATE = "create", _("vastleggen")
        UPDATE = "update", _("wijzigen")
        EXPORT = "export", _("exporteren")
        DELETE = "delete", _("verwijderen")

    class Status(models.TextChoices):
        OK = "ok", _("geslaagd")
        ERROR = "error", _("fout")

    trace_id = models.CharField(max_length=32, db_index=True)
    span_id = models.CharField(max_length=16)
    name = models.CharField(_("handeling"), max_length=100)
    start_time = models.DateTimeField()
    end_time = models.DateTimeField()
    status = models.CharField(max_length=5, choices=Status.choices, default=Status.OK)
    action = models.CharField(max_length=10, choices=Action.choices)
    processing_activity = models.ForeignKey(ProcessingActivity, on_delete=models.PROTECT)
    data_subject_id = models.CharField(_("betrokkene (pseudoniem)"), max_length=64, db_index=True)
    data_subject_type = models.CharField(max_length=30, default="huurder")
    # PROTECT, not SET_NULL: a changed actor would break the record's hash. Users are
    # deactivated, not deleted, while log records point to them.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    fields = models.JSONField(default=list, blank=True)
    # The hash chain: position, the previous record's hash and this record's own hash over a
    # canonical serialisation of all fields above (see privacy.chain).
    sequence = models.PositiveBigIntegerField(unique=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    objects = ProcessingLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("verwerkingslogregel")
        verbose_name_plural = _("verwerkingslog")
        ordering = ["sequence"]
        permissions = [
            ("view_personal_data", "Mag persoonsgegevens inzien (MFA verplicht)"),
            ("view_processing_log", "Mag het verwerkingslog doorzoeken"),
            ("handle_access_request", "Mag inzageverzoeken behandelen (AVG art. 15)"),
        ]
        indexes = [models.Index(fields=["actor", "start_time"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id} ({self.trace_id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise AppendOnlyError("records ontstaan alleen via processing_log_record(_many)")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("het verwerkingslog is alleen-toevoegen")


class ProcessingLogChain(models.Model):
    """The single chain-head row: writers lock it, so records get consecutive positions.

    ``length`` and ``last_hash`` describe the newest record; ``pruned_through`` and
    ``pruned_hash`` the last record removed by retention (the chain's new starting point).
    """

    length = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    pruned_through = models.PositiveBigIntegerField(default=0)
    pruned_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("kop van het verwerkingslog")

    def __str__(self) -> str:
        return f"verwerkingslog ({self.length})"


class ProcessingLogPruning(models.Model):
    """What retention removed from the processing log: counts and positions, no personal data."""

    at = models.DateTimeField(default=timezone.now)
    before = models.DateTimeField()
    first_sequence = models.PositiveBigIntegerField()
    last_sequence = models.PositiveBigIntegerField()
    count = models.PositiveIntegerField()
    anchor_hash = models.CharField(max_length=64)
    reason = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("opschoning van het verwerkingslog")

    def __str__(self) -> str:
        return f"opschoning {self.first_sequence}-{self.last_sequence}"


class RetentionCategory(models.TextChoices):
    """What retention applies to (domain.md step 12; docs/adr/0006-retention.md)."""

    SIGNAL_NOT_TAKEN_UP = "signaal-niet-opgepakt", _("Signaal dat niet is opgepakt")
    CLOSED_CASE = "zaak-afgesloten", _("Afgesloten zaak")
    PROCESSING_LOG = "verwerkingslog", _("Verwerkingslog")
    UPLOAD_FILE = "uploadbestand", _("Uploadbestand (restant na verwerking)")


class RetentionUnit(models.TextChoices):
    DAYS = "dagen", _("dagen")
    MONTHS = "maanden", _("maanden")
    YEARS = "jaren", _("jaren")


# Defaults from domain.md ("Defaults from practice") and issue #5.
RETENTION_DEFAULTS: dict[str, tuple[int, str]] = {
    RetentionCategory.SIGNAL_NOT_TAKEN_UP: (6, RetentionUnit.MONTHS),
    RetentionCategory.CLOSED_CASE: (18, RetentionUnit.MONTHS),
    RetentionCategory.PROCESSING_LOG: (5, RetentionUnit.YEARS),
    RetentionCategory.UPLOAD_FILE: (7, RetentionUnit.DAYS),
}


class RetentionPeriod(models.Model):
    """A retention period for one category. Append-only: the newest row per category is in force.

    Changed by the privacy officer or functioneel beheer; older rows are the change history.
    """

    category = models.CharField(_("categorie"), max_length=30, choices=RetentionCategory.choices)
    amount = models.PositiveIntegerField(_("termijn"))
    unit = models.CharField(_("eenheid"), max_length=10, choices=RetentionUnit.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("gewijzigd door"),
    )
    changed_at = models.DateTimeField(_("gewijzigd op"), default=timezone.now)

    class Meta:
        verbose_name = _("bewaartermijn")
        verbose_name_plural = _("bewaartermijnen")
        ordering = ["category", "-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="retention_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.amount} {self.unit}"


class RetentionRun(models.Model):
    """One run of the retention job (command, daily task): when, and how it was started."""

    started_at = models.DateTimeField(_("gestart"), default=timezone.now)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    trigger = models.CharField(_("gestart door"), max_length=30)

    class Meta:
        verbose_name = _("bewaartermijnrun")
        verbose_name_plural = _("bewaartermijnruns")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"bewaartermijnrun {self.pk}"


class RetentionDeletion(models.Model):
    """What one run removed for one category: counts, object ids and pseudonyms, no personal data."""

    class Kind(models.TextChoices):
        ANONYMISED = "geanonimiseerd", _("geanonimiseerd")
        DELETED = "verwijderd", _("verwijderd")

    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="deletions")
    category = models.CharField(max_length=30, choices=RetentionCategory.choices)
    object_type = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    count = models.PositiveIntegerField()
    object_ids = models.JSONField(default=list)
    subject_ids = models.JSONField(default=list)
    expired_before = models.DateTimeField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("verwijderregistratie")
        verbose_name_plural = _("verwijderregistraties")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.count} {self.object_type} ({self.category})"
