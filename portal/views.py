"""Setup > Integrations > Portal (brands), a customer's Edit > Config, and Caddy's `ask` question."""

import ipaddress

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.generic.detail import SingleObjectMixin

from accounts.choices import Area
from carriers.models import Carrier
from carriers.views import CarrierPage
from certificates import selectors as certificate_selectors
from connexcs.tabs import ViewTab, register
from connexcs.views import (
    ObjectActionView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedQuerysetMixin,
    StaffView,
)
from customers import selectors as customer_selectors
from customers.models import Contact

from . import selectors, services, user_services
from .features import FEATURES
from .filters import DomainFilterSet
from .forms import CarrierInviteForm, CustomerConfigForm, DomainForm, feature_field
from .models import PortalUser
from .tables import DomainTable


class PortalArea:
    area = Area.PORTAL
    selector = selectors.domain_list

    def get_breadcrumbs(self):
        return [("Portal", reverse("portal:domain_list")), (self.get_title(), None)]


# Seed 002's older path: My Account keeps a Domains tab that leads to Setup > Integrations > Portal.
register("accounts.my_account", ViewTab("Domains", "portal:domain_list", weight=70), area=Area.PORTAL)


class DomainListView(PortalArea, ObjectListView):
    table = DomainTable
    filterset = DomainFilterSet
    title = "Portal"
    add_url_name = "portal:domain_add"
    add_label = "Add Domain"
    template_name = "portal/domain_list.html"

    def get_breadcrumbs(self):
        return [("Setup", None), ("Integrations", None), ("Portal", None)]


class DomainFormMixin(PortalArea):
    form = DomainForm
    template_name = "portal/domain_form.html"

    def get_service_kwargs(self, form):
        data = form.service_kwargs()
        if self.object is not None:
            data["instance"] = self.object
        return data

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tabs = context["form"].tabs()
        with_errors = [label for label, fields in tabs if any(f.errors for f in fields)]
        context.update(
            tabs=tabs,
            tabs_with_errors=with_errors,
            open_tab=with_errors[0] if with_errors else "Basic",
            cname_target=settings.PORTAL_CNAME_TARGET,
        )
        return context


class DomainAddView(DomainFormMixin, ObjectEditView):
    service = services.domain_create
    title = "Add Domain"
    success_message = "Domain saved. Its CNAME is being checked; the certificate follows once it passes."


class DomainEditView(DomainFormMixin, ObjectEditView):
    service = services.domain_update
    success_message = "Domain saved."

    def get_initial(self):
        return DomainForm.initial_from(self.object)


class DomainDeleteView(PortalArea, ObjectDeleteView):
    service = services.domain_delete
    success_url_name = "portal:domain_list"
    delete_note = "Its customers lose this brand and its portal stops answering."


class DomainLogoView(PortalArea, ScopedQuerysetMixin, SingleObjectMixin, StaffView):
    def get_queryset(self):
        return super().get_queryset().filter(logo_type__gt="")

    def get(self, *_args, **_kwargs):
        domain = self.get_object()
        return HttpResponse(bytes(domain.logo), content_type=domain.logo_type)


class DomainCheckView(PortalArea, ObjectActionView):
    """Check now: queue the CNAME check again."""

    service = services.domain_queue_check
    success_message = "Checking {obj.domain} again."
    success_url_name = "portal:domain_edit"


class CustomerConfigView(ObjectEditView):
    """Management > Customer > Edit > Config: Domain and Portal Access."""

    area = Area.CUSTOMER
    form = CustomerConfigForm
    service = services.customer_portal_set
    template_name = "portal/customer_config.html"
    success_message = "Saved."

    def get_queryset(self):
        return customer_selectors.customer_list(actor=self.request.user)

    def get_initial(self):
        link = selectors.customer_portal(customer=self.object)
        if link is None:
            return {}
        return {"domain": link.domain, **{feature_field(k): v for k, v in link.overrides.items()}}

    def get_service_kwargs(self, form):
        return {"customer": self.object, **form.service_kwargs()}

    def get_title(self):
        return f"Edit {self.object}"

    def get_breadcrumbs(self):
        return [("Customers", reverse("customers:customer_list")), (str(self.object), None)]

    def get_success_url(self):
        return reverse("portal:customer_config", kwargs={"pk": self.object.pk})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["customer"] = self.object
        context["active_tab"] = "Main"
        context["features"] = FEATURES
        return context


def _ask_allowed(request) -> bool:
    """Only Caddy's own questions: from loopback (or PORTAL_ASK_ALLOWED) and not proxied. Caddy's
    reverse_proxy also reaches the panel from loopback, but always adds X-Forwarded-For, which its
    `ask` and `get_certificate` calls never carry; so a proxied visitor is refused whatever its address."""
    if "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    address = request.META.get("REMOTE_ADDR", "")
    try:
        if ipaddress.ip_address(address).is_loopback:
            return True
    except ValueError:
        return False
    return address in settings.PORTAL_ASK_ALLOWED


@require_GET
def caddy_ask(request):
    """Caddy's on-demand TLS `ask`: 200 lets it get a certificate for ?domain=, anything else refuses."""
    if not _ask_allowed(request):
        return HttpResponseForbidden("Not from here.", content_type="text/plain")
    domain = request.GET.get("domain", "").strip().lower().rstrip(".")
    if certificate_selectors.managed_domain(domain) or services.domain_certificate_ask(domain=domain):
        return HttpResponse("yes", content_type="text/plain")
    return HttpResponse("no", status=404, content_type="text/plain")


@require_GET
def caddy_certificate(request):
    """Caddy's `get_certificate http`: a User Provided certificate's chain and key for ?server_name=,
    or 204 (Caddy then uses its own). The key leaves the database only here, to loopback."""
    if not _ask_allowed(request):
        return HttpResponseForbidden("Not from here.", content_type="text/plain")
    served = certificate_selectors.served_for(request.GET.get("server_name", ""))
    if not served:
        return HttpResponse(status=204)
    response = HttpResponse(served, content_type="application/x-pem-file")
    response["Cache-Control"] = "no-store"
    return response


class ContactInviteView(ObjectActionView):
    """Customer > Contacts > Invite to portal: mail the contact a one-time link to set a password."""

    area = Area.CUSTOMER
    service = user_services.portal_user_invite
    instance_kwarg = "contact"
    success_url_name = "customers:customer_contacts"
    error_prefix = "Not invited: "

    def get_queryset(self):
        customers = customer_selectors.customer_list(actor=self.request.user)
        return Contact.objects.filter(customer_id=self.kwargs["customer_pk"], customer__in=customers)

    def get_success_url_kwargs(self):
        return {"pk": self.kwargs["customer_pk"]}

    def get_success_message(self):
        return f"Invitation sent to {self.object.email} for {self.result.domain.domain}."


class CarrierPortalView(CarrierPage, ObjectDetailView):
    """Carrier > Portal: who logs in to the carrier portal for this carrier, and Invite."""

    tab = ViewTab("Portal", "portal:carrier_portal", weight=70)
    template_name = "portal/carrier_portal.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["portal_users"] = PortalUser.objects.filter(carrier=self.object).select_related("domain")
        context["invite_form"] = CarrierInviteForm()
        return context


class CarrierInviteView(ObjectActionView):
    area = Area.CARRIER
    queryset = Carrier.objects.all()
    service = user_services.carrier_user_invite
    instance_kwarg = "carrier"
    form_class = CarrierInviteForm
    success_url_name = "portal:carrier_portal"
    error_prefix = "Not invited: "

    def get_success_message(self):
        return f"Invitation sent to {self.result.email} for {self.result.domain.domain}."
