from django.urls import path

from . import views

app_name = "packages"

# Mounted at the site root: Setup > Config > Packages, and the customer page's Packages tab.
urlpatterns = [
    path("config/packages/", views.PackageListView.as_view(), name="package_list"),
    path("config/packages/add/", views.PackageEditView.as_view(), name="package_add"),
    path("config/packages/<int:pk>/edit/", views.PackageEditView.as_view(), name="package_edit"),
    path("config/packages/<int:pk>/delete/", views.PackageDeleteView.as_view(), name="package_delete"),
    path("customers/<int:pk>/packages/", views.CustomerPackagesView.as_view(), name="customer_packages"),
    path(
        "customers/<int:customer_pk>/packages/assign/",
        views.CustomerPackageAssignView.as_view(),
        name="customer_package_assign",
    ),
    path(
        "customers/<int:customer_pk>/packages/<int:pk>/remove/",
        views.CustomerPackageRemoveView.as_view(),
        name="customer_package_remove",
    ),
]
