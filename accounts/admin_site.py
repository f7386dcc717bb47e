"""The Django admin behind the panel's one login: password, 2FA and axes happen at /accounts/login/.

The admin's own login form would check a password alone, so it is replaced by a redirect, and the
site opens only to an active Administrator whose session passed the code step.
"""

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


class PanelAdminSite(AdminSite):
    site_header = "connexcs admin"
    site_title = "connexcs admin"

    def has_permission(self, request):
        from . import two_factor  # models are not loaded when this module is imported by the app registry

        user = request.user
        return user.is_active and user.is_staff and two_factor.session_verified(request)

    def login(self, request, extra_context=None):
        from . import two_factor

        user = request.user
        if not user.is_authenticated:
            query = urlencode({"next": request.GET.get("next") or reverse("admin:index")})
            return redirect(f"{reverse('accounts:login')}?{query}")
        if not user.is_staff:
            raise PermissionDenied
        if two_factor.is_enabled(user):
            # A session that never proved a code (it began before 2FA was on): log out, then in again.
            messages.info(request, "The admin site needs a log-in with your authentication code.")
        else:
            messages.info(request, "Enable two factor authentication to use the admin site.")
        return redirect("accounts:two_factor")


class PanelAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.PanelAdminSite"
