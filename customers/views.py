from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.choices import Area
from connexcs.paging import configure_table
from connexcs.tabs import ViewTab
from connexcs.views import (
    ObjectActionView,
    ObjectChildDeleteView,
    ObjectChildEditView,
    ObjectChildrenView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)

from . import selectors, services
from .filters import ContactFilterSet, CustomerFilterSet, PaymentFilterSet
from .forms import (
    ContactForm,
    CustomerAddForm,
    CustomerBulkDeleteForm,
    CustomerBulkEditForm,
    CustomerForm,
    IPAuthForm,
    PaymentForm,
    PaymentStatusForm,
    SIPUserEditForm,
    SIPUserForm,
)
from .models import Contact, Customer, IPAuth, Payment, SIPUser
from .tables import ContactTable, CustomerTable, IPAuthTable, PaymentTable, SIPUserTable

TAB_GROUP = "customers.customer"


class CustomerArea:
    area = Area.CUSTOMER


class CustomerListView(CustomerArea, ObjectListView):
    template_name = "customers/customer_list.html"
    selector = selectors.customer_list
    table = CustomerTable
    filterset = CustomerFilterSet
    title = "Customers"
    add_url_name = "customers:customer_add"
    add_label = "Add Customer"


class CustomerAddView(CustomerArea, ObjectEditView):
    queryset = Customer.objects.all()
    form = CustomerAddForm
    create_service = services.customer_create
    title = "Add Customer"
    success_message = "Customer created."


class CustomerPage(CustomerArea):
    """A tab of the customer page: header + tabs, breadcrumbs under Customers."""

    tab_group = TAB_GROUP
    selector = selectors.customer_list
    template_name = "customers/customer_main.html"
    context_object_name = "customer"
    list_label = "Customers"
    list_url_name = "customers:customer_list"


class CustomerDetailView(CustomerPage, ObjectDetailView):
    tab = ViewTab("Main", "customers:customer_detail", weight=10)


class CustomerEditView(CustomerPage, ObjectEditView):
    form = CustomerForm
    update_service = services.customer_update
    template_name = "customers/customer_edit.html"
    active_tab = "Main"

    def get_breadcrumbs(self):
        return [("Customers", reverse(self.list_url_name)), (str(self.object), None)]


class CustomerAuthView(CustomerPage, ObjectDetailView):
    tab = ViewTab("Authentication", "customers:customer_auth", weight=20)
    template_name = "customers/customer_auth.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ipauths = IPAuthTable(self.object.ip_auths.all(), prefix="ip-")
        sipusers = SIPUserTable(self.object.sip_users.all(), prefix="sip-")
        context["ipauth_table"] = configure_table(self.request, ipauths, per_page=None)
        context["sipuser_table"] = configure_table(self.request, sipusers, per_page=None)
        return context


class CustomerChild(CustomerArea):
    """Rows that belong to the customer in the URL."""

    tab_group = TAB_GROUP
    parent_selector = selectors.customer_list
    parent_field = "customer"
    parent_context_name = "customer"
    parent_list_label = "Customers"
    parent_list_url_name = "customers:customer_list"
    add_url_kwarg = "customer_pk"


class CustomerRow(CustomerChild):
    """Add, edit and delete pages of a row; their URLs name the customer `customer_pk`."""

    parent_url_kwarg = "customer_pk"


class CustomerChildListView(CustomerChild, ObjectChildrenView):
    template_name = "customers/customer_child_list.html"


class PaymentListView(CustomerChildListView):
    tab = ViewTab("Payments", "customers:customer_payments", weight=40)
    queryset = Payment.objects.select_related("actor")
    table = PaymentTable
    filterset = PaymentFilterSet
    add_url_name = "customers:payment_add"
    add_label = "Add Payment"


class ContactListView(CustomerChildListView):
    tab = ViewTab("Contacts", "customers:customer_contacts", weight=50)
    queryset = Contact.objects.all()
    table = ContactTable
    filterset = ContactFilterSet
    add_url_name = "customers:contact_add"
    add_label = "Add Contact"


class CustomerChildEditView(CustomerRow, ObjectChildEditView):
    template_name = "customers/customer_child_edit.html"


class IPAuthAddView(CustomerChildEditView):
    queryset = IPAuth.objects.all()
    form = IPAuthForm
    create_service = services.ipauth_create
    update_service = services.ipauth_update
    title = "Add IP Authentication"
    active_tab = "Authentication"
    success_url_name = "customers:customer_auth"
    success_message = "IP authentication saved."


class SIPUserAddView(CustomerChildEditView):
    queryset = SIPUser.objects.all()
    form = SIPUserForm
    create_service = services.sipuser_create
    title = "Add SIP User Authentication"
    active_tab = "Authentication"
    success_url_name = "customers:customer_auth"
    success_message = "SIP user saved."


class SIPUserEditView(SIPUserAddView):
    """Enable/disable and change the password; the username is the SIP identity and stays."""

    form = SIPUserEditForm
    update_service = services.sipuser_update

    def get_title(self):
        return f"Edit SIP User {self.object}"

    def get_initial(self):
        return {"enabled": self.object.enabled}


class PaymentAddView(CustomerChildEditView):
    queryset = Payment.objects.all()
    form = PaymentForm
    create_service = services.payment_create
    title = "Add Payment"
    active_tab = "Payments"
    success_url_name = "customers:customer_payments"
    success_message = "Payment saved."
    already_saved_message = "This payment was already saved; it was not booked again."


class ContactAddView(CustomerChildEditView):
    queryset = Contact.objects.all()
    form = ContactForm
    create_service = services.contact_create
    title = "Add Contact"
    active_tab = "Contacts"
    success_url_name = "customers:customer_contacts"
    success_message = "Contact saved."


class CustomerBulkEditView(CustomerArea, ObjectEditView):
    """Bulk Edit on the customer list: the ticked customers arrive as `?pk=..&pk=..`."""

    form = CustomerBulkEditForm
    create_service = services.customer_bulk_update
    success_url_name = "customers:customer_list"
    title = "Bulk Edit"

    def get_breadcrumbs(self):
        return [("Customers", reverse("customers:customer_list")), (self.title, None)]

    def get_cancel_url(self):
        return reverse("customers:customer_list")

    def get_initial(self):
        return {"customers": [pk for pk in self.request.GET.getlist("pk") if pk.isdigit()]}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "customers": selectors.customer_list(actor=self.request.user)}

    def get_service_kwargs(self, form):
        return {"customers": list(form.cleaned_data["customers"]), **form.changes()}

    def saved(self):
        self.success_message = f"Updated {len(self.result)} customer{'s' if len(self.result) != 1 else ''}."
        return super().saved()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            confirm="Change the chosen fields on every chosen customer?", submit_label="Save", **kwargs
        )


class CustomerBulkDeleteView(CustomerBulkEditView):
    """Delete with several customers ticked: the page names them, says which must be kept, and
    deletes all of them or none."""

    template_name = "customers/customer_bulk_delete.html"
    form = CustomerBulkDeleteForm
    create_service = services.customer_bulk_delete
    title = "Delete Customers"

    def get_service_kwargs(self, form):
        return {"customers": list(form.cleaned_data["customers"])}

    def saved(self):
        self.success_message = f"Deleted {self.result} customer{'s' if self.result != 1 else ''}."
        return super(CustomerBulkEditView, self).saved()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        pks = form.data.getlist("customers") if form.is_bound else form.initial["customers"]
        chosen = list(selectors.customer_list(actor=self.request.user).filter(pk__in=pks))
        refusals = selectors.customer_delete_refusals(customers=chosen)
        context.update(
            chosen=[(c, refusals.get(c.pk, "")) for c in chosen],
            refused=len(refusals),
            confirm=f"Delete {len(chosen)} customer{'s' if len(chosen) != 1 else ''}? This cannot be undone.",
        )
        return context


class CustomerDeleteView(CustomerArea, ObjectDeleteView):
    selector = selectors.customer_list
    service = services.customer_delete
    success_url_name = "customers:customer_list"
    list_label = "Customers"
    delete_note = (
        "Its IP authentication, SIP users and contacts are deleted with it. A customer with payments "
        "or ingress routes cannot be deleted: set its status to Inactive instead."
    )


class IPAuthDeleteView(CustomerRow, ObjectChildDeleteView):
    queryset = IPAuth.objects.all()
    service = services.ipauth_delete
    success_url_name = "customers:customer_auth"


class SIPUserDeleteView(CustomerRow, ObjectChildDeleteView):
    queryset = SIPUser.objects.all()
    service = services.sipuser_delete
    success_url_name = "customers:customer_auth"


class ContactDeleteView(CustomerRow, ObjectChildDeleteView):
    queryset = Contact.objects.all()
    service = services.contact_delete
    success_url_name = "customers:customer_contacts"


class CustomerChildAction(CustomerArea, ObjectActionView):
    """POST on one row of the customer in the URL; back to the customer's tab."""

    def get_queryset(self):
        return self.queryset.filter(customer_id=self.kwargs["customer_pk"])

    def get_success_url_kwargs(self):
        return {"pk": self.kwargs["customer_pk"]}


class SIPUserEnableView(CustomerChildAction):
    """Switch a SIP user on or off from the Authentication tab."""

    queryset = SIPUser.objects.all()
    service = services.sipuser_set_enabled
    success_url_name = "customers:customer_auth"

    def get_service_kwargs(self):
        return {"enabled": self.request.POST.get("enabled") == "true"}

    def get_success_message(self):
        return f"SIP user {self.object} {'enabled' if self.result.enabled else 'disabled'}."


class SIPUserRevealView(CustomerChildAction):
    """htmx: show one SIP password once; the service audits that it was shown."""

    queryset = SIPUser.objects.all()
    service = services.sipuser_reveal_password

    def succeeded(self):
        context = {"record": self.object, "password": self.result}
        return TemplateResponse(self.request, "customers/inc/sipuser_revealed.html", context)


class PaymentStatusView(CustomerChildAction):
    """Change a payment's status (the ledger follows)."""

    queryset = Payment.objects.all()
    form_class = PaymentStatusForm
    service = services.payment_set_status
    success_url_name = "customers:customer_payments"
    success_message = "Payment status changed."
    error_prefix = "Status: "
