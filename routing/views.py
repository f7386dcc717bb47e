from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.choices import Area
from connexcs.tabs import ViewTab
from connexcs.views import (
    ObjectChildDeleteView,
    ObjectChildEditView,
    ObjectChildrenView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    StaffView,
)
from customers.selectors import customer_list
from customers.views import TAB_GROUP as CUSTOMER_TABS

from . import selectors, services, simulator
from .filters import ApiTokenFilterSet, IngressRouteFilterSet
from .forms import ApiTokenForm, IngressRouteForm, SimulatorForm
from .models import ApiToken, IngressRoute
from .tables import ApiTokenTable, IngressRouteTable


class CustomerRouting:
    """The customer page's Routing tab and its add/edit/delete pages, under /customers/<pk>/routing/."""

    area = Area.ROUTING
    tab_group = CUSTOMER_TABS
    queryset = IngressRoute.objects.select_related("card", "customer")
    parent_selector = customer_list
    parent_field = "customer"
    parent_context_name = "customer"
    parent_list_label = "Customers"
    parent_list_url_name = "customers:customer_list"
    add_url_kwarg = "customer_pk"
    active_tab = "Routing"

    def parent_breadcrumbs(self):
        routing = reverse("routing:customer_routing", kwargs={"pk": self.parent.pk})
        return [*super().parent_breadcrumbs(), ("Routing", routing)]


class CustomerRoutingView(CustomerRouting, ObjectChildrenView):
    tab = ViewTab("Routing", "routing:customer_routing", weight=30)
    table = IngressRouteTable
    filterset = IngressRouteFilterSet
    template_name = "routing/customer_routing.html"
    add_url_name = "routing:ingress_route_add"

    def get_title(self):
        return f"{self.parent.name} · Routing"


class IngressRouteEditView(CustomerRouting, ObjectChildEditView):
    parent_url_kwarg = "customer_pk"
    template_name = "customers/customer_child_edit.html"
    form = IngressRouteForm
    create_service = services.ingress_route_create
    update_service = services.ingress_route_update
    title = "Add Ingress Route"
    success_url_name = "routing:customer_routing"
    success_message = "Ingress route saved."


class IngressRouteDeleteView(CustomerRouting, ObjectChildDeleteView):
    parent_url_kwarg = "customer_pk"
    service = services.ingress_route_delete
    success_url_name = "routing:customer_routing"


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
    create_service = services.api_token_create
    title = "Add API Token"

    def saved(self):
        # Shown once, in this response only: it is stored hashed.
        token, secret = self.result
        context = self.get_context_data(token=token, secret=secret, title="API Token Created")
        return TemplateResponse(self.request, "routing/token_created.html", context)

    def get_breadcrumbs(self):
        return [("API Tokens", reverse("routing:token_list")), (self.title, None)]


class ApiTokenRevokeView(ObjectDeleteView):
    area = Area.ROUTING
    queryset = ApiToken.objects.all()
    template_name = "routing/token_revoke.html"
    service = services.api_token_revoke
    success_url_name = error_url_name = "routing:token_list"
    success_message = "Revoked {obj}."

    def get_title(self):
        return f"Revoke {self.object}"


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
