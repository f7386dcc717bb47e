from django.urls import path

from . import views

app_name = "routing"

urlpatterns = [
    path("", views.SimulatorView.as_view(), name="simulator"),
    path("customers/<int:pk>/", views.CustomerRoutingView.as_view(), name="customer_routing"),
    path("customers/<int:customer_pk>/add/", views.IngressRouteAddView.as_view(), name="ingress_route_add"),
    path("routes/<int:pk>/edit/", views.IngressRouteEditView.as_view(), name="ingress_route_edit"),
    path("routes/<int:pk>/delete/", views.IngressRouteDeleteView.as_view(), name="ingress_route_delete"),
    path("tokens/", views.ApiTokenListView.as_view(), name="token_list"),
    path("tokens/add/", views.ApiTokenAddView.as_view(), name="token_add"),
    path("tokens/<int:pk>/revoke/", views.ApiTokenRevokeView.as_view(), name="token_revoke"),
]
