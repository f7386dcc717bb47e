from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.generic.detail import SingleObjectMixin
from django_tables2 import RequestConfig

from accounts.choices import Area
from connexcs.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView, StaffView

from . import selectors, services
from .filters import ContactFilterSet, CustomerFilterSet, PaymentFilterSet
from .forms import (
    ContactForm,
    CustomerAddForm,
    CustomerForm,
    IPAuthForm,
    PaymentForm,
    PaymentStatusForm,
    SIPUserEditForm,
    SIPUserForm,
)
from .models import Contact, Customer, IPAuth, Payment, SIPUser
from .tables import ContactTable, CustomerTable, IPAuthTable, PaymentTable, SIPUserTable


class CustomerArea:
    area = Area.CUSTOMER


class CustomerListView(CustomerArea, ObjectListView):
    selector = selectors.customer_list
    table = CustomerTable
    filterset = CustomerFilterSet
    title = "Customers"
    add_url_name = "customers:customer_add"
    add_label = "Add Customer"


class CustomerAddView(CustomerArea, ObjectEditView):
    queryset = Customer.objects.all()
    form = CustomerAddForm
    service = services.customer_create
    title = "Add Customer"
    success_message = "Customer created."


class CustomerTabMixin:
    """A tab of the customer page: header + tabs, breadcrumbs under Customers."""

    active_tab = "Main"
    template_name = "customers/customer_main.html"

    def get_queryset(self):
        return selectors.customer_list(actor=self.request.user)

    def get_breadcrumbs(self):
        return [("Customers", reverse("customers:customer_list")), (str(self.object), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["customer"] = self.object
        context["active_tab"] = self.active_tab
        return context


class CustomerDetailView(CustomerArea, CustomerTabMixin, ObjectDetailView):
    pass


class CustomerEditView(CustomerArea, CustomerTabMixin, ObjectEditView):
    form = CustomerForm
    service = services.customer_update
    template_name = "customers/customer_edit.html"

    def get_title(self):
        return f"Edit {self.object}"


class CustomerAuthView(CustomerArea, CustomerTabMixin, ObjectDetailView):
    active_tab = "Authentication"
    template_name = "customers/customer_auth.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        config = RequestConfig(self.request, paginate=False)
        context["ipauth_table"] = config.configure(IPAuthTable(self.object.ip_auths.all(), prefix="ip-"))
        context["sipuser_table"] = config.configure(SIPUserTable(self.object.sip_users.all(), prefix="sip-"))
        return context


class CustomerChildListView(CustomerArea, ObjectListView):
    """A list tab under one customer (payments, contacts)."""

    active_tab = ""
    template_name = "customers/customer_child_list.html"
    model = None
    add_url_name = None

    def get_customer(self):
        if not hasattr(self, "_customer"):
            self._customer = get_object_or_404(
                selectors.customer_list(actor=self.request.user), pk=self.kwargs["pk"]
            )
        return self._customer

    def get_queryset(self):
        return self.model.objects.filter(customer=self.get_customer())

    def get_title(self):
        return str(self.get_customer())

    def get_breadcrumbs(self):
        return [("Customers", reverse("customers:customer_list")), (str(self.get_customer()), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["customer"] = self.get_customer()
        context["active_tab"] = self.active_tab
        context["add_url"] = reverse(self.add_url_name, kwargs={"customer_pk": self.get_customer().pk})
        return context


class PaymentListView(CustomerChildListView):
    model = Payment
    table = PaymentTable
    filterset = PaymentFilterSet
    active_tab = "Payments"
    add_url_name = "customers:payment_add"
    add_label = "Add Payment"

    def get_queryset(self):
        return super().get_queryset().select_related("actor")


class ContactListView(CustomerChildListView):
    model = Contact
    table = ContactTable
    filterset = ContactFilterSet
    active_tab = "Contacts"
    add_url_name = "customers:contact_add"
    add_label = "Add Contact"


class CustomerChildEditView(CustomerArea, ObjectEditView):
    """Create or edit a row belonging to the customer in the URL, then go back to its tab."""

    template_name = "customers/customer_child_edit.html"
    active_tab = ""
    back_url_name = ""
    model = None

    def get_customer(self):
        if not hasattr(self, "_customer"):
            self._customer = get_object_or_404(Customer, pk=self.kwargs["customer_pk"])
        return self._customer

    def get_queryset(self):
        return self.model.objects.filter(customer=self.get_customer())

    def get_service_kwargs(self, form):
        data = super().get_service_kwargs(form)
        if self.object is None:
            data["customer"] = self.get_customer()
        return data

    def get_success_url(self):
        return reverse(self.back_url_name, kwargs={"pk": self.get_customer().pk})

    def get_breadcrumbs(self):
        customer = self.get_customer()
        return [
            ("Customers", reverse("customers:customer_list")),
            (str(customer), customer.get_absolute_url()),
            (self.get_title(), None),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["customer"] = self.get_customer()
        context["active_tab"] = self.active_tab
        context["cancel_url"] = self.get_success_url()
        return context


class IPAuthAddView(CustomerChildEditView):
    model = IPAuth
    form = IPAuthForm
    service = services.ipauth_create
    title = "Add IP Authentication"
    active_tab = "Authentication"
    back_url_name = "customers:customer_auth"
    success_message = "IP authentication saved."


class IPAuthEditView(IPAuthAddView):
    service = services.ipauth_update


class SIPUserAddView(CustomerChildEditView):
    model = SIPUser
    form = SIPUserForm
    service = services.sipuser_create
    title = "Add SIP User Authentication"
    active_tab = "Authentication"
    back_url_name = "customers:customer_auth"
    success_message = "SIP user saved."


class SIPUserEditView(SIPUserAddView):
    """Enable/disable and change the password; the username is the SIP identity and stays."""

    form = SIPUserEditForm
    service = services.sipuser_update

    def get_title(self):
        return f"Edit SIP User {self.object}"

    def get_initial(self):
        return {"enabled": self.object.enabled}


class SIPUserEnableView(CustomerArea, SingleObjectMixin, StaffView):
    """POST only: switch a SIP user on or off from the Authentication tab."""

    requires_write = True
    http_method_names = ["post"]

    def get_queryset(self):
        return SIPUser.objects.filter(customer_id=self.kwargs["customer_pk"])

    def post(self, request, *args, **kwargs):
        sipuser = self.get_object()
        enabled = request.POST.get("enabled") == "true"
        services.sipuser_set_enabled(actor=request.user, instance=sipuser, enabled=enabled)
        messages.success(request, f"SIP user {sipuser} {'enabled' if enabled else 'disabled'}.")
        return redirect("customers:customer_auth", pk=sipuser.customer_id)


class PaymentAddView(CustomerChildEditView):
    model = Payment
    form = PaymentForm
    service = services.payment_create
    title = "Add Payment"
    active_tab = "Payments"
    back_url_name = "customers:customer_payments"
    success_message = "Payment saved."


class ContactAddView(CustomerChildEditView):
    model = Contact
    form = ContactForm
    service = services.contact_create
    title = "Add Contact"
    active_tab = "Contacts"
    back_url_name = "customers:customer_contacts"
    success_message = "Contact saved."


class CustomerDeleteView(CustomerArea, ObjectDeleteView):
    success_url_name = "customers:customer_list"

    def get_queryset(self):
        return selectors.customer_list(actor=self.request.user)

    def get_breadcrumbs(self):
        return [
            ("Customers", reverse("customers:customer_list")),
            (str(self.object), self.object.get_absolute_url()),
            ("Delete", None),
        ]

    service = services.customer_delete
    delete_note = (
        "Its IP authentication, SIP users and contacts are deleted with it. A customer with payments "
        "or ingress routes cannot be deleted: set its status to Inactive instead."
    )


class CustomerChildDeleteView(CustomerArea, ObjectDeleteView):
    model = None
    back_url_name = ""

    def get_queryset(self):
        return self.model.objects.filter(customer_id=self.kwargs["customer_pk"])

    @property
    def success_url_name(self):
        return reverse(self.back_url_name, kwargs={"pk": self.kwargs["customer_pk"]})


class IPAuthDeleteView(CustomerChildDeleteView):
    model = IPAuth
    service = services.ipauth_delete
    back_url_name = "customers:customer_auth"


class SIPUserDeleteView(CustomerChildDeleteView):
    model = SIPUser
    service = services.sipuser_delete
    back_url_name = "customers:customer_auth"


class ContactDeleteView(CustomerChildDeleteView):
    model = Contact
    service = services.contact_delete
    back_url_name = "customers:customer_contacts"


class SIPUserRevealView(CustomerArea, SingleObjectMixin, StaffView):
    """POST only (htmx): show one SIP password once, and audit that it was shown."""

    requires_write = True
    http_method_names = ["post"]

    def get_queryset(self):
        return SIPUser.objects.filter(customer_id=self.kwargs["customer_pk"])

    def post(self, request, *args, **kwargs):
        sipuser = self.get_object()
        password = services.sipuser_reveal_password(actor=request.user, instance=sipuser)
        return TemplateResponse(
            request, "customers/inc/sipuser_revealed.html", {"record": sipuser, "password": password}
        )


class PaymentStatusView(CustomerArea, SingleObjectMixin, StaffView):
    """POST only: change a payment's status (the ledger follows)."""

    requires_write = True
    http_method_names = ["post"]

    def get_queryset(self):
        return Payment.objects.filter(customer_id=self.kwargs["customer_pk"])

    def post(self, request, *args, **kwargs):
        payment = self.get_object()
        form = PaymentStatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Status: choose a valid status.")
        else:
            try:
                services.payment_set_status(
                    actor=request.user, instance=payment, status=form.cleaned_data["status"]
                )
                messages.success(request, "Payment status changed.")
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, f"Status: {message}")
        return redirect("customers:customer_payments", pk=payment.customer_id)
