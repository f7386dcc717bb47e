from django.urls import path

from . import views

app_name = "notices"

# Setup > Config > Templates
urlpatterns = [
    path("config/templates/", views.MessageTemplateListView.as_view(), name="template_list"),
    path("config/templates/<int:pk>/", views.MessageTemplateEditView.as_view(), name="template_edit"),
    path("config/templates/<int:pk>/reset/", views.MessageTemplateResetView.as_view(), name="template_reset"),
]
