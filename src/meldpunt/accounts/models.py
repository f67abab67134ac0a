"""Users and roles. A user belongs to one organisation and holds roles (Django groups)."""

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.organisations.models import OrganisationType


class User(AbstractUser):
    """A person working at one of the participating organisations (medewerker)."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisatie"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # What letters and the tenant see of the caseworker: a direct number and a mailbox, not
    # the log-in address (issue #12).
    direct_phone = models.CharField(_("direct telefoonnummer"), max_length=20, blank=True)
    contact_email = models.EmailField(_("e-mailadres voor huurders"), blank=True)

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self) -> str:
        return f"gebruiker #{self.pk}"

    @property
    def sees_personal_data(self) -> bool:
        return self.has_perm("privacy.view_personal_data")

    @property
    def needs_second_factor(self) -> bool:
        """Who sees personal data, makes keys that do or downloads the DDAS delivery signs in
        with a second factor."""
        return (
            self.sees_personal_data
            or self.has_perm("accounts.manage_api_clients")
            or self.has_perm("reporting.export_ddas")
        )


class Role(models.Model):
    """A role (rol) of the covenant: a group of permissions for one kind of organisation."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="role")
    organisation_type = models.CharField(
        _("soort organisatie"), max_length=20, choices=OrganisationType.choices
    )
    description = models.CharField(_("omschrijving"), max_length=300)

    class Meta:
        verbose_name = _("rol")
        verbose_name_plural = _("rollen")
        ordering = ["organisation_type", "code"]

    def __str__(self) -> str:
        return self.group.name


class ApiToken(models.Model):
    """An API client (API-koppeling): a key with which an organisation's system calls the API.

    It acts as its own service user (so the processing log names the key), may do only what its
    scopes allow (accounts/scopes.py) and stops working at ``expires_at``. Only a SHA-256 hash
    of the key is stored; the key is shown once when it is made.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("naam"), max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("bevoegdheden"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    # Empty only for keys made before keys expired (docs/adr/0105-api-clients.md).
    expires_at = models.DateTimeField(_("geldig tot"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")
        permissions = [("manage_api_clients", "API-koppelingen van de eigen organisatie beheren")]

    def __str__(self) -> str:
        return f"API-sleutel {self.prefix}… ({self.name})"
