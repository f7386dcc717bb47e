"""Login with an optional second step (TOTP or recovery code), and the emailed verification link."""

import time

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from . import services, two_factor, verification
from .forms import LoginForm, TwoFactorCodeForm
from .middleware import MUST_ENROL
from .models import User, VerificationCode

PENDING = "accounts.pending_2fa"
PENDING_LIFETIME = 300  # seconds between the password and the code


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def normalize_login(value) -> str:
    """One spelling per address, as the user manager stores it, so `User@X` and `user@x` are one identity."""
    return User.objects.normalize_email((value or "").strip()).lower()


def axes_username(request, credentials=None) -> str:
    """AXES_USERNAME_CALLABLE: failures and lockouts are counted per normalised address (and IP)."""
    if credentials:
        return normalize_login(credentials.get("username"))
    data = getattr(request, "data", None) or request.POST
    return normalize_login(data.get("username"))


class PanelLoginView(LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.is_enabled(user):
            # Password accepted, but not logged in yet: a new session key holds who is half-way.
            self.request.session.cycle_key()
            self.request.session[PENDING] = {
                "user_id": user.pk,
                "backend": user.backend,
                "next": self.get_success_url(),
                "since": time.time(),
            }
            return redirect("accounts:login_2fa")
        response = super().form_valid(form)  # django.contrib.auth.login rotates the session key
        if two_factor.two_factor_required():
            self.request.session[MUST_ENROL] = True
            messages.warning(
                self.request, "Your administrator requires two factor authentication. Enable it now."
            )
            response = redirect("accounts:two_factor")
        services.user_logged_in(user=user, ip_address=client_ip(self.request))
        return response


class LoginTwoFactorView(FormView):
    template_name = "registration/login_2fa.html"
    form_class = TwoFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        pending = request.session.get(PENDING)
        if not pending or time.time() - pending["since"] > PENDING_LIFETIME:
            request.session.pop(PENDING, None)
            messages.info(request, "Please log in again.")
            return redirect("accounts:login")
        self.pending = pending
        self.user = User.objects.filter(pk=pending["user_id"], is_active=True).first()
        if self.user is None:  # disabled between the two steps
            request.session.pop(PENDING, None)
            return redirect("accounts:login")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        request = self.request
        try:
            accepted = two_factor.two_factor_verify(user=self.user, code=form.cleaned_data["code"])
        except two_factor.TwoFactorLocked:
            accepted = None
        if not accepted:
            # Counted by django-axes as a failed login for this user and address, too.
            user_login_failed.send(
                sender=__name__, credentials={"username": self.user.email}, request=request
            )
            if accepted is None or two_factor.is_locked(self.user):
                request.session.pop(PENDING, None)
                messages.error(request, "Too many wrong codes. Please wait, then log in again.")
                return redirect("accounts:login")
            form.add_error("code", "That code is not right, or it was already used.")
            return self.form_invalid(form)
        request.session.pop(PENDING, None)
        auth_login(request, self.user, backend=self.pending["backend"])  # rotates the session key again
        two_factor.mark_verified(request.session)
        services.user_logged_in(user=self.user, ip_address=client_ip(request))
        return redirect(self.pending["next"])


class VerifyLinkView(TemplateView):
    """The link in the verification email. GET asks for a click, so mail scanners that open links
    do not use the code; POST verifies it. Works without a login: holding the code is the proof."""

    template_name = "accounts/verify_link.html"

    def post(self, request, code_id, code):
        row = get_object_or_404(VerificationCode, pk=code_id)
        try:
            verification.verification_check(
                actor=request.user, channel=row.channel, code=code, code_id=row.pk
            )
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(error=" ".join(exc.messages)))
        messages.success(request, f"{row.target} is verified.")
        if request.user.is_authenticated:
            return redirect("accounts:verify_email")
        return redirect(reverse("accounts:login"))
