"""Request parsing for the API."""

from __future__ import annotations

from rest_framework import exceptions


class PayloadTooLarge(exceptions.APIException):
    """413; defined here, not in core.api, because DRF imports parsers while it loads views."""

    status_code = 413
    default_detail = "Het verzoek is te groot."
    default_code = "too_large"
