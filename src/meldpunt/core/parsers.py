"""The API's only request parser: JSON with a size and a nesting limit (docs/adr/0101).

Python's json module recurses once per level; a body of a few thousand "[" exhausts the stack
and the request ends in a 500. The nesting is therefore measured on the text before it is
parsed, in one linear pass that stops at the first level over the limit, and refused with a
clear 400. The size is checked before anything is read.
"""

from __future__ import annotations

import json
import re
from typing import IO, Any

from django.conf import settings
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings
from rest_framework.utils.json import strict_constant


class PayloadTooLarge(exceptions.APIException):
    """413; defined here, not in core.api, because DRF imports parsers while it loads views."""

    status_code = 413
    default_detail = "Het verzoek is te groot."
    default_code = "too_large"


_STRUCTURE = re.compile(r'[\[\]{}"]')
# The rest of a JSON string after its opening quote; possessive, so it never backtracks.
_STRING_REST = re.compile(r'(?:[^"\\]++|\\.)*+"', re.DOTALL)


def json_nesting_exceeds(text: str, limit: int) -> bool:
    """Whether arrays and objects in ``text`` nest deeper than ``limit`` levels.

    Brackets inside strings do not count. Malformed text is left to the parser.
    """
    if text.count("[") + text.count("{") <= limit:
        return False  # too few brackets to nest that deep (most single-object bodies)
    depth = 0
    position = 0
    search = _STRUCTURE.search
    string_rest = _STRING_REST.match
    while True:
        found = search(text, position)
        if found is None:
            return False
        char = found.group()
        position = found.end()
        if char == '"':
            rest = string_rest(text, position)
            if rest is None:
                return False  # an unterminated string: the parser reports it
            position = rest.end()
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1


def max_body_bytes() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class LimitedJSONParser(JSONParser):
    """JSON bodies up to DATA_UPLOAD_MAX_MEMORY_SIZE bytes and MELDPUNT_API_MAX_JSON_DEPTH levels."""

    def parse(
        self, stream: IO[bytes], media_type: str | None = None, parser_context: Any = None
    ) -> Any:
        limit = max_body_bytes()
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(f"Het verzoek is te groot: hoogstens {limit} bytes.")
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise PayloadTooLarge(f"Het verzoek is te groot: hoogstens {limit} bytes.")
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise exceptions.ParseError(
                f"De inhoud is geen geldige tekst in {encoding}; stuur JSON in UTF-8."
            ) from None
        depth = settings.MELDPUNT_API_MAX_JSON_DEPTH
        if json_nesting_exceeds(text, depth):
            raise exceptions.ParseError(f"De JSON is te diep genest (meer dan {depth} niveaus).")
        parse_constant = strict_constant if api_settings.STRICT_JSON else None
        try:
            return json.loads(text, parse_constant=parse_constant)
        except json.JSONDecodeError as exc:
            raise exceptions.ParseError(
                f"Ongeldige JSON op regel {exc.lineno}, kolom {exc.colno}."
            ) from None
        except (ValueError, RecursionError):
            # e.g. an integer of more than 4300 digits, or NaN/Infinity
            raise exceptions.ParseError("Ongeldige JSON: een waarde is niet toegestaan.") from None
