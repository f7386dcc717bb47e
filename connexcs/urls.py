from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from .audit_views import AuditEventDetailView, AuditLogView
from .dashboard import DashboardView


def healthz(_request):
    return HttpResponse("ok", content_type="text/plain")


handler403 = "connexcs.errors.permission_denied"

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("healthz", healthz, name="healthz"),
    path("setup/audit-log/", AuditLogView.as_view(), name="audit_log"),
    path("setup/audit-log/<int:pk>/", AuditEventDetailView.as_view(), name="audit_event"),
    path("accounts/", include("accounts.urls")),
    path("customers/", include("customers.urls")),
    path("carriers/", include("carriers.urls")),
    path("ratecards/", include("ratecards.urls")),
    path("", include("routing.urls")),
    path("api/v1/", include("routing.api_urls")),
    path("api/v1/", include("cdr.api_urls")),
    path("", include("cdr.urls")),
    path("api/v1/servers/", include("servers.api_urls")),
    path("portal/", include("portal.urls")),
    path("servers/", include("servers.urls")),
    path("", include("payments.urls")),
    path("webhooks/", include("payments.webhook_urls")),
    path("", include("packages.urls")),
    path("", include("notices.urls")),
    path("", include("mailings.urls")),
    path("", include("certificates.urls")),
    path("django-admin/", admin.site.urls),
]
