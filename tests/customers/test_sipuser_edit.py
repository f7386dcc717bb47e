"""Editing a SIP user from the Authentication tab: enable/disable and a new password."""

import pytest
from django.urls import reverse

from accounts.choices import Access, Area
from connexcs import versioning
from connexcs.models import AuditEvent
from customers import services
from customers.models import SIPUser
from tests.factories import AdminFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

STRONG = "Tr0ub4dor&3-Horse"
NEW = "N3w-Secret-Pass!"


@pytest.fixture
def sipuser():
    admin = AdminFactory()
    customer = services.customer_create(actor=admin, name="Acme", currency="EUR")
    return services.sipuser_create(actor=admin, customer=customer, username="acme100", password=STRONG)


def urls(sipuser):
    kwargs = {"customer_pk": sipuser.customer_id, "pk": sipuser.pk}
    return (
        reverse("customers:sipuser_edit", kwargs=kwargs),
        reverse("customers:sipuser_enable", kwargs=kwargs),
        reverse("customers:customer_auth", kwargs={"pk": sipuser.customer_id}),
    )


def test_auth_tab_offers_edit_and_disable(admin_client, sipuser):
    edit, enable, auth = urls(sipuser)
    body = admin_client.get(auth).content.decode()
    assert edit in body and enable in body and 'aria-label="Disable acme100"' in body


def test_change_password_recomputes_digests_audits_and_bumps(
    admin_client, sipuser, django_capture_on_commit_callbacks
):
    edit, _, auth = urls(sipuser)
    version = versioning.current("routing")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(edit, {"enabled": "on", "password": NEW})
    assert response.status_code == 302 and response.url == auth
    fresh = SIPUser.objects.get(pk=sipuser.pk)
    assert fresh.password == NEW and fresh.enabled
    assert (fresh.ha1, fresh.ha1b) == services.sip_digests("acme100", NEW)
    assert (fresh.ha1, fresh.ha1b) != (sipuser.ha1, sipuser.ha1b)
    event = AuditEvent.objects.get(action="sipuser.password_change", object_id=str(sipuser.pk))
    assert NEW not in str(event.before) + str(event.after) + event.note
    assert versioning.current("routing") == version + 1
    assert NEW not in admin_client.get(auth).content.decode()


def test_weak_password_is_refused_and_never_echoed(admin_client, sipuser):
    edit, _, _ = urls(sipuser)
    for weak in ("short", "acme100-Password1"):
        response = admin_client.post(edit, {"enabled": "on", "password": weak})
        assert response.status_code == 200 and "password" in response.context["form"].errors
        assert f'value="{weak}"' not in response.content.decode()
    fresh = SIPUser.objects.get(pk=sipuser.pk)
    assert fresh.password == STRONG and fresh.ha1 == sipuser.ha1


def test_empty_password_keeps_it_and_edit_can_disable(admin_client, sipuser):
    edit, _, _ = urls(sipuser)
    page = admin_client.get(edit).content.decode()
    assert 'name="password"' in page and STRONG not in page
    assert admin_client.post(edit, {"password": ""}).status_code == 302
    fresh = SIPUser.objects.get(pk=sipuser.pk)
    assert not fresh.enabled and fresh.password == STRONG and fresh.ha1 == sipuser.ha1
    assert not AuditEvent.objects.filter(action="sipuser.password_change").exists()
    assert AuditEvent.objects.filter(action="sipuser.update", after={"enabled": False}).count() == 1


def test_disable_then_enable_from_the_tab(admin_client, sipuser, django_capture_on_commit_callbacks):
    _, enable, auth = urls(sipuser)
    version = versioning.current("routing")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(enable, {"enabled": "false"})
    assert response.status_code == 302 and response.url == auth
    assert not SIPUser.objects.get(pk=sipuser.pk).enabled
    assert versioning.current("routing") == version + 1
    body = admin_client.get(auth).content.decode()
    assert "SIP user acme100 disabled." in body and 'aria-label="Enable acme100"' in body
    admin_client.post(enable, {"enabled": "true"})
    assert SIPUser.objects.get(pk=sipuser.pk).enabled
    actions = AuditEvent.objects.filter(action="sipuser.update", object_id=str(sipuser.pk))
    assert [e.after for e in actions.order_by("pk")] == [{"enabled": False}, {"enabled": True}]


def test_read_only_user_cannot_change_a_sip_user(client, sipuser):
    edit, enable, _ = urls(sipuser)
    reader = UserFactory()
    grant(reader, Area.CUSTOMER, access=Access.READ)
    client.force_login(reader)
    assert client.post(edit, {"enabled": "", "password": NEW}).status_code == 403
    assert client.post(enable, {"enabled": "false"}).status_code == 403
    fresh = SIPUser.objects.get(pk=sipuser.pk)
    assert fresh.enabled and fresh.password == STRONG
    client.logout()
    assert client.post(enable, {"enabled": "false"}).status_code == 302
    assert SIPUser.objects.get(pk=sipuser.pk).enabled


def test_other_customers_sip_user_is_404(admin_client, sipuser):
    other = services.customer_create(actor=AdminFactory(), name="Other", currency="EUR")
    for name in ("customers:sipuser_edit", "customers:sipuser_enable"):
        url = reverse(name, kwargs={"customer_pk": other.pk, "pk": sipuser.pk})
        assert admin_client.post(url, {"enabled": "false"}).status_code == 404
    assert SIPUser.objects.get(pk=sipuser.pk).enabled
