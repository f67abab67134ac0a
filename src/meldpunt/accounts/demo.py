"""Demo users, one per role, with a documented password and TOTP secret (DEMO_MODE only).

The secret is public on purpose (README): a demo must be usable without a phone. Never enabled
in production: seed-demo refuses to run unless MELDPUNT_DEMO_MODE is on.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from meldpunt.organisations.models import Organisation, OrganisationType

from .models import User
from .services import user_create

DEMO_PASSWORD = "Meldpunt-demo-2026"
DEMO_TOTP_SECRET = "MELDPUNTDEMOTOTPSECRETAAAAAAAAAA"
DEMO_DOMAIN = "demo.meldpunt.nl"


def demo_users_spec() -> list[tuple[str, str, list[str]]]:
    """(email, organisation slug, roles) for every demo user."""
    spec = [
        (f"regie@{DEMO_DOMAIN}", "gemeente-amsterdam", ["regie"]),
        (f"beleid@{DEMO_DOMAIN}", "gemeente-amsterdam", ["beleid"]),
        (f"beheer@{DEMO_DOMAIN}", "gemeente-amsterdam", ["functioneel-beheer"]),
        (f"privacy@{DEMO_DOMAIN}", "gemeente-amsterdam", ["privacy-officer"]),
        (f"inkomen@{DEMO_DOMAIN}", "gemeente-amsterdam", ["inkomensconsulent"]),
        # The second municipality sharing the meldpunt.
        (f"regie.diemen@{DEMO_DOMAIN}", "gemeente-diemen", ["regie"]),
        (f"beheer.diemen@{DEMO_DOMAIN}", "gemeente-diemen", ["functioneel-beheer"]),
    ]
    for org in Organisation.objects.filter(type=OrganisationType.PARTNER).order_by("slug"):
        spec.append((f"{org.slug}@{DEMO_DOMAIN}", org.slug, ["signaleerder"]))
    for org in Organisation.objects.filter(type=OrganisationType.PROVIDER).order_by("slug"):
        spec.append((f"{org.slug}@{DEMO_DOMAIN}", org.slug, ["hulpverlener"]))
    spec.append((f"teamleider.centram@{DEMO_DOMAIN}", "centram", ["teamleider"]))
    # A second caseworker, so the team lead has work to distribute among people.
    spec.append((f"casemanager.centram@{DEMO_DOMAIN}", "centram", ["hulpverlener"]))
    # The admin of Eigen Haard's API clients (API-koppelingen).
    spec.append((f"beheer.eigen-haard@{DEMO_DOMAIN}", "eigen-haard", ["beheerder-partner"]))
    return spec


def require_demo_mode() -> None:
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured(
            "Demo-gegevens zijn alleen beschikbaar met MELDPUNT_DEMO_MODE=true (nooit in productie)."
        )


@transaction.atomic
def demo_users_ensure() -> list[User]:
    require_demo_mode()
    users = []
    # One Argon2 hash for every demo user: hashing costs ~0.9 s each (30 s for all of them on
    # a busy machine), and the demo password is public anyway. Real users get their own salt.
    shared_hash = None
    for email, slug, roles in demo_users_spec():
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(
                email=email, organisation=Organisation.objects.get(slug=slug), roles=roles
            )
            shared_hash = shared_hash or make_password(DEMO_PASSWORD)
            user.password = shared_hash
            user.save(update_fields=["password"])
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
            RecoveryCodes.activate(user)
        users.append(user)
    return users


def demo_totp_code(counter_offset: int = 0) -> str:
    """The current TOTP code for the documented demo secret."""
    import time

    from allauth.mfa import app_settings

    counter = int(time.time()) // app_settings.TOTP_PERIOD + counter_offset
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))
