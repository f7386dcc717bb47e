"""A URLconf where another app serves the customer Routing tab and carrier Rate Cards tab."""

from django.http import HttpResponse
from django.urls import include, path


def stub(request, pk):
    return HttpResponse("")


routing = ([path("customers/<int:pk>/routing/", stub, name="customer_routing")], "routing")
ratecards = ([path("carriers/<int:pk>/cards/", stub, name="carrier_cards")], "ratecards")

urlpatterns = [
    path("customers/", include("customers.urls")),
    path("carriers/", include("carriers.urls")),
    path("routing/", include(routing)),
    path("ratecards/", include(ratecards)),
]
