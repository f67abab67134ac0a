"""How an API key is stored: its SHA-256 (docs/adr/0105-api-clients.md).

A module of its own so that making a key (``services``) does not load Django REST framework
and drf-spectacular (``api_auth``): ``accounts`` is loaded at every start-up, also of the
import command, where they cost a third of a second.
"""

from __future__ import annotations

import hashlib


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
