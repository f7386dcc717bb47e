from accounts.choices import Area
from connexcs.bulk import ObjectBulkDeleteView, ObjectBulkEditView
from connexcs.paging import configure_table
from connexcs.tabs import ViewTab
from connexcs.views import (
    ObjectChildDeleteView,
    ObjectChildEditView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)

from . import selectors, services
from .filters import CarrierFilterSet
from .forms import CarrierAddForm, CarrierBulkEditForm, CarrierForm, GatewayForm
from .models import Carrier, Gateway
from .tables import CarrierTable, GatewayTable

TAB_GROUP = "carriers.carrier"


class CarrierArea:
    area = Area.CARRIER


class CarrierListView(CarrierArea, ObjectListView):
    selector = selectors.carrier_list
    table = CarrierTable
    filterset = CarrierFilterSet
    title = "Carriers"
    add_url_name = "carriers:carrier_add"
    add_label = "Add Carrier"
    bulk_edit_url_name = "carriers:carrier_bulk_edit"
    bulk_delete_url_name = "carriers:carrier_bulk_delete"


class CarrierAddView(CarrierArea, ObjectEditView):
    queryset = Carrier.objects.all()
    form = CarrierAddForm
    create_service = services.carrier_create
    title = "Add Carrier"
    success_message = "Carrier created."


class CarrierPage(CarrierArea):
    tab_group = TAB_GROUP
    queryset = Carrier.objects.all()
    template_name = "carriers/carrier_main.html"
    context_object_name = "carrier"
    list_label = "Carriers"
    list_url_name = "carriers:carrier_list"


class CarrierDetailView(CarrierPage, ObjectDetailView):
    tab = ViewTab("Main", "carriers:carrier_detail", weight=10)


class CarrierEditView(CarrierPage, ObjectEditView):
    form = CarrierForm
    update_service = services.carrier_update
    template_name = "carriers/carrier_edit.html"
    active_tab = "Main"

    def get_breadcrumbs(self):
        return ObjectDetailView.get_breadcrumbs(self)


class CarrierAuthView(CarrierPage, ObjectDetailView):
    tab = ViewTab("Authentication", "carriers:carrier_auth", weight=20)
    template_name = "carriers/carrier_auth.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = GatewayTable(self.object.gateways.all(), prefix="gw-")
        context["gateway_table"] = configure_table(self.request, table, per_page=None)
        return context


class CarrierDeleteView(CarrierArea, ObjectDeleteView):
    queryset = Carrier.objects.all()
    service = services.carrier_delete
    success_url_name = "carriers:carrier_list"
    list_label = "Carriers"
    delete_note = (
        "Its gateways are deleted with it. A carrier with provider rate cards cannot be deleted: "
        "set its status to Inactive instead."
    )


class GatewayRow(CarrierArea):
    tab_group = TAB_GROUP
    queryset = Gateway.objects.all()
    parent_queryset = Carrier.objects.all()
    parent_url_kwarg = "carrier_pk"
    parent_field = "carrier"
    parent_context_name = "carrier"
    parent_list_label = "Carriers"
    parent_list_url_name = "carriers:carrier_list"
    success_url_name = "carriers:carrier_auth"


class GatewayEditView(GatewayRow, ObjectChildEditView):
    template_name = "carriers/gateway_edit.html"
    form = GatewayForm
    create_service = services.gateway_create
    update_service = services.gateway_update
    title = "Add IP Authentication"
    active_tab = "Authentication"
    success_message = "IP authentication saved."


class GatewayDeleteView(GatewayRow, ObjectChildDeleteView):
    service = services.gateway_delete


class CarrierBulk(CarrierArea):
    selector = selectors.carrier_list
    items_kwarg = "carriers"
    noun = "carrier"
    list_url_name = "carriers:carrier_list"
    list_label = "Carriers"


class CarrierBulkEditView(CarrierBulk, ObjectBulkEditView):
    form = CarrierBulkEditForm
    create_service = services.carrier_bulk_update


class CarrierBulkDeleteView(CarrierBulk, ObjectBulkDeleteView):
    create_service = services.carrier_bulk_delete
    refusals = selectors.carrier_delete_refusals
    delete_note = "Their gateways are deleted with them."
