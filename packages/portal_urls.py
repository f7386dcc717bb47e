"""Packages on a brand's portal; included by portal.site_urls inside the portal_site namespace."""

from django.urls import path

from . import portal_views

urlpatterns = [path("", portal_views.PackagesView.as_view(), name="packages")]
