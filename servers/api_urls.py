from django.urls import path

from .api import heartbeat_view, install_view

app_name = "servers_api"

urlpatterns = [
    path("heartbeat", heartbeat_view, name="heartbeat"),
    path("install/<str:token>", install_view, name="install"),
]
