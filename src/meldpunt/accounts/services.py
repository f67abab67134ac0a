"""Writes of the accounts app: roles and users."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction

from meldpunt.core.validators import validate_email_address
from meldpunt.organisations.models import Organisation
from meldpunt.privacy.register import register_ensure

from .models import ApiToken, Role, User
from .roles import ROLES


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
def api_token_create(*, organisation: Organisation, name: str) -> tuple[ApiToken, str]:
    """Make an API key for a landlord's system. Returns the token and the key (shown once)."""
    import secrets

    from .api_auth import hash_key

    if not organisation.is_partner:
        raise ValidationError(
            "Alleen een verhuurder (partner) krijgt een API-sleutel om te melden."
        )
    key = secrets.token_urlsafe(32)
    number = ApiToken.objects.filter(user__organisation=organisation).count() + 1
    user = user_create(
        email=f"api-{number}@{organisation.slug}.meldpunt.invalid",
        organisation=organisation,
        roles=["signaleerder"],
    )
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:8], key_hash=hash_key(key))
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    from django.utils import timezone

    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    User.objects.filter(pk=token.user_id).update(is_active=False)
