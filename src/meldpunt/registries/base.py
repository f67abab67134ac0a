"""What triage asks the municipality's registers, as a protocol with pluggable adapters.

An adapter answers for many people at once (one round trip per batch). People are named by
their blind index (surname + birth date), never by plaintext.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class RegistryAnswer:
    """What the BRP and the benefits administration say about one person."""

    deceased: bool = False
    not_resident: bool = False
    benefit_recipient: bool = False
    source: str = ""
    # The key the register knows the person by (their own name + birth date) when the name
    # asked about is another name of theirs, such as a married name: the intake then recognises
    # the person by this key (cases.identity P1). "" when it is the key asked about.
    person_index: str = ""


UNKNOWN = RegistryAnswer(source="niet gevonden")


class Registry(Protocol):
    def lookup_many(self, person_indexes: Iterable[str]) -> dict[str, RegistryAnswer]:
        """Answers for the people found; people not found are absent from the result."""
        ...


@cache
def registry() -> Registry:
    return import_string(settings.MELDPUNT_REGISTRY)()
