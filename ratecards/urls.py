from django.urls import path

from . import views
from .models import BuildJob, ImportJob

app_name = "ratecards"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("carrier/<int:pk>/", views.CarrierCardsView.as_view(), name="carrier_cards"),
    path("provider/add/", views.ProviderCardEditView.as_view(), name="provider_add"),
    path("provider/<int:pk>/", views.ProviderCardDetailView.as_view(), name="provider_detail"),
    path("provider/<int:pk>/edit/", views.ProviderCardEditView.as_view(), name="provider_edit"),
    path("provider/<int:pk>/draft/", views.DraftCreateView.as_view(), name="draft_create"),
    path("provider/<int:pk>/draft/new-row/", views.RowNewView.as_view(), name="row_new"),
    path("provider/<int:pk>/draft/rows/", views.RowAddView.as_view(), name="row_add"),
    path("provider/<int:pk>/draft/save/", views.DraftSaveView.as_view(), name="draft_save"),
    path("provider/<int:pk>/upload/", views.UploadView.as_view(), name="provider_upload"),
    path("provider/<int:pk>/revisions/", views.RevisionListView.as_view(), name="provider_revisions"),
    path("rows/<int:pk>/", views.RowEditView.as_view(), name="row_edit"),
    path("rows/<int:pk>/view/", views.RowView.as_view(), name="row_detail"),
    path("rows/<int:pk>/delete/", views.RowDeleteView.as_view(), name="row_delete"),
    path("revisions/<int:pk>/diff/", views.RevisionDiffView.as_view(), name="revision_diff"),
    path(
        "revisions/<int:pk>/download/<str:fmt>/",
        views.RevisionDownloadView.as_view(),
        name="revision_download",
    ),
    path("revisions/<int:pk>/rollback/", views.RevisionRollbackView.as_view(), name="revision_rollback"),
    path("imports/<int:pk>/", views.ImportJobView.as_view(), name="import_job"),
    path(
        "imports/<int:pk>/cancel/",
        views.JobCancelView.as_view(
            queryset=ImportJob.objects.all(), success_url_name="ratecards:import_job"
        ),
        name="import_cancel",
    ),
    path("customer/add/", views.CustomerCardEditView.as_view(), name="customer_add"),
    path("customer/build-stale/", views.BuildStaleView.as_view(), name="build_stale"),
    path("customer/<int:pk>/", views.CustomerTabView.as_view(), name="customer_detail"),
    path("customer/<int:pk>/edit/", views.CustomerCardEditView.as_view(), name="customer_edit"),
    path("customer/<int:pk>/profits/", views.CustomerProfitsView.as_view(), name="customer_profits"),
    path("customer/<int:pk>/revisions/", views.CustomerRevisionsView.as_view(), name="customer_revisions"),
    path("customer/<int:card_pk>/profits/add/", views.ProfitRuleAddView.as_view(), name="profit_add"),
    path("profits/<int:pk>/", views.ProfitRuleEditView.as_view(), name="profit_edit"),
    path("profits/<int:pk>/delete/", views.ProfitRuleDeleteView.as_view(), name="profit_delete"),
    path("customer/<int:pk>/build/", views.BuildView.as_view(), name="customer_build"),
    path("builds/<int:pk>/", views.BuildJobView.as_view(), name="build_job"),
    path(
        "builds/<int:pk>/cancel/",
        views.JobCancelView.as_view(queryset=BuildJob.objects.all(), success_url_name="ratecards:build_job"),
        name="build_cancel",
    ),
    path("exchange-rates/", views.ExchangeRateListView.as_view(), name="exchange_rates"),
    path("exchange-rates/add/", views.ExchangeRateEditView.as_view(), name="exchange_rate_add"),
    path("exchange-rates/<int:pk>/", views.ExchangeRateEditView.as_view(), name="exchange_rate_edit"),
]
