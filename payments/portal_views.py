"""The customer portal's Make Payment: choose a gateway and an amount, pay on the provider's own
page, come back to a page that says Pending until the provider confirms the payment.

Every page is a portal page (portal.site_auth.PortalLoginRequired) with the "payments" feature;
a payment is looked up among the logged-in customer's own only (another customer's is a 404).
"""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from customers.choices import PaymentStatus
from portal.site_auth import PortalLoginRequired
from portal.site_views import add_service_errors

from . import selectors, services

PLACEHOLDER = uuid.UUID(int=0)


class MakePaymentForm(forms.Form):
    gateway = forms.TypedChoiceField(label="Pay via", coerce=int)
    amount = forms.DecimalField(label="Amount", min_value=0, max_digits=14, decimal_places=4)
    currency = forms.CharField(label="Currency", disabled=True, required=False)

    def __init__(self, *args, gateways, currency: str, limits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gateway"].choices = [(g.pk, g.get_kind_display()) for g in gateways]
        self.fields["currency"].initial = currency
        minimum, maximum = limits
        self.fields["amount"].help_text = f"From {minimum:.2f} to {maximum:.2f} {currency}."


class PaymentPage(PortalLoginRequired):
    feature = "payments"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": self.title}


class MakePaymentView(PaymentPage, FormView):
    template_name = "payments/portal/make_payment.html"
    form_class = MakePaymentForm
    title = "Make Payment"

    def gateways(self):
        if not hasattr(self, "_gateways"):
            self._gateways = selectors.gateways_for_customer(customer=self.request.portal_customer)
        return self._gateways

    def get_form_kwargs(self):
        customer = self.request.portal_customer
        return {
            **super().get_form_kwargs(),
            "gateways": self.gateways(),
            "currency": customer.currency,
            "limits": selectors.amount_limits(customer=customer),
        }

    def _absolute(self, name: str) -> str:
        path = reverse(f"portal_site:{name}", kwargs={"reference": PLACEHOLDER})
        return self.request.build_absolute_uri(path).replace(str(PLACEHOLDER), "{reference}")

    def form_valid(self, form):
        gateway = next(g for g in self.gateways() if g.pk == form.cleaned_data["gateway"])
        try:
            online = services.payment_checkout_start(
                actor=self.request.portal_user,
                gateway=gateway,
                customer=self.request.portal_customer,
                amount=form.cleaned_data["amount"],
                currency=self.request.portal_customer.currency,
                success_url=self._absolute("payment_return"),
                cancel_url=self._absolute("payment_cancel"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        # To a page of ours first: the brand's CSP (form-action 'self') forbids a form's redirect
        # to another site, so that page sends the browser on to the provider.
        status_url = reverse("portal_site:payment_status", kwargs={"reference": online.local_reference})
        return redirect(f"{status_url}?go=1")


class PaymentStatusView(PaymentPage, TemplateView):
    """One payment: its status, and (just after Make Payment) the way on to the provider's page."""

    template_name = "payments/portal/payment_status.html"
    title = "Payment"
    settle = None  # "return" | "cancel": the provider sent the customer back here

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        online = selectors.customer_online_payment(
            customer=self.request.portal_customer, reference=self.kwargs["reference"]
        )
        if online is None:
            raise Http404("No such payment.")
        if self.settle == "return":
            online = services.payment_return(online=online)
        elif self.settle == "cancel":
            services.payment_cancel(online=online, actor=self.request.portal_user)
            online = selectors.customer_online_payment(
                customer=self.request.portal_customer, reference=online.local_reference
            )
        status = online.payment.status
        context.update(
            online=online,
            status=status,
            pending=status == PaymentStatus.PENDING,
            go=self.request.GET.get("go") == "1" and status == PaymentStatus.PENDING and online.checkout_url,
            returned=self.settle,
        )
        return context


class PaymentReturnView(PaymentStatusView):
    settle = "return"


class PaymentCancelView(PaymentStatusView):
    settle = "cancel"
