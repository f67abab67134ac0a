# syntax=docker/dockerfile:1
# Meldpunt's container image: a build stage with compilers and npm, and a final stage with only
# what runs (no compilers, no npm, no source checkout), as a user without privileges.
# docs/operations.md explains it; tests/test_deploy_files.py checks this file (and hadolint).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
# Debian's packages as the base image's release has them (pinned by the base image).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY requirements.lock ./
RUN python -m venv /opt/meldpunt/venv \
    && /opt/meldpunt/venv/bin/pip install -r requirements.lock
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error
COPY pyproject.toml README.md ./
COPY src ./src
# Static files (NL Design System CSS, htmx) are collected and compressed here, once; the final
# image serves them with whitenoise and needs no node_modules. The keys are throw-away values:
# collectstatic reads no data and decrypts nothing.
RUN /opt/meldpunt/venv/bin/pip install --no-deps . \
    && DJANGO_SETTINGS_MODULE=meldpunt.conf.production \
    MELDPUNT_ENV_FILE=/nonexistent \
    DJANGO_SECRET_KEY=build-only-not-a-secret \
    MELDPUNT_ENCRYPTION_KEYS=build:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    MELDPUNT_ENCRYPTION_ACTIVE_KEY=build \
    MELDPUNT_BLIND_INDEX_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    MELDPUNT_NODE_MODULES=/src/node_modules \
    MELDPUNT_STATIC_ROOT=/opt/meldpunt/static \
    /opt/meldpunt/venv/bin/meldpunt collectstatic --noinput -v0

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="Meldpunt" \
      org.opencontainers.image.licenses="EUPL-1.2"
# Runtime libraries only: Pango and HarfBuzz for WeasyPrint's PDFs, and a font.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/meldpunt --create-home \
        --shell /usr/sbin/nologin meldpunt
COPY --from=build /opt/meldpunt /opt/meldpunt
ENV PATH=/opt/meldpunt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=meldpunt.conf.production \
    MELDPUNT_ENV_FILE=/etc/meldpunt/env \
    MELDPUNT_STATIC_ROOT=/opt/meldpunt/static \
    MELDPUNT_MEDIA_ROOT=/var/lib/meldpunt/media \
    MELDPUNT_BIND=0.0.0.0:8000
# The numeric id, so the platform can check it is not root without reading /etc/passwd.
USER 10001:10001
WORKDIR /var/lib/meldpunt
VOLUME ["/var/lib/meldpunt"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
# The worker runs the same image with: meldpunt run-worker --no-reload
CMD ["gunicorn", "--config", "python:meldpunt.conf.gunicorn"]
