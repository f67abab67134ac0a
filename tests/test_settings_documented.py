"""Every environment variable the settings read is documented in .env.example (issue #13)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ = re.compile(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def test_every_setting_read_from_the_environment_is_in_env_example():
    conf = ROOT / "src" / "meldpunt" / "conf"
    names = set()
    for module in ("settings.py", "production.py"):
        names |= set(READ.findall((conf / module).read_text()))
    assert len(names) > 30
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    legacy = {"MELDPUNT_PROXY_COUNT"}  # read only to warn that it is gone (check W004)
    assert names - documented - legacy == set()
