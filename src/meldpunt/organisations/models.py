"""Participants of the covenant (deelnemers), districts and the routing table."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    MUNICIPALITY = "gemeente", _("Gemeente")
    PARTNER = "partner", _("Partner (verhuurder)")
    PROVIDER = "uitvoerder", _("Uitvoerder")


class Organisation(models.Model):
    """A participant: the municipality, a housing corporation (partner) or a provider (uitvoerder)."""

    name = models.CharField(_("naam"), max_length=200, unique=True)
    slug = models.SlugField(_("code"), max_length=80, unique=True)
    type = models.CharField(_("soort"), max_length=20, choices=OrganisationType.choices)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["type", "name"]
        permissions = [("manage_configuration", "Mag configuratie beheren (functioneel beheer)")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_municipality(self) -> bool:
        return self.type == OrganisationType.MUNICIPALITY

    @property
    def is_partner(self) -> bool:
        return self.type == OrganisationType.PARTNER

    @property
    def is_provider(self) -> bool:
        return self.type == OrganisationType.PROVIDER


class District(models.Model):
    """A district (stadsdeel) and the provider that does outreach there."""

    name = models.CharField(_("naam"), max_length=100, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("uitvoerder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"type": OrganisationType.PROVIDER},
        related_name="districts",
    )

    class Meta:
        verbose_name = _("stadsdeel")
        verbose_name_plural = _("stadsdelen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PostcodeRange(models.Model):
    """Four-digit postcode range that belongs to a district (inclusive)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="ranges")
    start = models.PositiveSmallIntegerField(_("van"))
    end = models.PositiveSmallIntegerField(_("tot en met"))

    class Meta:
        verbose_name = _("postcodereeks")
        verbose_name_plural = _("postcodereeksen")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lte=models.F("end"))
                & models.Q(start__gte=1000)
                & models.Q(end__lte=9999),
                name="postcode_range_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end} → {self.district}"


class PostcodeException(models.Model):
    """A six-character postcode routed to another district than its four-digit range says."""

    postcode = models.CharField(_("postcode"), max_length=6, unique=True)
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="exceptions")
    reason = models.CharField(_("reden"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("postcode-uitzondering")
        verbose_name_plural = _("postcode-uitzonderingen")

    def __str__(self) -> str:
        return f"{self.postcode} → {self.district}"
