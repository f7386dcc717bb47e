from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.choices import Area
from connexcs.bulk import ObjectBulkDeleteView, ObjectBulkEditView
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
    CustomerBulkEditForm,
    CustomerForm,
    IPAuthForm,
    PaymentForm,
    PaymentStatusForm,
    SIPUserEditForm,
    SIPUserForm,
)
from .models import Contact, Customer, IPAuth, NumberBlock, Payment, SIPUser
from .tables import ContactTable, CustomerTable, IPAuthTable, PaymentTable, SIPUserTable

TAB_GROUP = "customers.customer"


class CustomerArea:
    area = Area.CUSTOMER


class CustomerListView(CustomerArea, ObjectListView):
    template_name = "customers/customer_list.html"
    bulk_edit_url_name = "customers:customer_bulk_edit"
    bulk_delete_url_name = "customers:customer_bulk_delete"
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

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        blocks = list(self.parent.number_blocks.all())
        if blocks and "username" in form.fields:
            free = selectors.free_numbers(self.parent)
            ranges = ", ".join(str(block) for block in blocks)
            hint = f"; free: {', '.join(map(str, free))}" if free else "; every number is in use"
            form.fields["username"].help_text = f"A number from the Internal Number Block {ranges}{hint}."
            if free and not form.is_bound:
                form.initial.setdefault("username", str(free[0]))
        return form


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


class CustomerBulk(CustomerArea):
    selector = selectors.customer_list
    items_kwarg = "customers"
    noun = "customer"
    list_url_name = "customers:customer_list"
    list_label = "Customers"


class CustomerBulkEditView(CustomerBulk, ObjectBulkEditView):
    form = CustomerBulkEditForm
    create_service = services.customer_bulk_update


class CustomerBulkDeleteView(CustomerBulk, ObjectBulkDeleteView):
    create_service = services.customer_bulk_delete
    refusals = selectors.customer_delete_refusals
    delete_note = "Their IP authentication, SIP users and contacts are deleted with them."


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


class NumberBlockAssignView(CustomerArea, ObjectActionView):
    """Customer > Main > Internal Number Block "+": the next free block."""

    selector = selectors.customer_list
    service = services.number_block_assign
    instance_kwarg = "customer"
    success_url_name = "customers:customer_detail"
    error_prefix = "No block assigned: "

    def get_success_url_kwargs(self):
        return {"pk": self.object.pk}

    def get_success_message(self):
        return f"Internal Number Block {self.result} assigned to {self.object}."


class NumberBlockReleaseView(CustomerChildAction):
    queryset = NumberBlock.objects.all()
    service = services.number_block_release
    success_url_name = "customers:customer_detail"
    success_message = "Internal Number Block {obj} released."
    error_prefix = "Not released: "
