"""The English interface keeps the Dutch formats: the people, amounts and dates are Dutch, and a
date must read the same in both languages (03-04-2026 is 3 April in either)."""

from meldpunt.conf.formats.nl.formats import *  # noqa: F403
