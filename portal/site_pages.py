"""The logged-in pages of a portal: Dashboard and Profile (details, password, two factor).

Every page is a `site_auth.PortalLoginRequired` view, so it exists only for a user logged in on
this brand, for the right audience, with its feature shown; everything it reads comes from
`portal.site_selectors`, scoped to the user's own customer or carrier.
"""

import csv
import re

import pyotp
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.generic import TemplateView

from accounts.two_factor import ISSUER, qr_svg
from connexcs.dns import Transport
from customers import services as customer_services
from customers.choices import Direction
from ratecards.selectors import FORMULA_START, rows_to_xlsx

from . import site_auth, site_selectors, user_services
from .site_auth import CARRIER, PortalLoginRequired, url_exists
from .site_views import CodeForm, SetPasswordForm, add_service_errors


class PortalPage(PortalLoginRequired, TemplateView):
    title = ""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": self.title}


class HomeView(PortalPage):
    """Customers land on the Dashboard, carrier contacts on their rate cards."""

    audience = None

    def get(self, request, *args, **kwargs):
        if request.portal_carrier is not None:
            return redirect("portal_site:carrier_rate_cards")
        return redirect("portal_site:dashboard")


class DashboardView(PortalPage):
    template_name = "portal/site/dashboard.html"
    title = "Dashboard"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        customer = self.request.portal_customer
        features = self.request.portal_features
        context["summary"] = site_selectors.dashboard(customer=customer, features=features)
        if "summary" in features:
            from .site_cdr import summaries  # the CDR pages build on these page classes

            context["summaries"] = summaries(customer)
        context["make_payment_url"] = make_payment_url(self.request)
        return context


def make_payment_url(request) -> str:
    """The payments app's Make Payment page when it is installed and Payments is shown, else ""."""
    if "payments" in request.portal_features and url_exists("portal_site:make_payment"):
        return reverse("portal_site:make_payment")
    return ""


class ProfileForm(forms.Form):
    name = forms.CharField(label="Name", max_length=150)
    phone = forms.CharField(
        label="Phone", max_length=20, required=False, help_text="E.164, e.g. +442071234567"
    )


class PasswordChangeForm(SetPasswordForm):
    current_password = forms.CharField(label="Current password", strip=False, widget=forms.PasswordInput)
    field_order = ["current_password", "new_password1", "new_password2"]


class DisableForm(forms.Form):
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)


class ProfileView(PortalPage):
    """Company and personal details, password and two factor authentication, one form per POST."""

    template_name = "portal/site/profile.html"
    title = "Profile"
    audience = None

    def forms(self, data=None):
        user = self.request.portal_user
        phone = user.contact.phone if user.contact_id else ""
        which = (data or {}).get("form")
        return {
            "details": ProfileForm(
                data if which == "details" else None, initial={"name": user.name, "phone": phone}
            ),
            "password": PasswordChangeForm(data if which == "password" else None),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.forms() if "forms" not in kwargs else kwargs["forms"])
        context["company"] = site_selectors.company(user=self.request.portal_user)
        return context

    def post(self, request, *args, **kwargs):
        forms_ = self.forms(request.POST)
        which = request.POST.get("form")
        form = forms_.get(which)
        if form is None or not form.is_valid():
            return self.render_to_response(self.get_context_data(forms=forms_))
        try:
            if which == "details":
                user_services.portal_user_profile_update(user=request.portal_user, **form.cleaned_data)
                messages.success(request, "Your details are saved.")
            else:
                user_services.portal_user_change_password(
                    user=request.portal_user,
                    current=form.cleaned_data["current_password"],
                    password=form.cleaned_data["new_password1"],
                )
                # Keep this session (the others end with the old password).
                request.portal_user.refresh_from_db()
                site_auth.login(request, request.portal_user)
                messages.success(request, "Your password is changed.")
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.render_to_response(self.get_context_data(forms=forms_))
        return redirect("portal_site:profile")


class TwoFactorView(PortalPage):
    """Set up (QR code + first code) or switch off the authenticator app."""

    template_name = "portal/site/two_factor.html"
    title = "Two factor authentication"
    audience = None
    enrolling = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.portal_user
        if user.two_factor_enabled:
            context.setdefault("disable_form", DisableForm())
        else:
            secret = user_services.portal_two_factor_begin(user=user)
            uri = pyotp.TOTP(secret).provisioning_uri(
                name=user.email, issuer_name=user.domain.brand_name or ISSUER
            )
            context.update(secret=secret, qr=qr_svg(uri))
            context.setdefault("code_form", CodeForm())
        return context

    def post(self, request, *args, **kwargs):
        user = request.portal_user
        if user.two_factor_enabled:
            form = DisableForm(request.POST)
            service = user_services.portal_two_factor_disable
            context_key, done = "disable_form", "Two factor authentication is off."
        else:
            form = CodeForm(request.POST)
            service = user_services.portal_two_factor_confirm
            context_key, done = "code_form", "Two factor authentication is on."
        if form.is_valid():
            try:
                service(user=user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect("portal_site:profile")
        return self.render_to_response(self.get_context_data(**{context_key: form}))


# Rate Cards


class _Download:
    XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    @classmethod
    def response(cls, rows, filename: str, fmt: str):
        if fmt == "xlsx":
            response = HttpResponse(rows_to_xlsx(rows), content_type=cls.XLSX)
        else:
            writer, fmt = csv.writer(_Echo(), lineterminator="\n"), "csv"
            response = StreamingHttpResponse((writer.writerow(r) for r in rows), content_type="text/csv")
        name = re.sub(r"[\x00-\x1f\x7f]+", " ", filename).strip() or "download"
        response["Content-Disposition"] = content_disposition_header(True, f"{name}.{fmt}")
        return response


class _Echo:
    def write(self, value):
        return value


class RateCardListView(PortalPage):
    template_name = "portal/site/rate_cards.html"
    title = "Rate Cards"
    feature = "rate_cards"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cards"] = site_selectors.customer_cards(customer=self.request.portal_customer)
        return context


class RateCardView(PortalPage):
    template_name = "portal/site/rate_card.html"
    feature = "rate_cards"

    def get_card(self):
        card = site_selectors.customer_card(customer=self.request.portal_customer, card_id=self.kwargs["pk"])
        if card is None:
            raise Http404("No such rate card.")
        return card

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        card = self.get_card()
        query = self.request.GET.get("q", "")
        rates = site_selectors.card_rates(card=card, query=query)
        context.update(
            card=card,
            title=card.name,
            q=query,
            page=site_selectors.page(rates, self.request.GET.get("page")),
            download_url_name="portal_site:rate_card_download",
        )
        return context


class RateCardDownloadView(RateCardView):
    def get(self, _request, *args, **kwargs):
        card = self.get_card()
        rows = site_selectors.card_rows_for_export(card=card)
        return _Download.response(rows, card.name, kwargs["fmt"])


# Authentication


class IPAuthPortalForm(forms.Form):
    address = forms.CharField(
        label="IP Address", max_length=255, help_text="IPv4 or IPv6 address, CIDR, host name or SRV record."
    )
    direction = forms.ChoiceField(label="Direction", choices=Direction.choices)
    protocol = forms.ChoiceField(label="Protocol", choices=Transport.choices)
    port = forms.IntegerField(label="Port", min_value=1, max_value=65535, initial=5060)
    tech_prefix = forms.CharField(label="Tech Prefix", max_length=20, required=False)


class SIPUserPortalForm(forms.Form):
    username = forms.CharField(label="Username", max_length=64)
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)


class AuthenticationView(PortalPage):
    """IP authentication and SIP users; adding and deleting only with the (Editable) features,
    through the panel's own services (the same checks, the same audit)."""

    template_name = "portal/site/authentication.html"
    title = "Authentication"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        customer, features = self.request.portal_customer, self.request.portal_features
        context.update(
            ip_auths=list(site_selectors.ip_auths(customer=customer)),
            sip_users=list(site_selectors.sip_users(customer=customer)),
            ip_editable="ip_auth_editable" in features,
            sip_editable="sip_auth_editable" in features,
            ipauth_add_url=reverse("portal_site:ipauth_add"),
            sipuser_add_url=reverse("portal_site:sipuser_add"),
        )
        if context["ip_editable"]:
            context.setdefault("ip_form", IPAuthPortalForm())
        if context["sip_editable"]:
            context.setdefault("sip_form", SIPUserPortalForm())
        return context


class _AuthWrite(PortalPage):
    http_method_names = ["post"]

    def done(self, message: str):
        messages.success(self.request, message)
        return redirect("portal_site:authentication")

    def render_form(self, key, form):
        view = AuthenticationView(request=self.request, kwargs={}, args=())
        view.template_name = AuthenticationView.template_name
        return view.render_to_response(view.get_context_data(**{key: form}))


class IPAuthAddView(_AuthWrite):
    feature = "ip_auth_editable"

    def post(self, request, *args, **kwargs):
        form = IPAuthPortalForm(request.POST)
        if form.is_valid():
            try:
                ip = customer_services.ipauth_create(
                    actor=request.portal_user, customer=request.portal_customer, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return self.done(f"IP authentication {ip} saved.")
        return self.render_form("ip_form", form)


class IPAuthDeleteView(_AuthWrite):
    feature = "ip_auth_editable"

    def post(self, request, *args, **kwargs):
        ip = site_selectors.ip_auth(customer=request.portal_customer, pk=kwargs["pk"])
        if ip is None:
            raise Http404("No such IP authentication.")
        customer_services.ipauth_delete(actor=request.portal_user, instance=ip)
        return self.done(f"IP authentication {ip} deleted.")


class SIPUserAddView(_AuthWrite):
    feature = "sip_auth_editable"

    def post(self, request, *args, **kwargs):
        form = SIPUserPortalForm(request.POST)
        if form.is_valid():
            try:
                user = customer_services.sipuser_create(
                    actor=request.portal_user, customer=request.portal_customer, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return self.done(f"SIP user {user} saved.")
        return self.render_form("sip_form", form)


class SIPUserDeleteView(_AuthWrite):
    feature = "sip_auth_editable"

    def post(self, request, *args, **kwargs):
        user = site_selectors.sip_user(customer=request.portal_customer, pk=kwargs["pk"])
        if user is None:
            raise Http404("No such SIP user.")
        customer_services.sipuser_delete(actor=request.portal_user, instance=user)
        return self.done(f"SIP user {user} deleted.")


# Routes


class RouteListView(PortalPage):
    template_name = "portal/site/routes.html"
    title = "Routes"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["routes"] = list(site_selectors.routes(customer=self.request.portal_customer))
        context["editable"] = "routes_editable" in self.request.portal_features
        context["rate_cards"] = "rate_cards" in self.request.portal_features
        return context


class RouteForm(forms.Form):
    channels = forms.IntegerField(label="Channels", min_value=0, help_text="0 means unlimited.")
    max_duration = forms.IntegerField(label="Max Duration", min_value=1, help_text="Seconds.")
    cps = forms.IntegerField(label="Flow Speed (CPS)", min_value=0, help_text="0 means unlimited.")


class RouteEditView(PortalPage):
    """Channels, Max Duration and Flow Speed of one of the customer's routes (Routes (Editable))."""

    template_name = "portal/site/route_edit.html"
    feature = "routes_editable"

    def get_route(self):
        route = site_selectors.route(customer=self.request.portal_customer, pk=self.kwargs["pk"])
        if route is None:
            raise Http404("No such route.")
        return route

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        route = self.get_route()
        initial = {"channels": route.channels, "max_duration": route.max_duration, "cps": route.cps}
        context.setdefault("form", RouteForm(initial=initial))
        context.update(route=route, title=f"Route {route}")
        return context

    def post(self, request, *args, **kwargs):
        from routing import services as routing_services

        route = self.get_route()
        form = RouteForm(request.POST)
        if form.is_valid():
            try:
                routing_services.ingress_route_update(
                    actor=request.portal_user, instance=route, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Route saved.")
                return redirect("portal_site:routes")
        return self.render_to_response(self.get_context_data(form=form))


# Payments


class PaymentListView(PortalPage):
    template_name = "portal/site/payments.html"
    title = "Payments"
    feature = "payments"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = site_selectors.payments(customer=self.request.portal_customer)
        context["page"] = site_selectors.page(rows, self.request.GET.get("page"))
        context["make_payment_url"] = make_payment_url(self.request)
        return context


class PaymentDownloadView(PaymentListView):
    def get(self, request, *args, **kwargs):
        def rows():
            yield ["date", "description", "amount", "currency", "status"]
            for p in site_selectors.payments(customer=request.portal_customer).iterator(chunk_size=2000):
                text = p.public_description
                safe = "'" + text if text.startswith(FORMULA_START) else text
                yield [p.created_at.isoformat(), safe, f"{p.amount}", p.currency, p.get_status_display()]

        return _Download.response(rows(), "payments", "csv")


# Interconnect Info


class InterconnectView(PortalPage):
    template_name = "portal/site/interconnect.html"
    title = "Interconnect Info"
    feature = "interconnect_info"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["addresses"] = site_selectors.interconnect_addresses()
        return context


# Carrier portal


class CarrierPage(PortalPage):
    audience = CARRIER
    feature = "carrier_portal"


class CarrierRateCardListView(CarrierPage):
    template_name = "portal/site/carrier_rate_cards.html"
    title = "Rate Cards"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cards"] = site_selectors.carrier_cards(carrier=self.request.portal_carrier)
        return context


class CarrierRateCardView(CarrierPage):
    """One provider card: its published revisions, and the rates of the chosen one (current by default)."""

    template_name = "portal/site/rate_card.html"

    def get_objects(self):
        card = site_selectors.carrier_card(carrier=self.request.portal_carrier, card_id=self.kwargs["pk"])
        if card is None:
            raise Http404("No such rate card.")
        number = self.kwargs.get("number")
        if number is None:
            revision = card.current_revision
        else:
            revision = site_selectors.carrier_revision(card=card, number=number)
            if revision is None:
                raise Http404("No such revision.")
        return card, revision

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        card, revision = self.get_objects()
        query = self.request.GET.get("q", "")
        rates = site_selectors.provider_rates(revision=revision, query=query) if revision else []
        context.update(
            card=card,
            revision=revision,
            revisions=list(site_selectors.carrier_revisions(card=card)[:50]),
            title=card.name,
            q=query,
            page=site_selectors.page(rates, self.request.GET.get("page")),
            carrier=True,
        )
        return context


class CarrierRateCardDownloadView(CarrierRateCardView):
    def get(self, _request, *args, **kwargs):
        from ratecards.selectors import export_filename, revision_rows_for_export

        _card, revision = self.get_objects()
        if revision is None:
            raise Http404("Nothing published yet.")
        name = export_filename(revision, kwargs["fmt"]).rsplit(".", 1)[0]
        return _Download.response(revision_rows_for_export(revision), name, kwargs["fmt"])
