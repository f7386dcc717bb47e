from django.urls import path

from . import views

app_name = "mailings"

# Management > Customer > Send, and what was sent
urlpatterns = [
    path("customers/send/", views.MailingSendView.as_view(), name="mailing_send"),
    path("customers/sent/", views.MailingListView.as_view(), name="mailing_list"),
    path("customers/sent/<int:pk>/", views.MailingDetailView.as_view(), name="mailing_detail"),
]
