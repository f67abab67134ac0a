"""Dates as ISO text, made once per date.

``date.isoformat`` formats through printf, about 3,000 instructions a call; the intake writes a
dozen dates a row (its keys, the signal's columns, the sealed details) and a file repeats the
same few dates (docs/adr/0121-intake-ratio.md). ``ISO[day]`` is a dictionary look-up after the
first time.
"""

from __future__ import annotations

from datetime import date

_HELD = 50_000  # about 137 years of days; emptied when full, so a long-running worker stays small


class _IsoTexts(dict[date, str]):
    def __missing__(self, day: date) -> str:
        if len(self) >= _HELD:
            self.clear()
        text = self[day] = day.isoformat()
        return text


ISO: dict[date, str] = _IsoTexts()
"""``ISO[day]`` is ``day.isoformat()`` (a datetime keeps its own, longer text)."""
