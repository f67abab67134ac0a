from django.db import models
from django.utils.translation import gettext_lazy as _


class LocalRegistryRecord(models.Model):
    """The local stand-in for BRP and the benefits administration (demo and tests).

    Fed by ``meldpunt import-register``; people are stored only as blind indexes.
    """

    class Status(models.TextChoices):
        RESIDENT = "ingezetene", _("Ingezetene")
        DECEASED = "overleden", _("Overleden")
        MOVED_AWAY = "vertrokken", _("Vertrokken uit de gemeente")

    person_index = models.CharField(max_length=40, unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RESIDENT)
    benefit_recipient = models.BooleanField(_("Participatiewet-uitkering"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registerregel (lokaal)")
        verbose_name_plural = _("registerregels (lokaal)")

    def __str__(self) -> str:
        return f"registerregel #{self.pk}"


class LocalRegistryName(models.Model):
    """Another name the register knows a person by (e.g. the married name in use, naamgebruik):
    a signal under that name is recognised as the same person (cases.identity P1)."""

    record = models.ForeignKey(LocalRegistryRecord, on_delete=models.CASCADE, related_name="names")
    person_index = models.CharField(max_length=40, unique=True)

    class Meta:
        verbose_name = _("andere naam (lokaal register)")
        verbose_name_plural = _("andere namen (lokaal register)")

    def __str__(self) -> str:
        return f"andere naam #{self.pk}"
