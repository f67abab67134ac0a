"""Writes of the organisations app: participants and the routing table."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from meldpunt.core.models import ConfigurationChange

from . import demo_data
from .models import (
    District,
    Municipality,
    Organisation,
    OrganisationType,
    PartnerType,
    PostcodeException,
    PostcodeRange,
)


def organisation_slug(name: str) -> str:
    """Stable code of an organisation: lower-case kebab-case of its name."""
    return slugify(name)


@transaction.atomic
def organisation_ensure(
    *, name: str, type: str, municipalities: list[Municipality], partner_type: str = ""
) -> Organisation:
    org, _ = Organisation.objects.update_or_create(
        slug=organisation_slug(name),
        defaults={"name": name, "type": type, "partner_type": partner_type},
    )
    org.municipalities.add(*municipalities)
    return org


def _municipality_seed(
    code_name: tuple[str, str, str],
    municipality_org: str,
    partners: list[str],
    providers: list[str],
    districts: dict,
) -> Municipality:
    code, name, covenant = code_name
    municipality, _ = Municipality.objects.get_or_create(
        code=code, defaults={"name": name, "covenant": covenant}
    )
    organisation_ensure(
        name=municipality_org, type=OrganisationType.MUNICIPALITY, municipalities=[municipality]
    )
    for partner in partners:
        organisation_ensure(
            name=partner,
            type=OrganisationType.PARTNER,
            partner_type=PartnerType.HUUR,
            municipalities=[municipality],
        )
    by_name = {
        provider: organisation_ensure(
            name=provider, type=OrganisationType.PROVIDER, municipalities=[municipality]
        )
        for provider in providers
    }
    for district_name, (provider_name, ranges) in districts.items():
        district, created = District.objects.get_or_create(
            slug=slugify(district_name),
            defaults={
                "name": district_name,
                "municipality": municipality,
                "provider": by_name.get(provider_name),
            },
        )
        if created:
            PostcodeRange.objects.bulk_create(
                PostcodeRange(district=district, start=start, end=end) for start, end in ranges
            )
    return municipality


@transaction.atomic
def covenant_seed() -> None:
    """Load the Amsterdam covenant's participants and districts, the second demo municipality
    and partners of other kinds (idempotent)."""
    amsterdam = _municipality_seed(
        demo_data.AMSTERDAM, demo_data.MUNICIPALITY, demo_data.PARTNERS, demo_data.PROVIDERS,
        demo_data.DISTRICTS,
    )  # fmt: skip
    diemen = _municipality_seed(
        demo_data.DIEMEN, demo_data.DIEMEN_MUNICIPALITY, demo_data.DIEMEN_PARTNERS,
        demo_data.DIEMEN_PROVIDERS, demo_data.DIEMEN_DISTRICTS,
    )  # fmt: skip
    for name, partner_type in demo_data.OTHER_PARTNERS.items():
        organisation_ensure(
            name=name,
            type=OrganisationType.PARTNER,
            partner_type=partner_type,
            municipalities=[amsterdam, diemen],
        )


@transaction.atomic
def district_assign_provider(
    *, district: District, provider: Organisation | None, by: Any
) -> District:
    """Functioneel beheer: which provider does outreach in a district."""
    _require_configuration(by, district)
    if provider is not None and not provider.is_provider:
        raise ValidationError({"provider": "Kies een uitvoerder."})
    district = (
        District.objects.select_for_update().select_related("municipality").get(pk=district.pk)
    )
    _record_change(
        by, district, f"stadsdeel {district.name}: uitvoerder", district.provider, provider
    )
    district.provider = provider
    district.save(update_fields=["provider"])
    return district


@transaction.atomic
def postcode_exception_set(
    *, postcode: str, district: District, reason: str, by: Any
) -> PostcodeException:
    """Route one six-character postcode to another district than its range says."""
    _require_configuration(by, district)
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
    _record_change(by, district, f"postcode-uitzondering {code}", None, district)
    return exception


@transaction.atomic
def postcode_exception_delete(*, exception: PostcodeException, by: Any) -> None:
    _require_configuration(by, exception.district)
    _record_change(
        by, exception.district, f"postcode-uitzondering {exception.postcode}",
        exception.district, None,
    )  # fmt: skip
    exception.delete()


def _require_configuration(by: Any, district: District) -> None:
    """Functioneel beheer changes the routing of its own municipalities only."""
    if not by.has_perm("organisations.manage_configuration") or (
        district.municipality_id not in by.organisation.municipality_ids()
    ):
        raise PermissionDenied


def _record_change(by: Any, district: District, setting: str, old: Any, new: Any) -> None:
    ConfigurationChange.objects.create(
        scope=district.municipality.code,
        setting=setting[:80],
        old_value=str(old or "—")[:200],
        new_value=str(new or "—")[:200],
        by=by,
    )
