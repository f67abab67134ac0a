"""The local registry adapter: answers from LocalRegistryRecord."""

from __future__ import annotations

from collections.abc import Iterable

from meldpunt.core.db import select_in

from .base import RegistryAnswer
from .models import LocalRegistryRecord

S = LocalRegistryRecord.Status


class LocalRegistry:
    def lookup_many(self, person_indexes: Iterable[str]) -> dict[str, RegistryAnswer]:
        answers: dict[str, RegistryAnswer] = {}
        # Raw look-up: an import asks for thousands of people at once (core.db.select_in).
        for person_index, status, benefit_recipient in select_in(
            LocalRegistryRecord,
            ("person_index", "status", "benefit_recipient"),
            {},
            "person_index",
            list(set(person_indexes)),
        ):
            answers[person_index] = RegistryAnswer(
                deceased=status == S.DECEASED,
                not_resident=status == S.MOVED_AWAY,
                benefit_recipient=bool(benefit_recipient),
                source="lokaal register",
            )
        return answers
