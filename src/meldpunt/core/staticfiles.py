"""Django's staticfiles app leaving out the npm packages' files a browser never loads."""

from django.contrib.staticfiles.apps import StaticFilesConfig


class MeldpuntStaticFilesConfig(StaticFilesConfig):
    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        # @utrecht/design-tokens ships background-image-icon.css pointing at SVG files the
        # package does not contain; the manifest storage then refuses the whole collectstatic
        # (found by tests/test_deploy_files.py). Meldpunt does not use that file.
        "background-image-icon.css",
        # Build-tool formats of the design tokens (15 MB that whitenoise would compress at
        # every image build) and the module variants of htmx; the pages load index.css,
        # htmx.min.js and Meldpunt's own files only.
        "*.json",
        "*.cjs",
        "*.mjs",
        "*.d.ts",
        "*.scss",
        "*.less",
        "*prince-xml.css",
        "htmx.amd.js",
        "htmx.cjs.js",
        "htmx.esm.js",
    ]
