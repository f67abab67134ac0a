"""Who a signal is about: the rules that recognise one person across signals, pure.

Municipalities' known complaint is twofold: the same tenant is missed because the name is
spelled differently, and two different people are merged because they share an address or a
name. The rules (each a test in tests/test_identity.py):

- P1 the canonical name + birth date (``privacy.keys.person_key``) is a known person's: that
  person. The population register may know the delivered name as another name of a person (a
  maiden or married name): the intake then looks the person up by the register's key.
- P2 no such key, but the landlord's own reference (``Tenancy.reference``) is one of its
  tenancies, and the birth dates do not contradict each other: that tenancy's person.
- P3 the reference is known but the birth dates differ: a different person (a new tenant of a
  dwelling whose reference the landlord reuses) — a new person.
- P4 nothing known: a new person.

An address is never evidence of identity: another person at the same address is another
person (their open case is a hint to regie and the provider, never a merge).
"""

from __future__ import annotations


def recognise(*, by_name: bool, reference_birth_key: str | None, birth_key: str) -> str:
    """The rule that decides who a signal is about (P1–P4 above).

    ``by_name``: the signal's key (or the register's key for it) is a known person's.
    ``reference_birth_key``: the birth key of the person the landlord's reference points at
    (None when the reference is unknown; "" when that person's birth date is unknown).
    ``birth_key``: the signal's own ("" without a birth date).
    """
    if by_name:
        return "P1"
    if reference_birth_key is not None:
        if birth_key and reference_birth_key and birth_key != reference_birth_key:
            return "P3"
        return "P2"
    return "P4"
