"""Documents as PDF (WeasyPrint) and QR codes as SVG, for letters and the verklaring.

A PDF is made from the rendered HTML alone: no base URL, so WeasyPrint fetches nothing (no
file, no network) and a template can never pull in something outside the document. Images
come in as data: URIs, which WeasyPrint reads without fetching.
"""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG data: URI (vector, so it prints sharp at any size)."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def html_to_pdf(html: str) -> bytes:
    """The PDF of one HTML document; only data: URIs are read, nothing else is fetched."""
    from weasyprint import HTML  # loads Pango: only when a PDF is made
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
