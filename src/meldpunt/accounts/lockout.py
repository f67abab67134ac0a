"""Login lockout per address+account and per account (docs/adr/0101-hardening.md).

django-axes counts failures per (client address, account) and locks that pair at
AXES_FAILURE_LIMIT. On top of that this handler locks an account from everywhere once its
failures from all addresses together reach MELDPUNT_LOGIN_ACCOUNT_FAILURE_LIMIT, a much higher
number: guessing one password from many addresses stays bounded, while locking a known user
out takes that many failures from many addresses (a locked pair adds no more failures).
Failures for accounts that do not exist never touch another account.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum


def account_failures(request: Any, credentials: dict | None) -> int:
    """Failures for this request's account from every address within the cool-off time."""
    username = get_client_username(request, credentials)
    if not username:
        return 0
    total = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0


class LockoutHandler(AxesDatabaseHandler):
    def _account_locked(self, request: Any, credentials: dict | None) -> bool:
        return (
            account_failures(request, credentials) >= settings.MELDPUNT_LOGIN_ACCOUNT_FAILURE_LIMIT
        )

    def is_locked(self, request: Any, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or self._account_locked(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if (
            request is not None
            and not getattr(request, "axes_locked_out", False)
            and self._account_locked(request, credentials)
        ):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )
