from django.urls import path

from . import views

app_name = "certificates"

# Setup > Information > Certificate
urlpatterns = [
    path("setup/certificates/", views.CertificateListView.as_view(), name="certificate_list"),
    path("setup/certificates/add/", views.CertificateEditView.as_view(), name="certificate_add"),
    path("setup/certificates/<int:pk>/", views.CertificateEditView.as_view(), name="certificate_edit"),
    path(
        "setup/certificates/<int:pk>/delete/",
        views.CertificateDeleteView.as_view(),
        name="certificate_delete",
    ),
]
