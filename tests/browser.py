"""Browser tests: Playwright driving Debian's Chromium, with axe-core, against pytest-django's
live server (ADR 0112).

No browser is downloaded: the tests use /usr/bin/chromium (`make test` installs Debian's package
when it runs as root). Without it the browser tests are skipped with a loud reason, unless
MELDPUNT_REQUIRE_BROWSER is set (`.ci/run` sets it), then they fail.

Playwright's synchronous API runs an event loop in the test's thread; Django refuses database
access from a thread with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set. The tests'
own database calls happen between browser steps, never concurrently with them, so that is safe
here (the live server answers the browser from its own thread).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.conftest import mfa_client

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Screenshots of each role's home screen go here; `make screenshots` points it at
# docs/screenshots to refresh the committed ones.
SCREENSHOTS = Path(os.environ.get("MELDPUNT_SCREENSHOTS_DIR", ROOT / "var" / "screenshots"))


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    message = (
        f"BROWSER TESTS NOT RUN: {CHROMIUM} is missing (apt-get install chromium; "
        "make test does this when it runs as root)"
    )
    if os.environ.get("MELDPUNT_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


class Session:
    """A browser tab of one user, with helpers for what every journey checks."""

    def __init__(self, chromium, base_url: str, *, viewport=DESKTOP, language: str = "nl"):
        self.base_url = base_url
        self.language = language
        self.context = chromium.new_context(
            viewport=viewport, locale="nl-NL" if language == "nl" else "en-GB"
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.axe_checked: list[str] = []

    def sign_in(self, user) -> Session:
        """Sign in as after password + TOTP (the real log-in is driven in the keyboard test)."""
        client = mfa_client(user)
        self.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": self.base_url,
                }
            ]
        )
        if self.language != "nl":
            self.context.add_cookies(
                [
                    {
                        "name": settings.LANGUAGE_COOKIE_NAME,
                        "value": self.language,
                        "url": self.base_url,
                    }
                ]
            )
        return self

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status < 400, (path, response and response.status)
        return response

    def check(self, state: str) -> None:
        """axe-core at WCAG 2.1 A and AA on the page as it is now; on English pages also no
        Dutch interface text outside elements marked lang="nl"."""
        from axe_playwright_python.sync_playwright import Axe

        result = Axe().run(self.page, options={"runOnly": {"type": "tag", "values": WCAG}})
        assert result.violations_count == 0, f"{state}: {result.generate_report()}"
        if self.language == "en":
            dutch = dutch_texts(self.page)
            assert not dutch, f"{state}: Dutch text on an English page: {dutch[:10]}"
        self.axe_checked.append(state)

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


@cache
def _dutch_interface_strings() -> frozenset[str]:
    """The interface's Dutch strings that have a different English translation."""
    catalogue = polib.pofile(str(ROOT / "src/meldpunt/locale/en/LC_MESSAGES/django.po"))
    strings = set()
    for entry in catalogue:
        if entry.obsolete or not entry.msgstr or entry.msgstr == entry.msgid:
            continue
        if "%(" in entry.msgid or "{" in entry.msgid:
            # a text with placeholders: its fixed part before the first placeholder
            head = re.split(r"%\(|\{", entry.msgid, maxsplit=1)[0].strip()
            if len(head) >= 12:
                strings.add(head)
            continue
        strings.add(entry.msgid.strip())
    return frozenset(s for s in strings if len(s) >= 4)


_TEXTS_JS = """
() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || el.closest('[lang="nl"], script, style, template, [hidden]')) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], input[type=submit][value]')) {
    if (el.closest('[lang="nl"]')) continue;
    for (const a of ['placeholder', 'aria-label', 'title', 'value']) {
      if (el.getAttribute(a) && (a !== 'value' || el.type === 'submit')) out.push(el.getAttribute(a).trim());
    }
  }
  return out;
}
"""


def dutch_texts(page) -> list[str]:
    """Visible texts of the page (outside lang="nl") that are untranslated Dutch interface text."""
    dutch = _dutch_interface_strings()
    found = []
    for text in page.evaluate(_TEXTS_JS):
        cleaned = text.strip(" :*()")
        if cleaned in dutch or any(text.startswith(s) for s in dutch if len(s) >= 12):
            found.append(text)
    return found
