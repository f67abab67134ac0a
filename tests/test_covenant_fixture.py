"""The short way of the covenant and users fixtures (tests/conftest.py) writes what
covenant_seed() and user_create() write."""

from __future__ import annotations

from typing import Any

from meldpunt.accounts.models import User
from meldpunt.organisations.models import District, Municipality, Organisation, PostcodeRange
from meldpunt.organisations.services import covenant_seed
from tests import conftest
from tests.dbreset import SerializedRows


def _organisation(o: Organisation) -> tuple[Any, ...]:
    municipalities = tuple(sorted(o.municipalities.values_list("code", flat=True)))
    return (o.slug, o.name, o.type, o.partner_type, o.phone, o.email, o.is_active, municipalities)


def _covenant_as_written() -> tuple[Any, ...]:
    """Every field of the covenant's rows, with references by code instead of id."""
    return (
        sorted(Municipality.objects.values_list("code", "name", "covenant", "is_active")),
        sorted(_organisation(o) for o in Organisation.objects.all()),
        sorted(
            District.objects.values_list("slug", "name", "municipality__code", "provider__slug")
        ),
        sorted(PostcodeRange.objects.values_list("district__slug", "start", "end")),
    )


def _remove_covenant() -> None:
    District.objects.all().delete()  # and their postcode ranges
    Organisation.objects.all().delete()
    Municipality.objects.all().delete()


def test_the_covenant_fixture_inserts_what_covenant_seed_writes(covenant):
    assert conftest._seeded_covenant, "the fixture keeps what the seed wrote"
    _remove_covenant()
    SerializedRows(conftest._seeded_covenant[0]).insert()
    inserted = _covenant_as_written()
    _remove_covenant()
    covenant_seed()
    assert _covenant_as_written() == inserted
    assert {o.slug for o in Organisation.objects.all()} == set(covenant)
    assert len(inserted[1]) == len(covenant) > 20


def _users_as_written() -> list[tuple[Any, ...]]:
    return sorted(
        (u.username, u.email, u.organisation.slug, u.first_name, u.last_name, u.is_active,
         u.is_staff, u.is_superuser, u.last_login, u.check_password(conftest.PASSWORD),
         tuple(sorted(u.groups.values_list("name", flat=True))),
         tuple(u.user_permissions.all()))
        for u in User.objects.select_related("organisation")
    )  # fmt: skip


def test_the_users_fixture_inserts_what_user_create_writes(covenant, users):
    assert conftest._seeded_users, "the fixture keeps what user_create wrote"
    User.objects.all().delete()
    SerializedRows(conftest._seeded_users["rows"]).insert()
    inserted = _users_as_written()
    User.objects.all().delete()
    conftest.role_users_create(covenant)
    assert _users_as_written() == inserted
    assert len(inserted) == len(users) == len(conftest.ROLE_USERS)
