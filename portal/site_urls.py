"""The URLconf of a verified portal domain (chosen by connexcs.hosts): the brand's own pages only."""

from django.urls import include, path

from . import site_views

pages = [
    path("", site_views.LoginView.as_view(), name="login"),
    path("brand.css", site_views.brand_css, name="brand_css"),
    path("brand.js", site_views.brand_js, name="brand_js"),
    path("brand-logo", site_views.brand_logo, name="brand_logo"),
    path("healthz", site_views.healthz, name="healthz"),
]

urlpatterns = [path("", include((pages, "portal_site")))]
