from django.urls import path

from .api import route_view

app_name = "api"

urlpatterns = [path("route", route_view, name="route")]
