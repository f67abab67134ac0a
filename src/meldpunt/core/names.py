"""Dutch personal names in one canonical form, so one person is recognised across signals.

Municipalities' known complaint about matching is that the same tenant arrives spelled in many
ways: with or without diacritics (Çelik, Celik), ``ij`` or ``y`` (Bijl, Byl), ``ss`` or ``s``
(Janssen, Jansen), the tussenvoegsel in its own field or written into the surname, apart or
together (``van den`` + ``Berg``, ``Van den Berg``, ``Vandenberg``, ``Berg, van den``). Each
of those gives the same canonical surname here. Nothing else is folded: no phonetic codes and
no dropped letters, so two different names stay two names (tests/test_names.py proves both with
property-based tests). A maiden name given instead of the married name cannot be recognised
from the text alone; the population register knows both (registries: ``RegistryAnswer.names``).

This is the ONE place where names are normalised; the blind-index keys (privacy/keys.py) hash
what this module returns.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter and a mark.
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ı": "i",
        "þ": "th",
        "ŀ": "l",
    }
)
_NOT_A_LETTER = re.compile(r"[^a-z]+")
_S_RUN = re.compile(r"s{2,}")


def _letters(text: str) -> str:
    """Lower-case ASCII letters only: marks stripped, ß → ss, punctuation and spaces gone."""
    if text.isascii():  # most names: nothing to decompose, strip or translate (same result)
        return _NOT_A_LETTER.sub("", text.lower())
    return _letters_of_any(text)


def _letters_of_any(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LETTERS)
    return _NOT_A_LETTER.sub("", plain)


def _full_name(surname: str, prefix: str) -> str:
    """Prefix and surname in reading order: 'Berg, van den' is 'van den Berg'."""
    if "," in surname:
        main, _comma, rest = surname.partition(",")
        surname = f"{rest} {main}"
    return f"{prefix} {surname}"


def canonical_surname(surname: str, prefix: str = "") -> str:
    """The surname with its tussenvoegsel, in the one form used to match people.

    'van den' + 'Berg', 'Van den Berg', 'VANDENBERG' and 'Berg, van den' all give
    'vandenberg'; 'Bijl' and 'Byl' give 'byl'; 'Janssen' and 'Jansen' give 'jansen';
    'Çelik' gives 'celik'.
    """
    letters = _letters(_full_name(surname or "", prefix or ""))
    return _S_RUN.sub("s", letters.replace("ij", "y"))


# Legal forms and kinds of organisation that never name a person, matched as separate words in
# the surname field only (initials such as "B.V." belong to people). Words that are also rare
# surnames (Holding) count only beside another word ("Jansen Holding").
_LEGAL_FORM = re.compile(
    r"(?<![a-z0-9])("
    r"b\.\s?v\.?|bv|n\.\s?v\.?|nv|v\.\s?o\.\s?f\.?|vof|c\.\s?v\.?|"
    r"stichting|vereniging|co[oö]peratie|maatschap|gemeente|gmbh|ltd\.?|inc\.?|llc"
    r")(?![a-z0-9])"
)
_ORGANISATION_WORD = re.compile(r"(?<![a-z0-9])(holding|beheer|vastgoed|u\.a\.)(?![a-z0-9])")


def looks_like_organisation(surname: str) -> bool:
    """Whether a surname field names a company or institution rather than a person.

    "Jansen B.V.", "Stichting De Haven", "Bakker VOF" and "Jansen Holding" do; "Jansen",
    "Bijvoet" and "Holding" alone (also a surname) do not.
    """
    text = " ".join((surname or "").casefold().split())
    if not text:
        return False
    if _LEGAL_FORM.search(text):
        return True
    return " " in text and _ORGANISATION_WORD.search(text) is not None
