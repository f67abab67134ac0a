"""Functioneel beheer configures the routing table; every change is recorded (issue #2, #3)."""

import pytest
from django.urls import reverse

from meldpunt.core.models import ConfigurationChange
from meldpunt.intake.services import signal_submit
from meldpunt.organisations.models import District, PostcodeException

from .conftest import signal_data

pytestmark = pytest.mark.django_db


def test_only_functioneel_beheer_may_configure_routing(clients):
    url = reverse("organisations:routing")
    assert clients["beheer"].get(url).status_code == 200
    for role in ("regie", "beleid", "eigen-haard", "centram", "privacy"):
        assert clients[role].get(url).status_code == 403


def test_district_provider_change_routes_new_signals(clients, covenant, users):
    westpoort = District.objects.get(name="Westpoort")
    response = clients["beheer"].post(
        reverse("organisations:routing"),
        {"d-district": westpoort.pk, "d-provider": covenant["dynamo"].pk, "district-submit": "1"},
    )
    assert response.status_code == 302
    case = signal_submit(
        partner=covenant["ymere"], submitted_by=None, raw=signal_data(postcode="1043 AB")
    ).case
    assert case.provider == covenant["dynamo"]
    change = ConfigurationChange.objects.get()
    assert change.by == users["beheer"] and change.new_value == "Dynamo"


def test_postcode_exception_add_and_remove(clients, covenant):
    noord = District.objects.get(name="Noord")
    url = reverse("organisations:routing")
    bad = clients["beheer"].post(
        url, {"u-postcode": "12", "u-district": noord.pk, "exception-submit": "1"}
    )
    assert bad.status_code == 400 and "Geen geldige postcode" in bad.content.decode()
    assert not PostcodeException.objects.exists()
    clients["beheer"].post(
        url,
        {
            "u-postcode": "1012 lg",
            "u-district": noord.pk,
            "u-reason": "grens",
            "exception-submit": "1",
        },
    )
    exception = PostcodeException.objects.get()
    assert exception.postcode == "1012LG"
    assert (
        signal_submit(partner=covenant["ymere"], submitted_by=None, raw=signal_data()).case.provider
        == covenant["doras"]
    )
    clients["beheer"].post(reverse("organisations:exception-delete", args=[exception.pk]))
    assert not PostcodeException.objects.exists()
    assert ConfigurationChange.objects.count() == 2
