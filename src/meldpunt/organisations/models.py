"""Participants of the covenant (deelnemers), districts and the routing table."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    MUNICIPALITY = "gemeente", _("Gemeente")
    PARTNER = "partner", _("Partner (verhuurder)")
    PROVIDER = "uitvoerder", _("Uitvoerder")


class PartnerType(models.TextChoices):
    """The kind of signal partner (DDAS EnumSignaalpartner; Besluit gemeentelijke
    schuldhulpverlening): what it delivers and which rules apply. A landlord is the kind Huur."""

    HUUR = "Huur", _("Huur (verhuurder)")
    ENERGIE = "Energie", _("Energie")
    WATER = "Water", _("Water")
    CAK_ZORGVERZEKERINGEN = "CAK Zorgverzekeringen", _("CAK Zorgverzekeringen")
    ZORG = "Zorg", _("Zorg (zorgverzekeraar)")
    HYPOTHEEK = "Hypotheek", _("Hypotheek")
    DUO = "DUO", _("DUO")
    BELASTINGDIENST = "Belastingdienst", _("Belastingdienst")
    DIENST_TOESLAGEN = "Dienst Toeslagen", _("Dienst Toeslagen")
    CAK_EIGEN_BIJDRAGE = "CAK Eigen bijdrage", _("CAK Eigen bijdrage")
    OVERIGE = "Overige", _("Overige")


class Municipality(models.Model):
    """A municipality (gemeente) the meldpunt serves: the controller of its residents' data
    under the Wgs. A regional meldpunt serves several in one installation; every signal, case,
    routing table and threshold belongs to exactly one, every organisation to one or more."""

    code = models.CharField(
        _("gemeentecode (CBS)"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{4}$", "Een gemeentecode is vier cijfers, zoals 0363.")],
    )
    name = models.CharField(_("naam"), max_length=100, unique=True)
    covenant = models.CharField(
        _("convenant"),
        max_length=200,
        blank=True,
        help_text=_("Het convenant waarop de verklaring Sluitende Aanpak steunt."),
    )
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.official_name

    @property
    def official_name(self) -> str:
        """How letters, the verklaring and the API name it: "Gemeente Amsterdam"."""
        return f"Gemeente {self.name}"


class Organisation(models.Model):
    """A participant: a municipality's own organisation, a signal partner (a creditor such as a
    housing corporation or an energy supplier) or a provider (uitvoerder)."""

    name = models.CharField(_("naam"), max_length=200, unique=True)
    slug = models.SlugField(_("code"), max_length=80, unique=True)
    type = models.CharField(_("soort"), max_length=20, choices=OrganisationType.choices)
    partner_type = models.CharField(
        _("soort signaalpartner"), max_length=30, choices=PartnerType.choices, blank=True
    )
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("gemeenten"),
        related_name="organisations",
        blank=True,
        help_text=_("Voor welke gemeenten deze organisatie werkt of signaleert."),
    )
    # What letters show when the caseworker has no direct number or mailbox of their own.
    phone = models.CharField(_("telefoonnummer"), max_length=20, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
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

    @property
    def is_landlord(self) -> bool:
        """A partner of the kind Huur: the rent fields and the Sluitende Aanpak are for it only."""
        return self.is_partner and self.partner_type == PartnerType.HUUR

    def municipality_ids(self) -> list[int]:
        """The municipalities this organisation works for (cached on the instance)."""
        if not hasattr(self, "_municipality_ids"):
            self._municipality_ids = list(self.municipalities.values_list("pk", flat=True))
        return self._municipality_ids


class District(models.Model):
    """A district (stadsdeel, or a whole smaller municipality) and the provider of outreach."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        on_delete=models.PROTECT,
        related_name="districts",
    )
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
