"""Screens of the Sluitende Aanpak: a landlord asks a check about its own tenant, prints the
verklaring; anyone verifies a code at /verificatie/<code> without seeing personal data."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from meldpunt.core.pdf import html_to_pdf, qr_data_uri
from meldpunt.core.throttling import VerificationThrottle, seconds_to_wait
from meldpunt.privacy.services import processing_log_record

from .forms import RuleConfigForm, VerifyForm
from .models import Attestation, RuleConfig, SafeguardCheck
from .services import (
    attestation_revoke,
    attestation_verify,
    normalise_code,
    rule_config_change,
)


def _own_check(request: HttpRequest, public_id, name: str) -> SafeguardCheck:
    check = get_object_or_404(
        SafeguardCheck.objects.for_user(request.user).select_related(
            "organisation", "tenancy", "municipality"
        ),
        public_id=public_id,
    )
    processing_log_record(
        actor=request.user,
        activity="sluitende-aanpak",
        action="read",
        name=name,
        subject_id=check.subject_id,
        object_type="safeguard_check",
        object_id=check.public_id,
        fields=["outcome", "listed"],
    )
    return check


@login_required
def check_detail(request: HttpRequest, public_id) -> HttpResponse:
    check = _own_check(request, public_id, "safeguard.view")
    attestation = Attestation.objects.filter(check_record=check).first()
    return render(
        request, "safeguards/check_detail.html", {"check": check, "attestation": attestation}
    )


@login_required
def attestation_detail(request: HttpRequest, public_id) -> HttpResponse:
    """The printable verklaring: instruments and dates; no notes, no amounts."""
    check = _own_check(request, public_id, "safeguard.attestation")
    attestation = get_object_or_404(Attestation, check_record=check, revoked_at__isnull=True)
    verify_url = request.build_absolute_uri(
        reverse("safeguards:verify", kwargs={"code": attestation.code})
    )
    return render(
        request,
        "safeguards/attestation.html",
        {"check": check, "attestation": attestation, "verify_url": verify_url},
    )


def attestation_document_html(request: HttpRequest, check: SafeguardCheck, attestation) -> str:
    """The verklaring as a document: the municipality's letterhead and a QR code that opens its
    verification page (the same URL as printed under it)."""
    verify_url = request.build_absolute_uri(
        reverse("safeguards:verify", kwargs={"code": attestation.code})
    )
    return render_to_string(
        "safeguards/attestation_pdf.html",
        {
            "check": check,
            "attestation": attestation,
            "verify_url": verify_url,
            "qr": qr_data_uri(verify_url),
            "municipality": check.municipality,
        },
        request=request,
    )


@login_required
def attestation_pdf(request: HttpRequest, public_id) -> HttpResponse:
    """The verklaring as a PDF to hand to a bailiff or court."""
    check = _own_check(request, public_id, "safeguard.attestation.pdf")
    attestation = get_object_or_404(Attestation, check_record=check, revoked_at__isnull=True)
    pdf = html_to_pdf(attestation_document_html(request, check, attestation))
    response = HttpResponse(pdf, content_type="application/pdf")
    # The code, not the reference or name: a file name travels in mail and download folders.
    response["Content-Disposition"] = f'attachment; filename="verklaring-{attestation.code}.pdf"'
    return response


@login_required
def attestation_revoke_view(request: HttpRequest, public_id) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    check = _own_check(request, public_id, "safeguard.revoke")
    attestation = get_object_or_404(Attestation, check_record=check)
    try:
        attestation_revoke(
            attestation_id=attestation.pk, by=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "De verklaring is ingetrokken.")
    return redirect("safeguards:check-detail", public_id=check.public_id)


def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Public: is this verklaring genuine? Shows no personal data; never needs a login."""
    if not code and request.GET.get("code"):
        cleaned = normalise_code(request.GET["code"][:60])
        if cleaned:
            return redirect("safeguards:verify", code=cleaned)
    if code:
        wait = seconds_to_wait(request, VerificationThrottle)
        if wait is not None:
            response = render(request, "429.html", {"wait": wait}, status=429)
            response["Retry-After"] = str(wait)
            return response
    attestation = attestation_verify(code) if code else None
    status = 200 if attestation or not code else 404
    return render(
        request,
        "safeguards/verify.html",
        {"code": code, "attestation": attestation, "form": VerifyForm()},
        status=status,
    )


@login_required
def rule_config(request: HttpRequest) -> HttpResponse:
    """Functioneel beheer: the numbers of the rules, with the history of changes."""
    if not request.user.has_perm("organisations.manage_configuration"):
        raise PermissionDenied
    history = RuleConfig.objects.select_related("changed_by")[:20]
    current = history[0] if history else RuleConfig()
    form = RuleConfigForm(request.POST if request.method == "POST" else None, instance=None,
                          initial={f: getattr(current, f) for f in RuleConfigForm.Meta.fields})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        rule_config_change(
            by=request.user, values={f: form.cleaned_data[f] for f in RuleConfigForm.Meta.fields}
        )
        messages.success(request, "De instellingen zijn opgeslagen.")
        return redirect("safeguards:rule-config")
    return render(
        request,
        "safeguards/rule_config.html",
        {"form": form, "history": history},
        status=400 if form.errors else 200,
    )
