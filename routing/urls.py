from django.urls import path

from . import views

app_name = "routing"

# Mounted at the site root: the customer's Routing tab lives under the customer's URL.
urlpatterns = [
    path("routing/", views.SimulatorView.as_view(), name="simulator"),
    path("customers/<int:pk>/routing/", views.CustomerRoutingView.as_view(), name="customer_routing"),
    path(
        "customers/<int:customer_pk>/routing/add/",
        views.IngressRouteEditView.as_view(),
        name="ingress_route_add",
    ),
    path(
        "customers/<int:customer_pk>/routing/<int:pk>/edit/",
        views.IngressRouteEditView.as_view(),
        name="ingress_route_edit",
    ),
    path(
        "customers/<int:customer_pk>/routing/<int:pk>/delete/",
        views.IngressRouteDeleteView.as_view(),
        name="ingress_route_delete",
    ),
    path("routing/tokens/", views.ApiTokenListView.as_view(), name="token_list"),
    path("routing/tokens/add/", views.ApiTokenAddView.as_view(), name="token_add"),
    path("routing/tokens/<int:pk>/revoke/", views.ApiTokenRevokeView.as_view(), name="token_revoke"),
]
