"""Seed 000, "Email Verification" and "Mobile Verification", step by step in a browser.

A real Celery worker sends the codes (email to Django's locmem outbox, SMS to the locmem SMS backend).
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts import sms
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.helpers import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_outboxes():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def test_email_verification_by_typing_the_code(page, celery_worker):
    UserFactory(email="ops@example.test")
    log_in(page, "ops@example.test", PASSWORD)
    # 1. Click on the Top Left notification button
    page.get_by_role("button", name="Notifications").click()
    # 2. Click on Verify on Verify Email
    page.get_by_role("link", name="Verify on Verify Email").click()
    expect(page.get_by_role("heading", name="Verify Email")).to_be_visible()
    # 3. Click on Send Verification Code
    page.get_by_role("button", name="Send Verification Code").click()
    expect(page.get_by_text("A verification code is on its way to ops@example.test")).to_be_visible()
    # 4. ...copy & paste the verification code sent to your email, and click the button.
    assert wait_for(lambda: mail.outbox)
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    page.get_by_label("Verification Code").fill(code)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("Your email is verified.")).to_be_visible()
    expect(page.locator("#verification-status")).to_contain_text("Verified")
    page.get_by_role("button", name="Notifications").click()
    expect(page.get_by_role("link", name="Verify on Verify Email")).to_have_count(0)


def test_email_verification_by_clicking_the_link(page, celery_worker):
    UserFactory(email="ops@example.test")
    log_in(page, "ops@example.test", PASSWORD)
    page.get_by_role("button", name="Notifications").click()
    page.get_by_role("link", name="Verify on Verify Email").click()
    page.get_by_role("button", name="Send Verification Code").click()
    assert wait_for(lambda: mail.outbox)
    # 4. Either click the link...
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("ops@example.test is verified.")).to_be_visible()
    expect(page.locator("#verification-status")).to_contain_text("Verified")


def test_mobile_verification(page, celery_worker):
    UserFactory(email="ops@example.test", mobile="")
    log_in(page, "ops@example.test", PASSWORD)
    # 1. Click on the Top Left notification button.
    page.get_by_role("button", name="Notifications").click()
    # 2. Click on Verify on Verify Mobile.
    page.get_by_role("link", name="Verify on Verify Mobile").click()
    expect(page.get_by_role("heading", name="Verify Mobile")).to_be_visible()
    # 3. Click on Edit.
    page.get_by_role("link", name="Edit").click()
    # 4. Enter the Phone Number in E.164 format and click Save.
    page.get_by_label("Phone Number").fill("07911 123456")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Enter the mobile number in E.164 format")).to_be_visible()
    page.get_by_label("Phone Number").fill("+447911123456")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Mobile number saved.")).to_be_visible()
    # 5. Click on Send Verification Code.
    page.get_by_role("button", name="Send Verification Code").click()
    # 6. Enter the Verification code sent to your mobile and click Verify.
    assert wait_for(lambda: sms.outbox)
    assert sms.outbox[0].to == "+447911123456"
    code = re.search(r"\d{6}", sms.outbox[0].body).group(0)
    page.get_by_label("Verification Code").fill(code)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("Your mobile is verified.")).to_be_visible()
    expect(page.locator("#verification-status")).to_contain_text("Verified")
