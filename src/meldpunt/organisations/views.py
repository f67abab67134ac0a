"""Functioneel beheer: the routing table (district → provider, postcode exceptions)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .forms import DistrictProviderForm, PostcodeExceptionForm
from .models import District, PostcodeException
from .services import district_assign_provider, postcode_exception_delete, postcode_exception_set


def _apply(form, action) -> bool:
    try:
        action()
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    return True


@login_required
@permission_required("organisations.manage_configuration", raise_exception=True)
def routing(request: HttpRequest) -> HttpResponse:
    """Functioneel beheer: the routing table of the user's own municipalities only."""
    mine = request.user.organisation.municipality_ids()
    district_form = DistrictProviderForm(
        request.POST if "district-submit" in request.POST else None, prefix="d",
        municipality_ids=mine,
    )  # fmt: skip
    exception_form = PostcodeExceptionForm(
        request.POST if "exception-submit" in request.POST else None, prefix="u",
        municipality_ids=mine,
    )  # fmt: skip
    if request.method == "POST":
        if district_form.is_bound and district_form.is_valid():
            data = district_form.cleaned_data
            if _apply(
                district_form,
                lambda: district_assign_provider(
                    district=data["district"], provider=data["provider"], by=request.user
                ),
            ):
                messages.success(request, "De uitvoerder van het stadsdeel is gewijzigd.")
                return redirect("organisations:routing")
        elif exception_form.is_bound and exception_form.is_valid():
            data = exception_form.cleaned_data
            if _apply(exception_form, lambda: postcode_exception_set(by=request.user, **data)):
                messages.success(request, "De postcode-uitzondering is opgeslagen.")
                return redirect("organisations:routing")
    context = {
        "districts": District.objects.filter(municipality_id__in=mine)
        .select_related("provider", "municipality")
        .prefetch_related("ranges"),
        "exceptions": PostcodeException.objects.filter(district__municipality_id__in=mine)
        .select_related("district")
        .order_by("postcode"),
        "district_form": district_form,
        "exception_form": exception_form,
    }
    status = 400 if (district_form.errors or exception_form.errors) else 200
    return render(request, "organisations/routing.html", context, status=status)


@login_required
@permission_required("organisations.manage_configuration", raise_exception=True)
@require_POST
def exception_delete(request: HttpRequest, pk: int) -> HttpResponse:
    postcode_exception_delete(
        exception=get_object_or_404(
            PostcodeException.objects.filter(
                district__municipality_id__in=request.user.organisation.municipality_ids()
            ),
            pk=pk,
        ),
        by=request.user,
    )
    messages.success(request, "De postcode-uitzondering is verwijderd.")
    return redirect("organisations:routing")
