"""The local registry adapter: answers from LocalRegistryRecord (demo, tests, benefits)."""

from __future__ import annotations

from collections.abc import Iterable

from meldpunt.core.db import select_in

from .base import PersonQuery, RegistryAnswer
from .models import LocalRegistryName, LocalRegistryRecord

S = LocalRegistryRecord.Status


class LocalRegistry:
    # Answers by key from its own table: the intake asks ``lookup_many`` inside its write.
    needs_people = False

    def lookup_many(self, person_indexes: Iterable[str]) -> dict[str, RegistryAnswer]:
        """Answers by the keys asked; a key that is another name of a person answers with the
        person's own key (``person_index``)."""
        keys = list(set(person_indexes))
        answers: dict[str, RegistryAnswer] = {}
        # Raw look-ups: an import asks for thousands of people at once (core.db.select_in).
        aliases = dict(
            select_in(LocalRegistryName, ("person_index", "record_id"), {}, "person_index", keys)
        )
        found = {
            pk: (person_index, status, benefit_recipient)
            for pk, person_index, status, benefit_recipient in select_in(
                LocalRegistryRecord,
                ("id", "person_index", "status", "benefit_recipient"),
                {},
                "person_index",
                keys,
            )
        }
        missing = [pk for pk in set(aliases.values()) if pk not in found]
        for pk, person_index, status, benefit_recipient in select_in(
            LocalRegistryRecord,
            ("id", "person_index", "status", "benefit_recipient"),
            {},
            "id",
            missing,
        ):
            found[pk] = (person_index, status, benefit_recipient)
        asked = {row[0]: pk for pk, row in found.items()}
        asked.update({alias: pk for alias, pk in aliases.items() if pk in found})
        for key, pk in asked.items():
            own, status, benefit_recipient = found[pk]
            answers[key] = RegistryAnswer(
                deceased=status == S.DECEASED,
                not_resident=status == S.MOVED_AWAY,
                benefit_recipient=bool(benefit_recipient),
                source="lokaal register",
                person_index="" if own == key else own,
            )
        return {key: answer for key, answer in answers.items() if key in set(keys)}

    def lookup_people(self, queries: Iterable[PersonQuery]) -> dict[str, RegistryAnswer]:
        # The local register knows people only by their blind index.
        return self.lookup_many(q.key for q in queries if q.key)

    def benefit_recipients(self, person_indexes: Iterable[str]) -> set[str]:
        """The keys (own or another name) the local table lists as on Participatiewet benefit."""
        return {key for key, a in self.lookup_many(person_indexes).items() if a.benefit_recipient}
