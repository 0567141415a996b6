from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # /sante/: the public health check of load balancers (core/health.py).
    path("", include("relogement.core.urls")),
    path("", include("relogement.accounts.urls")),
    path("", include("relogement.projects.urls")),
    path("menages/", include("relogement.households.urls")),
    path("menages/", include("relogement.documents.urls")),
    path("audit/", include("relogement.audit.urls")),
    path("rgpd/", include("relogement.dataprotection.urls")),
    path("offres/", include("relogement.offers.urls")),
    path("relogements/", include("relogement.rehousing.urls")),
    path("simulateur/", include("relogement.benefits.urls")),
    path("suivi/", include("relogement.followup.urls")),
    path("indicateurs/", include("relogement.indicators.urls")),
    path("echanges/", include("relogement.exchange.urls")),
    path("aide-decision/", include("relogement.matching.urls")),
    path("gouvernance/", include("relogement.governance.urls")),
    path("reclamations/", include("relogement.grievances.urls")),
    path("demandes/", include("relogement.requests.urls")),
    path("alertes/", include("relogement.alerts.urls")),
    path("api/", include("relogement.api.urls")),
    path("doublons/", include("relogement.duplicates.urls")),
]
