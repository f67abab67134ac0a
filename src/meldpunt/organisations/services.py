"""Writes of the organisations app: participants and the routing table."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from meldpunt.core.models import ConfigurationChange

from . import demo_data
from .models import District, Organisation, OrganisationType, PostcodeException, PostcodeRange


def organisation_slug(name: str) -> str:
    """Stable code of an organisation: lower-case kebab-case of its name."""
    return slugify(name)


@transaction.atomic
def organisation_ensure(*, name: str, type: str) -> Organisation:
    org, _ = Organisation.objects.update_or_create(
        slug=organisation_slug(name), defaults={"name": name, "type": type}
    )
    return org


@transaction.atomic
def covenant_seed() -> None:
    """Load the Amsterdam covenant's participants and districts (idempotent)."""
    organisation_ensure(name=demo_data.MUNICIPALITY, type=OrganisationType.MUNICIPALITY)
    for name in demo_data.PARTNERS:
        organisation_ensure(name=name, type=OrganisationType.PARTNER)
    providers = {
        name: organisation_ensure(name=name, type=OrganisationType.PROVIDER)
        for name in demo_data.PROVIDERS
    }
    for name, (provider_name, ranges) in demo_data.DISTRICTS.items():
        district, created = District.objects.get_or_create(
            slug=slugify(name),
            defaults={"name": name, "provider": providers.get(provider_name)},
        )
        if created:
            PostcodeRange.objects.bulk_create(
                PostcodeRange(district=district, start=start, end=end) for start, end in ranges
            )


@transaction.atomic
def district_assign_provider(
    *, district: District, provider: Organisation | None, by: Any
) -> District:
    """Functioneel beheer: which provider does outreach in a district."""
    if not by.has_perm("organisations.manage_configuration"):
        raise PermissionDenied
    if provider is not None and not provider.is_provider:
        raise ValidationError({"provider": "Kies een uitvoerder."})
    district = District.objects.select_for_update().get(pk=district.pk)
    _record_change(by, f"stadsdeel {district.name}: uitvoerder", district.provider, provider)
    district.provider = provider
    district.save(update_fields=["provider"])
    return district


@transaction.atomic
def postcode_exception_set(
    *, postcode: str, district: District, reason: str, by: Any
) -> PostcodeException:
    """Route one six-character postcode to another district than its range says."""
    if not by.has_perm("organisations.manage_configuration"):
        raise PermissionDenied
    from .selectors import normalise_postcode

    try:
        code = normalise_postcode(postcode)
    except Exception:
        raise ValidationError(
            {"postcode": "Geen geldige postcode; gebruik bijvoorbeeld 1012 AB."}
        ) from None
    exception, _ = PostcodeException.objects.update_or_create(
        postcode=code, defaults={"district": district, "reason": reason[:200]}
    )
    _record_change(by, f"postcode-uitzondering {code}", None, district)
    return exception


@transaction.atomic
def postcode_exception_delete(*, exception: PostcodeException, by: Any) -> None:
    if not by.has_perm("organisations.manage_configuration"):
        raise PermissionDenied
    _record_change(by, f"postcode-uitzondering {exception.postcode}", exception.district, None)
    exception.delete()


def _record_change(by: Any, setting: str, old: Any, new: Any) -> None:
    ConfigurationChange.objects.create(
        setting=setting[:80],
        old_value=str(old or "—")[:200],
        new_value=str(new or "—")[:200],
        by=by,
    )
