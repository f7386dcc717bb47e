"""Pages on a brand's portal domain: log-in and the account pages around it, and the brand's files.

The brand's CSS and JavaScript are served from the brand's own paths with their content types and
allowed only here, by a Content-Security-Policy naming 'self' (and the https scripts the brand
references); the panel never links them. The customer and carrier pages are in portal.site_pages.
"""

import time

from django import forms
from django.contrib import messages
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from accounts.auth_views import client_ip
from connexcs.money import CURRENCY_CHOICES

from . import site_auth, user_services
from .models import PortalUser
from .site_auth import brand_for
from .site_csp import brand_context, content_security_policy
from .validation import split_javascript

PENDING = "portal.pending_2fa"
PENDING_LIFETIME = 300  # seconds between the password and the code


def lockout_username(brand, email: str) -> str:
    """What django-axes counts failures under: the normalised address on this brand (and the IP)."""
    return f"portal:{brand.domain}:{(email or '').strip().lower()}"


class LoginForm(forms.Form):
    email = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Authentication code",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
        help_text="The 6 digits your authenticator app shows.",
    )


class EmailForm(forms.Form):
    email = forms.EmailField(label="Email")


class SetPasswordForm(forms.Form):
    new_password1 = forms.CharField(label="New password", strip=False, widget=forms.PasswordInput)
    new_password2 = forms.CharField(label="Repeat the new password", strip=False, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", "The two passwords differ.")
        return data


class SignupForm(forms.Form):
    company = forms.CharField(label="Company Name", max_length=150)
    name = forms.CharField(label="Your Name", max_length=150)
    email = forms.EmailField(label="Email")
    currency = forms.ChoiceField(label="Currency")
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, brand, **kwargs):
        super().__init__(*args, **kwargs)
        codes = brand.currencies or [code for code, _label in CURRENCY_CHOICES]
        self.fields["currency"].choices = [(code, code) for code in codes]


def add_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class PublicPage(FormView):
    """A page of the brand that needs no log-in (log in, reset, sign-up), with the brand's CSP."""

    template_name = "portal/site/form_page.html"
    title = ""
    intro = ""
    submit_label = "Save"

    def dispatch(self, request, *args, **kwargs):
        self.brand = brand_for(request)
        response = super().dispatch(request, *args, **kwargs)
        response["Content-Security-Policy"] = content_security_policy(self.brand)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            brand_context(self.brand), title=self.title, intro=self.intro, submit_label=self.submit_label
        )
        return context


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _complete_login(request, user: PortalUser, next_url: str):
    site_auth.login(request, user)
    user_services.logged_in(user=user, ip_address=client_ip(request))
    if user.domain.require_two_factor and not user.two_factor_enabled:
        messages.warning(
            request, f"{user.domain.brand_name} requires two factor authentication. Set it up now."
        )
        return redirect("portal_site:two_factor")
    return redirect(next_url)


class LoginView(PublicPage):
    template_name = "portal/site/login.html"
    form_class = LoginForm
    submit_label = "Log in"

    def get(self, request, *args, **kwargs):
        if site_auth.current_user(request) is not None:
            return redirect("portal_site:home")
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        from axes.handlers.proxy import AxesProxyHandler

        request, brand = self.request, self.brand
        email = form.cleaned_data["email"]
        credentials = {"username": lockout_username(brand, email)}
        if AxesProxyHandler.is_locked(request, credentials):
            return self._locked()
        user = user_services.authenticate(brand=brand, email=email, password=form.cleaned_data["password"])
        if user is None or not site_auth.may_log_in(user):
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                return self._locked()
            form.add_error(None, "That email address and password do not match an account on this portal.")
            return self.form_invalid(form)
        AxesProxyHandler.reset_attempts(ip_address=client_ip(request), username=credentials["username"])
        next_url = _next_url(request, reverse("portal_site:home"))
        if user.two_factor_enabled:
            request.session.cycle_key()
            request.session[PENDING] = {
                "id": user.pk,
                "domain": brand.pk,
                "next": next_url,
                "since": time.time(),
            }
            return redirect("portal_site:login_2fa")
        return _complete_login(request, user, next_url)

    def _locked(self):
        # Our own branded page instead of the panel's lockout template (django-axes' middleware
        # would render it when this flag stays set).
        self.request.axes_locked_out = False
        context = {**brand_context(self.brand), "title": "Too many failed log-ins"}
        context["intro"] = "Log-in is locked for this address from your network for a while. Try again later."
        return render(self.request, "portal/site/form_page.html", context, status=403)


class LoginTwoFactorView(PublicPage):
    form_class = CodeForm
    title = "Two factor authentication"
    intro = "Enter the code from your authenticator app."
    submit_label = "Verify"

    def dispatch(self, request, *args, **kwargs):
        brand = brand_for(request)
        pending = request.session.get(PENDING)
        if (
            not pending
            or pending.get("domain") != brand.pk
            or time.time() - pending["since"] > PENDING_LIFETIME
        ):
            request.session.pop(PENDING, None)
            return redirect("portal_site:login")
        self.pending = pending
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        from axes.handlers.proxy import AxesProxyHandler

        request = self.request
        user = (
            PortalUser.objects.select_related("domain")
            .filter(pk=self.pending["id"], domain=self.brand)
            .first()
        )
        if user is None or not site_auth.may_log_in(user):
            request.session.pop(PENDING, None)
            return redirect("portal_site:login")
        credentials = {"username": lockout_username(self.brand, user.email)}
        if AxesProxyHandler.is_locked(request, credentials):
            request.session.pop(PENDING, None)
            return LoginView(request=request, brand=self.brand)._locked()
        if not user_services.portal_two_factor_verify(user=user, code=form.cleaned_data["code"]):
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                request.session.pop(PENDING, None)
                return LoginView(request=request, brand=self.brand)._locked()
            form.add_error("code", "That code is not right, or it was already used.")
            return self.form_invalid(form)
        next_url = self.pending["next"]
        request.session.pop(PENDING, None)
        return _complete_login(request, user, next_url)


@require_POST
def logout(request):
    brand_for(request)
    site_auth.logout(request)
    return redirect("portal_site:login")


class SetPasswordView(PublicPage):
    """The one-time link of an invitation or a reset."""

    form_class = SetPasswordForm
    title = "Choose your password"
    submit_label = "Set password"

    def dispatch(self, request, *args, **kwargs):
        brand = brand_for(request)
        self.user = user_services.user_from_token(brand=brand, uid=kwargs["uid"], token=kwargs["token"])
        if self.user is None:
            context = {**brand_context(brand), "title": "This link has expired"}
            context["intro"] = (
                "It was already used, or it is too old. Ask for a new one with Forgot your password."
            )
            response = render(request, "portal/site/form_page.html", context, status=404)
            response["Content-Security-Policy"] = content_security_policy(brand)
            return response
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["intro"] = f"For {self.user.email}."
        return context

    def form_valid(self, form):
        try:
            user_services.portal_user_set_password(
                user=self.user, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        site_auth.logout(self.request)
        messages.success(self.request, "Your password is set. Log in with it now.")
        return redirect("portal_site:login")


class PasswordResetView(PublicPage):
    form_class = EmailForm
    title = "Reset your password"
    intro = "We will email you a link to choose a new password."
    submit_label = "Send link"

    def form_valid(self, form):
        user_services.portal_user_reset_request(brand=self.brand, email=form.cleaned_data["email"])
        messages.info(self.request, "If that address has an account here, a link is on its way.")
        return redirect("portal_site:login")


class SignupView(PublicPage):
    form_class = SignupForm
    title = "Sign up"
    submit_label = "Sign up"

    def dispatch(self, request, *args, **kwargs):
        if not brand_for(request).customer_signup:
            raise Http404("Sign-up is not open on this portal.")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "brand": self.brand}

    def form_valid(self, form):
        try:
            user_services.signup_request(brand=self.brand, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.info(
            self.request, f"We sent a link to {form.cleaned_data['email']}: open it to finish signing up."
        )
        return redirect("portal_site:login")


class ConfirmForm(forms.Form):
    pass


class SignupVerifyView(PublicPage):
    """The link in the sign-up mail: GET asks for a click (mail scanners open links), POST opens it."""

    form_class = ConfirmForm
    title = "Confirm your sign-up"
    intro = "Click Confirm to open your account."
    submit_label = "Confirm"

    def form_valid(self, form):
        try:
            user = user_services.signup_verify(brand=self.brand, token=self.kwargs["token"])
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Your email address is confirmed and your account is open.")
        return _complete_login(self.request, user, reverse("portal_site:home"))


def _text(content: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def brand_css(request):
    return _text(brand_for(request).css, "text/css; charset=utf-8")


def brand_js(request):
    _external, raw = split_javascript(brand_for(request).javascript)
    return _text(raw, "text/javascript; charset=utf-8")


def brand_logo(request):
    brand = brand_for(request)
    if not brand.logo_type:
        raise Http404("No logo.")
    response = HttpResponse(bytes(brand.logo), content_type=brand.logo_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def healthz(_request):
    return HttpResponse("ok", content_type="text/plain")
