"""One canonical form per Dutch surname (issue #9): its variants give one key, two people never do.

The normaliser lives in meldpunt/core/names.py; the keys in meldpunt/privacy/keys.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meldpunt.core.names import canonical_surname, looks_like_organisation
from meldpunt.privacy.keys import birth_key, person_key

PREFIXES = ["", "van", "de", "van der", "van den", "ter", "in 't", "el", "d'"]
ACCENTS = {"a": "áàäâã", "e": "éèëê", "i": "íìïî", "o": "óòöôõ", "u": "úùüû", "c": "ç", "n": "ñ"}

# Base letters for names that are "different" in a way no normaliser may fold: no s (ss/s), no
# i, j or y (ij/y) and only the vowels a, e, o, u.
SAFE = "abcdefghklmnoprtuvwz"
safe_names = st.text(alphabet=SAFE, min_size=2, max_size=12)
names = st.text(alphabet=SAFE + "sijy", min_size=2, max_size=12)
birth_dates = st.dates(min_value=date(1920, 1, 1), max_value=date(2008, 12, 31))


@st.composite
def spelled(draw, base: str, prefix: str) -> tuple[str, str]:
    """One way a landlord's system may deliver (prefix, surname) for the same person."""
    letters = []
    for ch in base:
        if ch == "s" and draw(st.booleans()):
            ch = "ss"
        elif ch == "y" and draw(st.booleans()):
            ch = "ij"
        elif ch in ACCENTS and draw(st.booleans()):
            ch = draw(st.sampled_from(ACCENTS[ch]))
        if draw(st.booleans()):
            ch = ch.upper()
        letters.append(ch)
    surname = "".join(letters)
    way = draw(st.sampled_from(["apart", "in", "together", "comma", "upper"]))
    if not prefix or way == "apart":
        return prefix, surname
    if way == "in":
        return "", f"{prefix} {surname}"
    if way == "together":
        return "", prefix.replace(" ", "") + surname
    if way == "comma":
        return "", f"{surname}, {prefix}"
    return "", f"{prefix} {surname}".upper()


@settings(max_examples=300, deadline=None)
@given(base=names, prefix=st.sampled_from(PREFIXES), born=birth_dates, data=st.data())
def test_a_name_and_its_variants_give_one_key(base, prefix, born, data):
    first = data.draw(spelled(base, prefix))
    second = data.draw(spelled(base, prefix))
    assert canonical_surname(first[1], first[0]) == canonical_surname(second[1], second[0])
    assert person_key(first[1], first[0], born) == person_key(second[1], second[0], born)


@settings(max_examples=300, deadline=None)
@given(a=safe_names, b=safe_names, prefix=st.sampled_from(PREFIXES), born=birth_dates)
def test_two_different_names_never_give_one_key(a, b, prefix, born):
    if a == b:
        return
    assert person_key(a, prefix, born) != person_key(b, prefix, born)


@settings(max_examples=200, deadline=None)
@given(name=names, prefix=st.sampled_from(PREFIXES), a=birth_dates, b=birth_dates)
def test_two_birth_dates_never_give_one_key(name, prefix, a, b):
    if a == b:
        return
    assert person_key(name, prefix, a) != person_key(name, prefix, b)
    assert birth_key(a) != birth_key(b)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("Berg", "van den"), ("Van den Berg", "")),
        (("Berg", "van den"), ("Vandenberg", "")),
        (("Berg, van den", ""), ("berg", "van den")),
        (("Bijl", ""), ("Byl", "")),
        (("Janssen", ""), ("Jansen", "")),
        (("Çelik", ""), ("Celik", "")),
        (("Hondt", "d'"), ("D'Hondt", "")),
        (("Hart", "'t"), ("’t Hart", "")),
        (("Straße", ""), ("Strasse", "")),
        (("Øster", ""), ("Oster", "")),
        (("El  Amrani", ""), ("Amrani", "el")),
    ],
)
def test_known_variants_match(one, other):
    assert canonical_surname(*one) == canonical_surname(*other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("Jansen", ""), ("Janse", "")),
        (("Berg", "van den"), ("Berg", "")),  # a tussenvoegsel is part of the name
        (("Vries", "de"), ("Vries", "van")),
        (("Bakker", ""), ("Backer", "")),
        (("Visser", ""), ("Fisser", "")),
    ],
)
def test_different_names_stay_different(one, other):
    assert canonical_surname(*one) != canonical_surname(*other)


def test_no_birth_date_gives_no_person_key():
    """Without a birth date a surname alone would merge every Jansen into one person."""
    assert person_key("Jansen", "", None) == ""
    assert birth_key(None) == ""


@pytest.mark.parametrize(
    "surname",
    ["Jansen B.V.", "Stichting De Haven", "Bakker VOF", "Jansen Holding", "Woon BV",
     "Vereniging Oost", "Coöperatie Noord U.A.", "Schilder N.V.", "Beheer Vastgoed"],
)  # fmt: skip
def test_organisation_names_are_recognised(surname):
    assert looks_like_organisation(surname)


@pytest.mark.parametrize(
    "surname", ["Jansen", "Bijvoet", "Holding", "de Vries-Stichter", "Bevers", "Nevels", "Ninv"]
)
def test_person_names_are_not_organisations(surname):
    assert not looks_like_organisation(surname)


@given(text=st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_names_take_the_short_way_to_the_same_letters(text):
    """An ASCII name skips decomposition (nothing to decompose): the same letters result."""
    from meldpunt.core.names import _letters, _letters_of_any

    assert _letters(text) == _letters_of_any(text)
