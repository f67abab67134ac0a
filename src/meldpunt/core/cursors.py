"""Cursors of the API's list endpoints (docs/adr/0118-api-lists-and-casework.md).

A cursor is where the previous page ended — a moment or a date and an internal id, never a
name, an address or a reference — signed, so a client cannot forge one that points elsewhere
(an edited cursor is a clear 400, not a silently different page). The salt names the list, so
the cursor of one list does not work on another.
"""

from __future__ import annotations

from django.core import signing
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


class InvalidCursor(ValueError):
    """The cursor was not made by this API for this list."""


def cursor_encode(list_name: str, position: str) -> str:
    """The opaque cursor for ``position`` in the list ``list_name`` ("" for no next page)."""
    if not position:
        return ""
    return signing.dumps(position, salt=f"meldpunt.api.cursor.{list_name}", compress=False)


def cursor_decode(list_name: str, cursor: str) -> str:
    """The position a cursor of ``list_name`` points at; ``InvalidCursor`` for anything else."""
    if not cursor:
        return ""
    try:
        position = signing.loads(cursor, salt=f"meldpunt.api.cursor.{list_name}")
    except signing.BadSignature:
        raise InvalidCursor from None
    if not isinstance(position, str):
        raise InvalidCursor
    return position


# --- the page around a list (HAL: _links and _embedded) ----------------------------------------


@extend_schema_serializer(component_name="Link")
class LinkSerializer(serializers.Serializer):
    href = serializers.CharField(help_text="Pad van de bron, met de queryparameters.")


@extend_schema_serializer(component_name="Links")
class PageLinksSerializer(serializers.Serializer):
    self = LinkSerializer()
    next = LinkSerializer(
        required=False, help_text="De volgende pagina; ontbreekt op de laatste pagina."
    )


def page_links(request, cursor: str) -> dict:
    """``_links`` of one page: itself and, when there is one, the next page (the same query
    with the next cursor). The query holds only filters without personal data and the cursor."""
    links = {"self": {"href": request.get_full_path()}}
    if cursor:
        query = request.GET.copy()
        query["cursor"] = cursor
        links["next"] = {"href": f"{request.path}?{query.urlencode()}"}
    return links
