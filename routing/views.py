from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.choices import Area
from connexcs.views import ObjectDeleteView, ObjectEditView, ObjectListView, StaffView, add_service_errors

from . import selectors, services, simulator
from .filters import ApiTokenFilterSet, IngressRouteFilterSet
from .forms import ApiTokenForm, IngressRouteForm, SimulatorForm
from .models import ApiToken, IngressRoute
from .tables import ApiTokenTable, IngressRouteTable

# The customers app owns the customer page's header and tabs; fall back to a plain one without it.
HEADER_TEMPLATES = ["customers/inc/customer_header.html", "routing/inc/customer_header_fallback.html"]


class CustomerMixin:
    @cached_property
    def customer(self):
        from customers.models import Customer

        return get_object_or_404(Customer, pk=self.kwargs.get("customer_pk") or self.kwargs["pk"])

    def customer_breadcrumbs(self):
        return [
            ("Customers", reverse("customers:customer_list")),
            (self.customer.name, self.customer.get_absolute_url()),
            ("Routing", reverse("routing:customer_routing", kwargs={"pk": self.customer.pk})),
        ]


class CustomerRoutingView(CustomerMixin, ObjectListView):
    area = Area.ROUTING
    table = IngressRouteTable
    filterset = IngressRouteFilterSet
    template_name = "routing/customer_routing.html"

    def get_queryset(self):
        return selectors.ingress_routes(actor=self.request.user, customer_id=self.customer.pk)

    def get_title(self):
        return f"{self.customer.name} · Routing"

    def get_breadcrumbs(self):
        return self.customer_breadcrumbs()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            customer=self.customer,
            active_tab="Routing",
            header_template=select_template(HEADER_TEMPLATES),
        )
        return context


class IngressRouteAddView(CustomerMixin, ObjectEditView):
    area = Area.ROUTING
    form = IngressRouteForm
    service = services.ingress_route_create
    title = "Add Ingress Route"
    pk_url_kwarg = "route_pk"  # there is none: this view only creates
    success_message = "Ingress route saved."

    def get_service_kwargs(self, form):
        return {**form.cleaned_data, "customer": self.customer}

    def get_breadcrumbs(self):
        return [*self.customer_breadcrumbs(), (self.title, None)]


class IngressRouteEditView(CustomerMixin, ObjectEditView):
    area = Area.ROUTING
    queryset = IngressRoute.objects.select_related("customer", "card")
    form = IngressRouteForm
    service = services.ingress_route_update
    success_message = "Ingress route saved."

    @cached_property
    def customer(self):
        return self.get_object().customer

    def get_breadcrumbs(self):
        return [*self.customer_breadcrumbs(), (self.get_title(), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = reverse("routing:customer_routing", kwargs={"pk": self.object.customer_id})
        return context


class IngressRouteDeleteView(ObjectDeleteView):
    area = Area.ROUTING
    queryset = IngressRoute.objects.select_related("customer", "card")
    service = services.ingress_route_delete

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.success_url_name = reverse("routing:customer_routing", kwargs={"pk": obj.customer_id})
        return obj


class ApiTokenListView(ObjectListView):
    area = Area.ROUTING
    selector = selectors.api_token_list
    table = ApiTokenTable
    filterset = ApiTokenFilterSet
    title = "API Tokens"
    add_url_name = "routing:token_add"
    add_label = "Add API Token"


class ApiTokenAddView(ObjectEditView):
    area = Area.ROUTING
    form = ApiTokenForm
    title = "Add API Token"
    pk_url_kwarg = "token_pk"

    def form_valid(self, form):
        try:
            token, secret = services.api_token_create(actor=self.request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        # Shown once, in this response only: it is stored hashed.
        context = self.get_context_data(form=form, token=token, secret=secret, title="API Token Created")
        return TemplateResponse(self.request, "routing/token_created.html", context)

    def get_breadcrumbs(self):
        return [("API Tokens", reverse("routing:token_list")), (self.title, None)]


class ApiTokenRevokeView(ObjectDeleteView):
    area = Area.ROUTING
    queryset = ApiToken.objects.all()
    template_name = "routing/token_revoke.html"

    def get_title(self):
        return f"Revoke {self.object}"

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            services.api_token_revoke(actor=request.user, instance=self.object)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Revoked {self.object}.")
        return redirect("routing:token_list")


class SimulatorView(StaffView):
    area = Area.ROUTING
    title = "Route Simulator"
    template_name = "routing/simulator.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SimulatorForm(self.request.GET or None)
        context["form"] = form
        if form.is_bound and form.is_valid():
            context["result"] = simulator.simulate(**form.cleaned_data)
        return context
