from django.urls import path

from . import views

app_name = "cdr"

# Mounted at the site root: the CDR and Balance History tabs live under the customer's and carrier's URLs.
urlpatterns = [
    path("cdr/", views.CdrSearchView.as_view(), name="cdr_list"),
    path("cdr/export.csv", views.CdrExportView.as_view(), name="cdr_export"),
    path("reports/breakout/", views.BreakoutView.as_view(), name="breakout"),
    path("customers/<int:pk>/cdr/", views.CustomerCdrView.as_view(), name="customer_cdr"),
    path("customers/<int:pk>/summary/", views.CustomerSummaryView.as_view(), name="customer_summary"),
    path(
        "customers/<int:pk>/cdr/export.csv", views.CustomerCdrExportView.as_view(), name="customer_cdr_export"
    ),
    path(
        "customers/<int:pk>/balance-history/",
        views.BalanceHistoryView.as_view(),
        name="customer_balance_history",
    ),
    path("carriers/<int:pk>/cdr/", views.CarrierCdrView.as_view(), name="carrier_cdr"),
    path("carriers/<int:pk>/cdr/export.csv", views.CarrierCdrExportView.as_view(), name="carrier_cdr_export"),
]
