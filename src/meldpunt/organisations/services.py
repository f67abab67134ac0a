"""Writes of the organisations app: participants and the routing table."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from . import demo_data
from .models import District, Organisation, OrganisationType, PostcodeRange


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
