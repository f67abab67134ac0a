"""The import command's start-up (docs/adr/0121-intake-ratio.md): each file an operator imports
pays it once, so it counts in the rows per second of every import. Loading the apps must not
load what only other work needs: the API framework and its schema generator (the API's views
load them), the HTTP client (the BRP adapter when selected, the webhook sender), the DDAS
signing code (its checks), the ``holidays`` package's calendars of every country (a deadline
that passes a day that may be a holiday)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

LOADED = """
import json, sys
import django
django.setup()
from django.core.management import load_command_class
load_command_class("meldpunt.intake", "import-signalen")
HEAVY = ("rest_framework.fields", "drf_spectacular.plumbing", "httpx", "requests",
         "cryptography.x509", "meldpunt.reporting.ddas.signing",
         "meldpunt.registries.haalcentraal", "holidays")
print(json.dumps([m for m in HEAVY if m in sys.modules]))
"""


def test_the_import_command_starts_without_what_only_other_work_needs():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="meldpunt.conf.test")
    out = subprocess.run([sys.executable, "-c", LOADED], env=env, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    assert json.loads(out.strip().splitlines()[-1]) == []
