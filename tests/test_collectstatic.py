"""``collectstatic`` passes under the production settings (issue #13).

It failed: a CSS file of the design tokens refers to an image the npm package does not ship, the
manifest storage of production refuses that, and without collected files every production page
is a 500 (core/staticfiles.py leaves the file out). Run as `make deploy-check` runs: a fresh
process, the production settings with their compressing manifest storage, generated keys.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys

from django.conf import settings


def _production_env(static_root: str) -> dict[str, str]:
    def key() -> str:
        return base64.b64encode(secrets.token_bytes(32)).decode()

    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MELDPUNT_"))}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "meldpunt.conf.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "meldpunt.example.nl",
        "MELDPUNT_ENCRYPTION_KEYS": f"k1:{key()}",
        "MELDPUNT_ENCRYPTION_ACTIVE_KEY": "k1",
        "MELDPUNT_BLIND_INDEX_KEY": key(),
        "MELDPUNT_ENV_FILE": "/nonexistent",
        "MELDPUNT_NODE_MODULES": str(settings.NODE_MODULES),
        "MELDPUNT_STATIC_ROOT": static_root,
    }


def test_collectstatic_passes_under_the_production_settings(tmp_path):
    static_root = tmp_path / "static"
    result = subprocess.run(
        [sys.executable, "-m", "meldpunt.cli", "collectstatic", "--noinput"],
        env=_production_env(str(static_root)),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    for name in (
        "meldpunt/meldpunt.css",
        "vendor/utrecht/index.css",
        "vendor/utrecht-tokens/index.css",
        "vendor/htmx/htmx.min.js",
    ):
        hashed = static_root / manifest[name]
        assert hashed.is_file() and hashed.stat().st_size > 0, name
        assert (static_root / (manifest[name] + ".gz")).is_file(), name  # served compressed
    # The design tokens' CSS that refers to images its package lacks is left out.
    vendor = {p.relative_to(static_root).as_posix() for p in (static_root / "vendor").rglob("*")}
    assert not any("background-image-icon" in path for path in vendor)
