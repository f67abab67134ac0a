"""The local registry adapter: answers from LocalRegistryRecord."""

from __future__ import annotations

from collections.abc import Iterable

from .base import RegistryAnswer
from .models import LocalRegistryRecord

S = LocalRegistryRecord.Status


class LocalRegistry:
    def lookup_many(self, person_indexes: Iterable[str]) -> dict[str, RegistryAnswer]:
        keys = list(set(person_indexes))
        answers: dict[str, RegistryAnswer] = {}
        for start in range(0, len(keys), 900):
            for record in LocalRegistryRecord.objects.filter(
                person_index__in=keys[start : start + 900]
            ):
                answers[record.person_index] = RegistryAnswer(
                    deceased=record.status == S.DECEASED,
                    not_resident=record.status == S.MOVED_AWAY,
                    benefit_recipient=record.benefit_recipient,
                    source="lokaal register",
                )
        return answers
