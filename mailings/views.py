from django.urls import reverse

from connexcs.choices import Area
from connexcs.paging import configure_table
from connexcs.views import ObjectDetailView, ObjectEditView, ObjectListView
from customers.selectors import customer_list

from . import selectors, services
from .choices import Channel
from .filters import MailingFilterSet
from .forms import MailingForm
from .tables import MailingResultTable, MailingTable


class MailingArea:
    # Writing to customers is customer management.
    area = Area.CUSTOMER
    selector = selectors.mailing_list


class MailingSendView(MailingArea, ObjectEditView):
    """Customers > Send: the ticked customers arrive as `?pk=..&pk=..&channel=email|sms`."""

    template_name = "mailings/mailing_send.html"
    form = MailingForm
    create_service = services.mailing_create
    success_message = "Queued: each customer gets its own message; this page shows them as they go."

    def get_title(self):
        return "Send SMS" if self.channel() == Channel.SMS else "Send Email"

    def channel(self) -> str:
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        return Channel.SMS if data.get("channel") == Channel.SMS else Channel.EMAIL

    def get_breadcrumbs(self):
        return [("Customers", reverse("customers:customer_list")), (self.get_title(), None)]

    def get_cancel_url(self):
        return reverse("customers:customer_list")

    def get_initial(self):
        chosen = [pk for pk in self.request.GET.getlist("pk") if pk.isdigit()]
        return {"customers": chosen, "channel": self.channel()}

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "customers": customer_list(actor=self.request.user).order_by("name"),
            "channel": self.channel(),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sms = self.channel() == Channel.SMS
        what = "an SMS to each contact's mobile" if sms else "an email to every contact"
        context["confirm"] = f"Send {what} of the chosen customers? This cannot be called back."
        context["submit_label"] = "Send"
        return context


class MailingListView(MailingArea, ObjectListView):
    table = MailingTable
    filterset = MailingFilterSet
    title = "Sent to Customers"

    def get_breadcrumbs(self):
        return [("Customers", reverse("customers:customer_list")), (self.title, None)]


class MailingDetailView(MailingArea, ObjectDetailView):
    """One mailing: progress while the worker sends, then what happened per customer."""

    template_name = "mailings/mailing_detail.html"
    context_object_name = "mailing"
    list_label = "Sent to Customers"
    list_url_name = "mailings:mailing_list"

    def get_breadcrumbs(self):
        return [("Customers", reverse("customers:customer_list")), *super().get_breadcrumbs()]

    def get_template_names(self):
        return ["mailings/_mailing_status.html"] if self.request.htmx else [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = MailingResultTable(selectors.mailing_results(mailing=self.object))
        configure_table(self.request, table)
        done = self.object.handled
        total = self.object.total or 1
        context.update(results=table, progress=min(100, round(100 * done / total)))
        return context
