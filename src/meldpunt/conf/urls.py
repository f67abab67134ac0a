from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from meldpunt.cases.api import SignalFeedbackView
from meldpunt.cases.case_api import (
    AttemptCollection,
    CaseAssign,
    CaseClose,
    CaseCollection,
    CaseDetail,
    DeploymentCollection,
    DeploymentEnd,
    EventCollection,
)
from meldpunt.cases.income_api import (
    ArrangementChangeView,
    ArrangementDetailView,
    ArrangementEndView,
)
from meldpunt.core import views as core_views
from meldpunt.core.api import UnknownApiPath
from meldpunt.intake.api import SignalCollection, SignalDetail, SignalSearch
from meldpunt.organisations.api import OrganisationList
from meldpunt.reporting.api import DdasDeliveryView, KpiView
from meldpunt.reporting.ddas import views as ddas_views
from meldpunt.safeguards.api import CheckCreateView, SignalOutcomesView, VerificationView
from meldpunt.webhooks.api import WebhookCollection, WebhookDetail

# Path parameters are camelCase (NL API Design Rules); the views take them under these names.
api_v1 = [
    path("organisaties", OrganisationList.as_view(), name="organisation-list"),
    path("signalen", SignalCollection.as_view(), name="signal-collection"),
    path("signalen/_zoek", SignalSearch.as_view(), name="signal-search"),
    path("signalen/<uuid:signaalId>", SignalDetail.as_view(), name="signal-detail"),
    path(
        "signalen/<uuid:signaalId>/terugkoppeling",
        SignalFeedbackView.as_view(),
        name="signal-feedback",
    ),
    path(
        "signalen/<uuid:signaalId>/toetsen/<slug:vraag>",
        CheckCreateView.as_view(),
        name="safeguard-check",
    ),
    path(
        "signalen/<uuid:signaalId>/uitkomsten",
        SignalOutcomesView.as_view(),
        name="signal-outcomes",
    ),
    path("zaken", CaseCollection.as_view(), name="case-collection"),
    path("zaken/<uuid:zaakId>", CaseDetail.as_view(), name="case-detail"),
    path("zaken/<uuid:zaakId>/contactpogingen", AttemptCollection.as_view(), name="case-attempts"),
    path(
        "zaken/<uuid:zaakId>/instrumenten", DeploymentCollection.as_view(), name="case-deployments"
    ),
    path(
        "zaken/<uuid:zaakId>/instrumenten/<uuid:inzetId>/beeindiging",
        DeploymentEnd.as_view(),
        name="case-deployment-end",
    ),
    path("zaken/<uuid:zaakId>/gebeurtenissen", EventCollection.as_view(), name="case-events"),
    path("zaken/<uuid:zaakId>/afsluiting", CaseClose.as_view(), name="case-close"),
    path("zaken/<uuid:zaakId>/toewijzing", CaseAssign.as_view(), name="case-assign"),
    path(
        "zaken/<uuid:zaakId>/geregelde-betaling",
        ArrangementDetailView.as_view(),
        name="arrangement-detail",
    ),
    path(
        "zaken/<uuid:zaakId>/geregelde-betaling/wijziging",
        ArrangementChangeView.as_view(),
        name="arrangement-change",
    ),
    path(
        "zaken/<uuid:zaakId>/geregelde-betaling/beeindiging",
        ArrangementEndView.as_view(),
        name="arrangement-end",
    ),
    path("ddas-leveringen/<str:maand>", DdasDeliveryView.as_view(), name="ddas-delivery"),
    path("kerncijfers", KpiView.as_view(), name="kpis"),
    path("verificaties/<str:code>", VerificationView.as_view(), name="verification"),
    path("webhooks", WebhookCollection.as_view(), name="webhook-collection"),
    path("webhooks/<uuid:webhookId>", WebhookDetail.as_view(), name="webhook-detail"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("gezondheid", core_views.health, name="health"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api-v1")),
    # DDAS v1.2 collection by CBS, behind the FSC Inway (docs/ddas.md); its contract is
    # DDAS-VS.yaml, not this product's OpenAPI document.
    path("ddas/v1/gegevens", ddas_views.gegevens, name="ddas-gegevens"),
    # Last of the API: every other path under /api/ answers a problem+json 404.
    re_path(r"^api(?:/.*)?$", UnknownApiPath.as_view(), name="api-unknown"),
    path("", include("meldpunt.accounts.urls")),
    path("", include("meldpunt.intake.urls")),
    path("", include("meldpunt.cases.urls")),
    path("", include("meldpunt.organisations.urls")),
    path("", include("meldpunt.safeguards.urls")),
    path("", include("meldpunt.privacy.urls")),
    path("", include("meldpunt.dataprotection.urls")),
    path("", include("meldpunt.reporting.urls")),
    path("", include("meldpunt.webhooks.urls")),
]

handler400 = "meldpunt.core.views.bad_request"
handler403 = "meldpunt.core.views.permission_denied"
handler404 = "meldpunt.core.views.page_not_found"
handler500 = "meldpunt.core.views.server_error"
