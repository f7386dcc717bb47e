from django.urls import path

from . import views

app_name = "servers"

urlpatterns = [
    path("", views.ServerListView.as_view(), name="server_list"),
    path("add/", views.ServerDeployView.as_view(), name="server_add"),
    path("<int:pk>/", views.ServerDetailView.as_view(), name="server_detail"),
    path("<int:pk>/edit/", views.ServerEditView.as_view(), name="server_edit"),
    path("<int:pk>/config/", views.ServerConfigView.as_view(), name="server_config"),
    path("<int:pk>/reboot/", views.ServerRebootView.as_view(), name="server_reboot"),
    path("<int:pk>/redeploy/", views.ServerRedeployView.as_view(), name="server_redeploy"),
    path("<int:pk>/destroy/", views.ServerDestroyView.as_view(), name="server_destroy"),
    path("clusters/", views.ClusterListView.as_view(), name="cluster_list"),
    path("clusters/add/", views.ClusterAddView.as_view(), name="cluster_add"),
    path("providers/", views.ProviderListView.as_view(), name="provider_list"),
    path("providers/add/", views.ProviderAddView.as_view(), name="provider_add"),
    path("providers/<int:pk>/delete/", views.ProviderDeleteView.as_view(), name="provider_delete"),
    path("my/", views.MyServersView.as_view(), name="my_servers"),
]
