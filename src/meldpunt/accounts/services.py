"""Writes of the accounts app: roles, users and API clients."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from meldpunt.core.validators import validate_email_address
from meldpunt.organisations.models import Organisation
from meldpunt.privacy.register import register_ensure

from .models import ApiToken, Role, User
from .roles import ROLES
from .scopes import LEGACY_SCOPES, SCOPES, SERVICE_ROLE, scopes_for
from .token_hash import hash_key


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def roles_ensure() -> list[Role]:
    """Create or update the covenant's roles from ``roles.ROLES`` (idempotent)."""
    roles = []
    for code, spec in ROLES.items():
        group, _ = Group.objects.get_or_create(name=spec["name"])
        group.permissions.set([_permission(p) for p in spec["permissions"]])
        role, _ = Role.objects.update_or_create(
            code=code,
            defaults={
                "group": group,
                "organisation_type": spec["type"],
                "description": spec["description"],
            },
        )
        roles.append(role)
    return roles


def roles_ensure_after_migrate(*, apps: Any = None, using: str = "default", **kwargs: Any) -> None:
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions of every app must exist before roles refer to them.
    for config in global_apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    roles_ensure()
    register_ensure()


@transaction.atomic
def user_create(
    *,
    email: str,
    organisation: Organisation,
    roles: list[str],
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a user of an organisation with roles allowed for that kind of organisation."""
    role_objs = list(Role.objects.filter(code__in=roles).select_related("group"))
    if len(role_objs) != len(set(roles)):
        raise ValidationError("Onbekende rol.")
    for role in role_objs:
        if role.organisation_type != organisation.type:
            raise ValidationError(
                f"De rol {role.group.name} past niet bij een organisatie van deze soort."
            )
    email = email.strip().lower()
    validate_email_address(email)
    user = User(
        username=email,
        email=email,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set([r.group for r in role_objs])
    return user


@transaction.atomic
def api_token_create(
    *,
    organisation: Organisation,
    name: str,
    scopes: list[str] | None = None,
    expires_at: datetime | None = None,
    by: Any = None,
) -> tuple[ApiToken, str]:
    """Make an API client (key) for an organisation's system. Returns the token and the key,
    which is shown once and stored only as a hash.

    ``scopes`` default to what a landlord's system needs (submit, read-feedback); each must fit
    the kind of organisation. ``expires_at`` defaults to MELDPUNT_API_TOKEN_MAX_DAYS from now
    and may not lie further ahead.
    """
    scopes = list(dict.fromkeys(LEGACY_SCOPES if scopes is None else scopes))
    allowed = {s.code for s in scopes_for(organisation.type)}
    if not scopes:
        raise ValidationError("Kies ten minste één bevoegdheid.")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise ValidationError(f"Onbekende bevoegdheid: {', '.join(unknown)}.")
    if not set(scopes) <= allowed:
        raise ValidationError(
            "Deze bevoegdheden passen niet bij een organisatie van deze soort: "
            + ", ".join(str(SCOPES[s].label) for s in scopes if s not in allowed)
            + "."
        )
    now = timezone.now()
    latest = now + timedelta(days=settings.MELDPUNT_API_TOKEN_MAX_DAYS)
    expires_at = expires_at or latest
    if expires_at <= now:
        raise ValidationError("De einddatum ligt in het verleden.")
    if expires_at > latest + timedelta(days=1):  # a date "a year from today" at the end of day
        raise ValidationError(
            f"Een API-koppeling is hoogstens {settings.MELDPUNT_API_TOKEN_MAX_DAYS} dagen geldig."
        )
    name = name.strip()
    if not name:
        raise ValidationError("Geef de koppeling een naam.")
    key = secrets.token_urlsafe(32)
    number = ApiToken.objects.filter(user__organisation=organisation).count() + 1
    while User.objects.filter(
        username=f"api-{number}@{organisation.slug}.meldpunt.invalid"
    ).exists():
        number += 1
    user = user_create(
        email=f"api-{number}@{organisation.slug}.meldpunt.invalid",
        organisation=organisation,
        roles=[SERVICE_ROLE[organisation.type]],
    )
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=key[:8],
        key_hash=hash_key(key),
        scopes=scopes,
        expires_at=expires_at,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: Any = None) -> None:
    """Revoke a key for good; its service user is deactivated with it."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(),
        revoked_by=by if getattr(by, "is_authenticated", False) else None,
    )
    User.objects.filter(pk=token.user_id).update(is_active=False)
