from django.shortcuts import get_object_or_404
from django.urls import reverse
from django_tables2 import RequestConfig

from accounts.choices import Area
from connexcs.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView

from . import selectors, services
from .filters import CarrierFilterSet
from .forms import CarrierAddForm, CarrierForm, GatewayForm
from .models import Carrier, Gateway
from .tables import CarrierTable, GatewayTable


class CarrierArea:
    area = Area.CARRIER


class CarrierListView(CarrierArea, ObjectListView):
    selector = selectors.carrier_list
    table = CarrierTable
    filterset = CarrierFilterSet
    title = "Carriers"
    add_url_name = "carriers:carrier_add"
    add_label = "Add Carrier"


class CarrierAddView(CarrierArea, ObjectEditView):
    queryset = Carrier.objects.all()
    form = CarrierAddForm
    service = services.carrier_create
    title = "Add Carrier"
    success_message = "Carrier created."


class CarrierTabMixin:
    active_tab = "Main"
    template_name = "carriers/carrier_main.html"
    queryset = Carrier.objects.all()

    def get_breadcrumbs(self):
        return [("Carriers", reverse("carriers:carrier_list")), (str(self.object), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["carrier"] = self.object
        context["active_tab"] = self.active_tab
        return context


class CarrierDetailView(CarrierArea, CarrierTabMixin, ObjectDetailView):
    pass


class CarrierEditView(CarrierArea, CarrierTabMixin, ObjectEditView):
    form = CarrierForm
    service = services.carrier_update
    template_name = "carriers/carrier_edit.html"


class CarrierAuthView(CarrierArea, CarrierTabMixin, ObjectDetailView):
    active_tab = "Authentication"
    template_name = "carriers/carrier_auth.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = GatewayTable(self.object.gateways.all(), prefix="gw-")
        context["gateway_table"] = RequestConfig(self.request, paginate=False).configure(table)
        return context


class CarrierDeleteView(CarrierArea, ObjectDeleteView):
    queryset = Carrier.objects.all()
    service = services.carrier_delete
    delete_note = (
        "Its gateways are deleted with it. A carrier with provider rate cards cannot be deleted: "
        "set its status to Inactive instead."
    )
    success_url_name = "carriers:carrier_list"

    def get_breadcrumbs(self):
        return [
            ("Carriers", reverse("carriers:carrier_list")),
            (str(self.object), self.object.get_absolute_url()),
            ("Delete", None),
        ]


class GatewayAddView(CarrierArea, ObjectEditView):
    template_name = "carriers/gateway_edit.html"
    form = GatewayForm
    service = services.gateway_create
    title = "Add IP Authentication"
    success_message = "IP authentication saved."

    def get_carrier(self):
        if not hasattr(self, "_carrier"):
            self._carrier = get_object_or_404(Carrier, pk=self.kwargs["carrier_pk"])
        return self._carrier

    def get_queryset(self):
        return Gateway.objects.filter(carrier=self.get_carrier())

    def get_service_kwargs(self, form):
        data = super().get_service_kwargs(form)
        if self.object is None:
            data["carrier"] = self.get_carrier()
        return data

    def get_success_url(self):
        return reverse("carriers:carrier_auth", kwargs={"pk": self.get_carrier().pk})

    def get_breadcrumbs(self):
        carrier = self.get_carrier()
        return [
            ("Carriers", reverse("carriers:carrier_list")),
            (str(carrier), carrier.get_absolute_url()),
            (self.get_title(), None),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["carrier"] = self.get_carrier()
        context["active_tab"] = "Authentication"
        context["cancel_url"] = self.get_success_url()
        return context


class GatewayEditView(GatewayAddView):
    service = services.gateway_update


class GatewayDeleteView(CarrierArea, ObjectDeleteView):
    service = services.gateway_delete

    def get_queryset(self):
        return Gateway.objects.filter(carrier_id=self.kwargs["carrier_pk"])

    @property
    def success_url_name(self):
        return reverse("carriers:carrier_auth", kwargs={"pk": self.kwargs["carrier_pk"]})
