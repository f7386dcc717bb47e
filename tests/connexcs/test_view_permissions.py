"""Every URL the project serves is either a declared public page or guarded by an area."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from connexcs.permissions import AreaPermissionMixin

# Pages that must answer without an area: authentication itself, health, Django admin (own checks),
# and machine APIs that authenticate by token.
ANONYMOUS = {
    "healthz",
    "portal:caddy_ask",  # Caddy asks from loopback (or PORTAL_ASK_ALLOWED); tested in tests/portal
    "portal:caddy_certificate",  # the same loopback rule; tested in tests/certificates
    "accounts:login",
    "accounts:logout",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
}
# Any signed-in staff member, and only about request.user: the dashboard and one's own profile,
# password, 2FA and verification. Anonymous visitors are sent to log in (tested below).
SIGNED_IN = {
    "dashboard",
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
PUBLIC = ANONYMOUS | SIGNED_IN
# webhooks: the payment providers' deliveries, authenticated by signature (tested in tests/payments).
PUBLIC_PREFIXES = (
    "admin:",
    "api:",
    "cdr_api:",
    "servers_api:",
    "portal_site:",
    "accounts:login_",
    "accounts:verify_link",
    "webhooks:",
)


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


@pytest.mark.parametrize(("name", "pattern"), list(staff_patterns()))
def test_every_staff_view_declares_an_area(name, pattern):
    cls = view_class(pattern)
    assert cls is not None and issubclass(cls, AreaPermissionMixin), name
    assert cls.area is not None, f"{name} has no permission area"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SIGNED_IN))
def test_signed_in_pages_send_anonymous_visitors_to_log_in(client, name):
    from django.urls import reverse

    for method in (client.get, client.post):
        response = method(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response.url, name


def staff_url(name, pattern):
    """A URL for the pattern with placeholder arguments (the permission check runs before lookups)."""
    from django.urls import reverse

    converters = getattr(pattern.pattern, "converters", {})
    kwargs = {}
    for key, converter in converters.items():
        kwargs[key] = "x" if type(converter).__name__ in ("StringConverter", "SlugConverter") else 1
    return reverse(name, kwargs=kwargs)


STAFF = list(staff_patterns())


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "pattern"), STAFF, ids=[name for name, _ in STAFF])
def test_every_staff_view_sends_anonymous_to_login_and_refuses_a_user_without_the_area(client, name, pattern):
    from tests.factories import UserFactory

    url = staff_url(name, pattern)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, (name, url)
    client.force_login(UserFactory())  # signed in, in no group: no area at all
    for method in (client.get, client.post):
        assert method(url).status_code == 403, (name, url)
