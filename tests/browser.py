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
from django.db import connections

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
    # The test settings serve static files from STATIC_ROOT only (no finders, for speed): the
    # browser needs the real CSS and scripts, so collect them once, before the live server starts.
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)
    # The sync API runs each test in a greenlet with its own context, and django.db.connections
    # is context-local: inside it, the connections are new wrappers that lack the database
    # snapshot pytest-django took after migrating (_test_serialized_contents). Without it,
    # serialized_rollback restores nothing and the flush after a live-server test loses what the
    # migrations seeded (the default letter templates). Carry the snapshot over.
    snapshots = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    with sync_playwright() as playwright:
        for alias, contents in snapshots.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


class Session:
    """A browser tab of one user, with helpers for what every journey checks."""

    def __init__(
        self,
        chromium,
        base_url: str,
        *,
        viewport=DESKTOP,
        language: str = "nl",
        keyboard: bool = False,
    ):
        self.base_url = base_url
        self.language = language
        # Keyboard only: every click and fill below reaches its element with Tab (no mouse, no
        # programmatic focus) and operates it with Enter, Space or typing.
        self.keyboard = keyboard
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

    # -- acting as the user: by mouse, or by keys only ---------------------------------------

    def tab_to(self, locator, limit: int = 600) -> None:
        """Press Tab until the element has focus; fails when Tab never reaches it."""
        handle = locator.element_handle()
        for _ in range(limit):
            if self.page.evaluate("el => el === document.activeElement", handle):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"not reachable with the Tab key: {locator}")

    def _tab_until(self, predicate: str, what, limit: int = 600) -> None:
        for _ in range(limit):
            if self.page.evaluate(f"({predicate})(document.activeElement)"):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"not reachable with the Tab key: {what}")

    def click(self, locator) -> None:
        """Follow a link or press a button (Enter); tick a checkbox or radio (Space)."""
        locator = locator.first
        if not self.keyboard:
            locator.click()
        else:
            self.tab_to(locator)
            kind = locator.evaluate("el => (el.getAttribute('type') || el.tagName).toLowerCase()")
            self.page.keyboard.press(
                "Space" if kind in ("checkbox", "radio", "summary") else "Enter"
            )

    def fill(self, locator, text: str) -> None:
        """Type into a field; a date field takes an ISO date (typed as the user would: d m y)."""
        locator = locator.first
        if not self.keyboard:
            locator.fill(text)
            return
        self.tab_to(locator)
        if locator.get_attribute("type") == "date":
            # the segments follow the browser's own date order (day first in Dutch, but
            # headless Chromium may put the month first): type, and retype in the other order
            year, month, day = text.split("-")
            self.page.keyboard.type(day + month + year)
            if locator.input_value() != text:
                self.page.keyboard.press("ArrowLeft")
                self.page.keyboard.press("ArrowLeft")
                self.page.keyboard.type(month + day + year)
            assert locator.input_value() == text, (locator.input_value(), text)
            return
        self.page.keyboard.press("ControlOrMeta+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)

    def check_box(self, locator) -> None:
        """Tick a checkbox or choose a radio button."""
        locator = locator.first
        if not self.keyboard:
            locator.check()
            return
        if locator.get_attribute("type") == "radio":
            # Tab enters a radio group once; the arrow keys move the choice within it
            group = locator.get_attribute("name")
            self._tab_until(f"el => el && el.type === 'radio' && el.name === {group!r}", locator)
            self.page.keyboard.press("Space")
            for _ in range(20):
                if locator.is_checked():
                    break
                self.page.keyboard.press("ArrowDown")
        else:
            self.tab_to(locator)
            if not locator.is_checked():
                self.page.keyboard.press("Space")
        assert locator.is_checked(), f"could not choose {locator} by keys"

    def choose(self, locator, label: str) -> None:
        """Pick an option of a select by its visible label."""
        locator = locator.first
        if not self.keyboard:
            locator.select_option(label=label)
            return
        self.tab_to(locator)
        # typing the start of an option's label selects it, as in every browser
        self.page.keyboard.type(label)
        chosen = locator.evaluate("el => el.options[el.selectedIndex].label")
        assert chosen.strip() == label, f"typing {label!r} chose {chosen!r}"

    def choose_first(self, locator) -> str:
        """Pick the first real option of a select (the one after the "— kies —" line)."""
        options = locator.first.locator("option")
        label = options.nth(
            1 if options.count() > 1 and not options.first.get_attribute("value") else 0
        )
        text = label.inner_text().strip()
        self.choose(locator, text)
        return text

    def upload(self, locator, path) -> None:
        locator = locator.first
        if not self.keyboard:
            locator.set_input_files(path)
            return
        # What the keyboard user needs from us is a file field that Tab reaches with a visible
        # focus; the dialog that Space opens is the browser's own. Intercepting that dialog
        # (expect_file_chooser) timed out now and then on a loaded machine while the field had
        # focus, so the file is set on the focused field instead.
        self.tab_to(locator)
        assert locator.evaluate("el => el.matches(':focus-visible')"), (
            "file field: no visible focus"
        )
        locator.set_input_files(path)

    def follow(self, locator) -> None:
        """Follow a link or press a submit button, and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.click(locator)
        self.page.wait_for_load_state()

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


@cache
def _dutch_interface_strings() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The interface's Dutch strings that have a different English translation: whole texts, the
    fixed heads of texts with placeholders, and the English texts (never counted as Dutch)."""
    catalogue = polib.pofile(str(ROOT / "src/meldpunt/locale/en/LC_MESSAGES/django.po"))
    whole, heads, english = set(), set(), set()
    for entry in catalogue:
        if entry.obsolete or not entry.msgstr or entry.msgstr == entry.msgid:
            continue
        english.add(entry.msgstr.strip())
        if "%(" in entry.msgid or "{" in entry.msgid:
            # a text with placeholders: its fixed part before the first placeholder
            head = re.split(r"%\(|\{", entry.msgid, maxsplit=1)[0].strip()
            if len(head) >= 12:
                heads.add(head)
            continue
        whole.add(entry.msgid.strip())
    return (
        frozenset(s for s in whole if len(s) >= 4),
        frozenset(heads),
        frozenset(english),
    )


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
    whole, heads, english = _dutch_interface_strings()
    found = []
    for text in page.evaluate(_TEXTS_JS):
        cleaned = text.strip(" :*()")
        if cleaned in english or text in english:
            continue
        if cleaned in whole or any(text.startswith(head) for head in heads):
            found.append(text)
    return found


@pytest.fixture
def open_session(chromium, live_server):
    """Opens browser tabs signed in as a user; closes them after the test."""
    sessions = []

    def open_(user, **kwargs) -> Session:
        session = Session(chromium, live_server.url, **kwargs).sign_in(user)
        sessions.append(session)
        return session

    yield open_
    for session in sessions:
        session.close()
