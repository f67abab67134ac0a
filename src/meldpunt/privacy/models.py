"""The processing log (Logboek Dataverwerkingen) and the register of processing activities."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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

    class Meta:
        verbose_name = _("verwerkingslogregel")
        verbose_name_plural = _("verwerkingslog")
        ordering = ["id"]
        permissions = [
            ("view_personal_data", "Mag persoonsgegevens inzien (MFA verplicht)"),
            ("view_processing_log", "Mag het verwerkingslog doorzoeken"),
        ]
        indexes = [models.Index(fields=["actor", "start_time"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id} ({self.trace_id})"
