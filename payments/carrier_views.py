"""Management > Carrier > Payments: money paid to and received from a carrier, and the balance.

Served from this app rather than carriers/ because the balance counts the carrier's call costs,
which the cdr app (a layer above carriers) writes.
"""

from accounts.choices import Area
from carriers import services as carrier_services
from carriers.filters import CarrierPaymentFilterSet
from carriers.forms import CarrierPaymentForm, CarrierPaymentVoidForm
from carriers.models import Carrier, CarrierPayment
from carriers.tables import CarrierPaymentTable
from connexcs.tabs import ViewTab
from connexcs.views import ObjectActionView, ObjectChildEditView, ObjectChildrenView

from . import selectors

TAB_GROUP = "carriers.carrier"  # carriers.views.TAB_GROUP


class CarrierPaymentRows:
    area = Area.CARRIER
    tab_group = TAB_GROUP
    queryset = CarrierPayment.objects.select_related("actor")
    parent_queryset = Carrier.objects.all()
    parent_field = "carrier"
    parent_context_name = "carrier"
    parent_list_label = "Carriers"
    parent_list_url_name = "carriers:carrier_list"


class CarrierPaymentListView(CarrierPaymentRows, ObjectChildrenView):
    tab = ViewTab("Payments", "payments:carrier_payments", weight=40)
    template_name = "payments/carrier_payments.html"
    table = CarrierPaymentTable
    filterset = CarrierPaymentFilterSet
    add_url_name = "payments:carrier_payment_add"
    add_url_kwarg = "carrier_pk"
    add_label = "Add Payment"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["balance"] = selectors.carrier_balance(carrier=self.parent)
        return context


class CarrierPaymentAddView(CarrierPaymentRows, ObjectChildEditView):
    template_name = "payments/carrier_payment_add.html"
    parent_url_kwarg = "carrier_pk"
    form = CarrierPaymentForm
    create_service = carrier_services.carrier_payment_create
    title = "Add Payment"
    active_tab = "Payments"
    success_url_name = "payments:carrier_payments"
    success_message = "Payment saved."
    already_saved_message = "This payment was already saved; it was not booked again."


class CarrierPaymentVoidView(ObjectActionView):
    area = Area.CARRIER
    queryset = CarrierPayment.objects.all()
    form_class = CarrierPaymentVoidForm
    service = carrier_services.carrier_payment_void
    success_message = "Payment void; it stays in the history."
    success_url_name = "payments:carrier_payments"

    def get_queryset(self):
        return self.queryset.filter(carrier_id=self.kwargs["carrier_pk"])

    def get_success_url_kwargs(self):
        return {"pk": self.kwargs["carrier_pk"]}
