from django.urls import path

from .api import cdr_view

app_name = "cdr_api"

urlpatterns = [path("cdr", cdr_view, name="cdr")]
