"""The home screen as a work queue: panels with counts, contributed by the apps.

``core`` is the lowest layer, so it cannot ask the apps above it for their numbers. Instead each
app registers its panels here when it is ready (``AppConfig.ready``); the home view asks every
registered provider for its panel and shows the ones that answer. A provider decides from the
user's permissions whether it has anything to show (return ``None`` otherwise) and stays cheap:
counts and a handful of rows, never a whole list (docs/adr/0108-work-queues.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Entry:
    """One line of a panel: a count and where its list is. ``attention`` marks work that is late
    or waiting for this user (shown emphasised, and named as such for screen readers)."""

    label: str
    url: str = ""
    count: int | None = None
    attention: bool = False


@dataclass(frozen=True)
class Row:
    """One item of a short list in a panel (e.g. the next case by deadline)."""

    label: str
    url: str = ""
    details: tuple[str, ...] = ()
    attention: bool = False


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    entries: tuple[Entry, ...] = ()
    rows: tuple[Row, ...] = ()
    description: str = ""
    empty: str = ""
    # Where the whole list is (a "Bekijk alle" link below the rows).
    more_url: str = ""
    more_label: str = ""
    order: int = 100
    extra: dict[str, Any] = field(default_factory=dict)


PanelProvider = Callable[[HttpRequest], "Panel | list[Panel] | None"]

_providers: list[PanelProvider] = []


def register_panel(provider: PanelProvider) -> PanelProvider:
    """Register a panel provider (usable as a decorator). Registering twice is harmless."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(request: HttpRequest) -> list[Panel]:
    """The panels this request's user has, in their order."""
    panels: list[Panel] = []
    for provider in _providers:
        result = provider(request)
        if result is None:
            continue
        panels.extend(result if isinstance(result, list) else [result])
    return sorted(panels, key=lambda p: (p.order, p.key))
