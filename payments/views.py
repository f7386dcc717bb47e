"""Setup > My Account > API (the PayPal and Stripe accounts) and > Payments (every online payment)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from accounts.views import MyAccountMixin
from connexcs.choices import Area
from connexcs.tabs import ViewTab
from connexcs.views import ObjectActionView, ObjectDeleteView, ObjectEditView, ObjectListView
from portal.models import PortalDomain

from . import selectors, services
from .choices import CheckStatus, GatewayKind
from .filters import GatewayFilterSet, OnlinePaymentFilterSet
from .forms import GatewayForm, PaymentLimitForm
from .models import PaymentGateway
from .tables import GatewayTable, OnlinePaymentTable


class AccountArea(MyAccountMixin):
    area = Area.ACCOUNT


class GatewayListView(AccountArea, ObjectListView):
    tab = ViewTab("API", "payments:gateway_list", weight=65)
    selector = selectors.gateway_list
    table = GatewayTable
    filterset = GatewayFilterSet
    title = "API"
    template_name = "payments/gateway_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kinds"] = GatewayKind.choices
        context["brands"] = selectors.brand_limit_list(actor=self.request.user)
        return context


class GatewayEditView(AccountArea, ObjectEditView):
    queryset = PaymentGateway.objects.all()
    active_tab = "API"
    template_name = "payments/gateway_edit.html"
    create_service = services.gateway_create
    update_service = services.gateway_update
    success_url_name = "payments:gateway_list"

    def kind(self) -> str:
        kind = self.object.kind if self.object is not None else self.kwargs.get("kind")
        if kind not in GatewayKind.values:
            raise Http404
        return kind

    def get_title(self):
        if self.object is not None:
            return f"Edit {self.object}"
        return f"Add New {GatewayKind(self.kind()).label}"

    def get_form_class(self):
        return GatewayForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kind": self.kind()}

    def get_service_kwargs(self, form):
        return {**super().get_service_kwargs(form), "kind": self.kind()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = reverse("payments:gateway_list")
        context["panel_url"] = settings.PANEL_URL
        if self.object is not None and self.object.kind == GatewayKind.STRIPE:
            context["webhook_path"] = reverse("webhooks:stripe", kwargs={"gateway_id": self.object.pk})
        elif self.object is not None:
            context["webhook_path"] = reverse("webhooks:paypal", kwargs={"gateway_id": self.object.pk})
        return context


class GatewayCheckView(ObjectActionView):
    """Refresh: ask the provider whether it accepts the saved credentials."""

    area = Area.ACCOUNT
    queryset = PaymentGateway.objects.all()
    service = services.gateway_check
    success_url_name = "payments:gateway_list"

    def get_success_url_kwargs(self):
        return {}

    def succeeded(self):
        text = f"{self.result}: {self.result.check_message}"
        if self.result.check_status == CheckStatus.OK:
            messages.success(self.request, text)
        else:
            messages.error(self.request, text)
        return redirect(self.get_success_url())


class GatewayDeleteView(AccountArea, ObjectDeleteView):
    queryset = PaymentGateway.objects.all()
    service = services.gateway_delete
    success_url_name = "payments:gateway_list"
    active_tab = "API"


class PaymentLimitEditView(AccountArea, ObjectEditView):
    """The smallest and largest online payment a brand's portal accepts."""

    queryset = PortalDomain.objects.all()
    form = PaymentLimitForm
    active_tab = "API"
    update_service = services.payment_limit_set
    success_url_name = "payments:gateway_list"
    template_name = "payments/gateway_edit.html"

    def get_title(self):
        return f"Payment Limits of {self.object}"

    def get_service_kwargs(self, form):
        return {"brand": self.object, **form.cleaned_data}


class OnlinePaymentListView(AccountArea, ObjectListView):
    tab = ViewTab("Payments", "payments:payment_list", weight=75)
    selector = selectors.online_payment_list
    table = OnlinePaymentTable
    filterset = OnlinePaymentFilterSet
    title = "Payments"
    template_name = "accounts/list.html"
