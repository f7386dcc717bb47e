"""Setup > Config > Templates: the operator rewords a message and the next one sent uses it."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services as account_services
from accounts import sms, verification
from accounts.choices import Area, Channel
from connexcs.models import AuditEvent
from customers.models import Contact
from notices import services
from notices.models import MessageTemplate
from notices.render import message
from notices.stock import STOCK
from portal.models import CustomerPortal
from tests.factories import AdminFactory, CustomerFactory, UserFactory
from tests.portal.factories import VerifiedDomainFactory
from tests.viewtests import ViewTestCases

pytestmark = pytest.mark.django_db


def template(key: str) -> MessageTemplate:
    return MessageTemplate.objects.get(key=key)


def form(row: MessageTemplate, **changes) -> dict:
    data = {"name": row.name, "subject": row.subject, "text": row.text, "html": row.html, "sms": row.sms}
    return {**data, **changes}


class TestTemplateViews(ViewTestCases):
    area = Area.ACCOUNT
    other_area = Area.CUSTOMER
    read_only = {"notices:template_list"}

    @pytest.fixture
    def pages(self):
        pk = template("user_password_reset").pk
        return [
            ("notices:template_list", {}, "get"),
            ("notices:template_edit", {"pk": pk}, "get"),
            ("notices:template_reset", {"pk": pk}, "post"),
        ]


@pytest.mark.parametrize("key", sorted(STOCK))
def test_every_stock_message_has_its_row_and_renders_its_sample(key):
    row = template(key)
    assert not row.customised
    sent = message(key, STOCK[key].sample)
    assert sent.subject and sent.text
    assert "{{" not in sent.subject + sent.text + sent.sms
    assert ("sms" in STOCK[key].channels) == bool(sent.sms)


def test_list_shows_every_message_under_setup_config(admin_client):
    page = admin_client.get("/config/templates/").content.decode()
    for stock in STOCK.values():
        assert stock.name in page
    assert "Templates" in page and "Packages" in page  # both sit under Setup > Config


def test_reworded_password_reset_is_what_the_user_receives(admin_client):
    row = template("user_password_reset")
    response = admin_client.post(
        reverse("notices:template_edit", args=[row.pk]),
        form(
            row,
            subject="{{user.name}}: your Acme Telecom password",
            text="Dear {{user.name}},\nReset it here: {{link}}\n-- Acme NOC",
            html='<p>Dear {{user.name}}, <a href="{{link}}">reset your password</a>.</p>',
        ),
    )
    assert response.status_code == 302
    user = UserFactory(name="Zoë <Ops>", email="zoe@example.test")

    account_services.user_send_password_reset(user_id=user.pk)

    sent = mail.outbox[-1]
    assert sent.subject == "Zoë <Ops>: your Acme Telecom password"
    assert sent.body.startswith("Dear Zoë <Ops>,\nReset it here: http")  # plain text: nothing escaped
    [(html, mimetype)] = sent.alternatives
    assert mimetype == "text/html" and "Dear Zoë &lt;Ops&gt;," in html
    assert re.search(r'href="http[^"]+/accounts/reset/', html)
    assert template("user_password_reset").customised
    event = AuditEvent.objects.get(action="template.update")
    assert event.before["subject"] == STOCK["user_password_reset"].subject
    assert event.after["subject"].startswith("{{user.name}}")


def test_a_template_that_does_not_parse_names_the_field_line_and_column(admin_client):
    row = template("user_login_alert")
    before = (row.subject, row.text, row.updated_at)
    response = admin_client.post(
        reverse("notices:template_edit", args=[row.pk]),
        form(row, text="Hello {{user.name}},\n{{#if ip_address}}from {{ip_address}}", sms=""),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["text"] == ["Line 2, column 1: {{#if}} is never closed."]
    assert "Line 2, column 1" in response.content.decode()
    row.refresh_from_db()
    assert (row.subject, row.text, row.updated_at) == before
    assert not AuditEvent.objects.filter(action="template.update").exists()


def test_unknown_helper_and_empty_required_fields_are_refused(admin_client):
    row = template("user_verification_code")
    response = admin_client.post(
        reverse("notices:template_edit", args=[row.pk]), form(row, subject="{{shout code}}", sms="  ")
    )
    errors = response.context["form"].errors
    assert "Unknown helper 'shout'" in errors["subject"][0]
    assert errors["sms"] == ["This field is required."]  # verification codes also go by SMS


def test_preview_renders_the_draft_with_sample_data_and_saves_nothing(admin_client):
    row = template("server_unreachable")
    response = admin_client.post(
        reverse("notices:template_edit", args=[row.pk]),
        form(
            row,
            subject="DOWN: {{server.name}} since {{dateFormat server.last_heartbeat_at 'll'}}",
            preview="1",
        ),
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.subject == "DOWN: sip-lon-1 since Dec 7, 2026"
    assert "not saved" in response.content.decode()
    row.refresh_from_db()
    assert row.subject == STOCK["server_unreachable"].subject


def test_reset_brings_back_the_stock_wording(admin_client):
    row = template("portal_customer_invite")
    services.message_template_update(
        actor=AdminFactory(), instance=row, **form(row, name="Welcome", text="Hi {{user.name}} {{link}}")
    )
    page = admin_client.get(reverse("notices:template_edit", args=[row.pk])).content.decode()
    assert "data-confirm=" in page and "Reset" in page

    response = admin_client.post(reverse("notices:template_reset", args=[row.pk]))

    assert response.status_code == 302
    row.refresh_from_db()
    stock = STOCK["portal_customer_invite"]
    assert (row.name, row.text) == (stock.name, stock.text) and not row.customised
    assert AuditEvent.objects.filter(action="template.reset", object_id=str(row.pk)).count() == 1


def test_portal_invitation_uses_the_brand_in_the_operators_words(admin_client):
    brand = VerifiedDomainFactory(domain="acme.brand.test", brand_name="Acme Voice")
    customer = CustomerFactory()
    CustomerPortal.objects.create(customer=customer, domain=brand)
    contact = Contact.objects.create(customer=customer, name="Ann Lee", email="ann@customer.test")
    row = template("portal_customer_invite")
    services.message_template_update(
        actor=AdminFactory(),
        instance=row,
        **form(row, subject="Welcome to {{brand.name}}", text="{{user.name}}, set a password: {{link}}"),
    )

    admin_client.post(f"/portal/customers/{customer.pk}/contacts/{contact.pk}/invite/")

    sent = mail.outbox[-1]
    assert sent.subject == "Welcome to Acme Voice"
    assert re.fullmatch(r"Ann Lee, set a password: http://acme\.brand\.test/password/set/\S+/", sent.body)


def test_verification_sms_uses_the_sms_wording(django_capture_on_commit_callbacks):
    sms.outbox.clear()
    row = template("user_verification_code")
    services.message_template_update(
        actor=AdminFactory(), instance=row, **form(row, sms="Acme code: {{code}}. Never share it.")
    )
    user = UserFactory(mobile="+447911123456")
    with django_capture_on_commit_callbacks(execute=False):
        sent = verification.verification_send(actor=user, channel=Channel.MOBILE)
    verification.verification_deliver(code_id=sent.pk)

    assert re.fullmatch(r"Acme code: \d{6}\. Never share it\.", sms.outbox[-1].body)
    sms.outbox.clear()


def test_a_saved_template_that_fails_on_real_data_falls_back_to_the_stock_wording(caplog):
    # Saved around the service (as an older release might have): it no longer parses.
    MessageTemplate.objects.filter(key="user_login_alert").update(subject="{{#if broken}}")
    sent = message("user_login_alert", STOCK["user_login_alert"].sample)
    assert sent.subject == "New login to connexcs"
    assert "could not be rendered" in caplog.text


def test_missing_rows_are_made_again_and_kept_rows_are_not_touched():
    row = template("server_ready")
    services.message_template_update(
        actor=AdminFactory(), instance=row, **form(row, text="Ready: {{server.ip}}")
    )
    MessageTemplate.objects.filter(key="server_expired").delete()

    assert services.message_templates_ensure() == 1

    assert template("server_expired").text == STOCK["server_expired"].text
    assert template("server_ready").text == "Ready: {{server.ip}}"
