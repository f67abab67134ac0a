"""The organisation's own API clients: its admin (beheerder organisatie) makes and revokes them."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import ApiClientForm
from .models import ApiToken
from .scopes import SCOPES
from .services import api_token_create, api_token_revoke


def _own_tokens(request: HttpRequest):
    return (
        ApiToken.objects.filter(user__organisation_id=request.user.organisation_id)
        .select_related("created_by", "revoked_by")
        .order_by("-created_at", "-id")
    )


def _rows(tokens) -> list[dict]:
    now = timezone.now()
    return [
        {
            "token": token,
            "scopes": [str(SCOPES[s].label) for s in token.scopes if s in SCOPES],
            "state": (
                _("Ingetrokken")
                if token.revoked_at
                else _("Verlopen")
                if token.expires_at and token.expires_at <= now
                else _("Actief")
            ),
            "active": not token.revoked_at and not (token.expires_at and token.expires_at <= now),
        }
        for token in tokens
    ]


@login_required
@permission_required("accounts.manage_api_clients", raise_exception=True)
def api_clients(request: HttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    form = ApiClientForm(request.POST or None, organisation=organisation)
    new_key = None
    if request.method == "POST" and form.is_valid():
        end_of_day = datetime.combine(form.cleaned_data["valid_until"], time(23, 59, 59))
        try:
            _token, new_key = api_token_create(
                organisation=organisation,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=timezone.make_aware(end_of_day),
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # The key is shown on this answer only (never in a redirect, message or log).
            form = ApiClientForm(organisation=organisation)
    context = {"form": form, "rows": _rows(_own_tokens(request)), "new_key": new_key}
    return render(request, "accounts/api_clients.html", context, status=400 if form.errors else 200)


@login_required
@permission_required("accounts.manage_api_clients", raise_exception=True)
@require_POST
def api_client_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(_own_tokens(request), pk=pk)
    api_token_revoke(token=token, by=request.user)
    messages.success(request, _("De koppeling “%(name)s” is ingetrokken.") % {"name": token.name})
    return redirect("accounts:api-clients")
