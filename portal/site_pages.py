"""The logged-in pages of a portal: Dashboard and Profile (details, password, two factor).

Every page is a `site_auth.PortalLoginRequired` view, so it exists only for a user logged in on
this brand, for the right audience, with its feature shown; everything it reads comes from
`portal.site_selectors`, scoped to the user's own customer or carrier.
"""

import pyotp
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from accounts.two_factor import ISSUER, qr_svg

from . import site_auth, site_selectors, user_services
from .site_auth import PortalLoginRequired, url_exists
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
        make_payment = "payments" in features and url_exists("portal_site:make_payment")
        context["make_payment_url"] = reverse("portal_site:make_payment") if make_payment else ""
        return context


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
