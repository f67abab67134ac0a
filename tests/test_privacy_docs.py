"""docs/privacy.md stays consistent with the code: every test it names exists (issue #5)."""

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = re.compile(r"tests/(test_\w+\.py)::(test_\w+)")


def test_every_test_named_in_privacy_md_exists():
    text = (ROOT / "docs" / "privacy.md").read_text()
    references = set(REFERENCE.findall(text))
    assert len(references) >= 30
    missing = [
        f"{module}::{name}"
        for module, name in sorted(references)
        if not re.search(rf"^def {name}\(", (ROOT / "tests" / module).read_text(), re.MULTILINE)
    ]
    assert not missing, missing


def test_the_documented_commands_exist():
    commands = get_commands()
    operators = (ROOT / "docs" / "operators.md").read_text()
    for command in ("verify-processing-log", "rotate-keys"):
        assert commands.get(command) == "meldpunt.privacy"
        assert f"meldpunt {command}" in operators
    assert "## Sleutelrotatie" in operators
