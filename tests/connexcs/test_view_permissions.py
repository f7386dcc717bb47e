"""Every URL the project serves is either a declared public page or guarded by an area."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from connexcs.permissions import AreaPermissionMixin

# Pages that must answer without an area: authentication itself, health, Django admin (own checks),
# and machine APIs that authenticate by token.
PUBLIC = {
    "healthz",
    "dashboard",  # any signed-in staff member; login required (tested below)
    "accounts:login",
    "accounts:logout",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    # One's own login, profile, 2FA and verification: any signed-in staff member, only about
    # request.user (login required; tested in tests/accounts/test_views.py).
    "accounts:verify_email",
    "accounts:verify_mobile",
    "accounts:verify_mobile_edit",
    "accounts:verify_email_send",
    "accounts:verify_mobile_send",
    "accounts:profile",
    "accounts:profile_edit",
    "accounts:password_change",
    "accounts:two_factor",
    "accounts:two_factor_enable",
    "accounts:two_factor_disable",
}
PUBLIC_PREFIXES = ("admin:", "api:", "portal_site:", "accounts:login_", "accounts:verify_link")


def iter_patterns(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_patterns(entry, ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", entry


def view_class(pattern):
    callback = pattern.callback
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def staff_patterns():
    for name, pattern in iter_patterns(get_resolver()):
        if name in PUBLIC or name.startswith(PUBLIC_PREFIXES):
            continue
        yield name, pattern


@pytest.mark.parametrize(("name", "pattern"), list(staff_patterns()) or [("none", None)])
def test_every_staff_view_declares_an_area(name, pattern):
    if pattern is None:
        return
    cls = view_class(pattern)
    assert cls is not None and issubclass(cls, AreaPermissionMixin), name
    assert cls.area is not None, f"{name} has no permission area"


def test_dashboard_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response.url
