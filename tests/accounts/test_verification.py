import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from accounts import sms, verification
from accounts.choices import Channel
from accounts.models import User, VerificationCode
from connexcs.models import AuditEvent
from tests.factories import UserFactory
from tests.helpers import wait_for

pytestmark = pytest.mark.django_db


def send_and_deliver(user, channel, callbacks_fixture):
    """Send, then do the worker's part here (the real worker is tested at the end of this file)."""
    with callbacks_fixture(execute=False) as callbacks:
        row = verification.verification_send(actor=user, channel=channel)
    assert len(callbacks) == 1
    verification.verification_deliver(code_id=row.pk)
    return row


def code_from_mail() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def test_email_code_is_sent_by_the_task_with_a_panel_link(settings, django_capture_on_commit_callbacks):
    user = UserFactory(email="ops@example.test")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = verification.verification_send(actor=user, channel=Channel.EMAIL)
    assert mail.outbox == [] and len(callbacks) == 1  # sent from a worker after commit
    verification.verification_deliver(code_id=row.pk)
    message = mail.outbox[0]
    assert message.to == ["ops@example.test"]
    code = code_from_mail()
    assert f"{settings.PANEL_URL}/accounts/verify/link/{row.pk}/{code}/" in message.body
    row.refresh_from_db()
    assert row.outgoing == "" and row.sent_at is not None  # the plaintext copy is gone once sent
    assert code not in row.code_hash


def test_stored_code_is_neither_plaintext_nor_reversible_from_the_table(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):
        row = verification.verification_send(actor=user, channel=Channel.EMAIL)
    with connection.cursor() as cursor:
        cursor.execute("SELECT code_hash, outgoing FROM accounts_verificationcode WHERE id = %s", [row.pk])
        code_hash, outgoing = cursor.fetchone()
    code = row.outgoing  # decrypted by the field
    assert len(code) == 6 and code not in code_hash and code not in outgoing


def test_right_code_verifies_and_is_audited(django_capture_on_commit_callbacks):
    user = UserFactory()
    send_and_deliver(user, Channel.EMAIL, django_capture_on_commit_callbacks)
    verification.verification_check(actor=user, channel=Channel.EMAIL, code=code_from_mail())
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert AuditEvent.objects.filter(action="user.email_verified", object_id=str(user.pk)).exists()


@pytest.mark.parametrize("wrong", ["000000x", "12345", ""])
def test_malformed_code_is_refused(wrong, django_capture_on_commit_callbacks):
    user = UserFactory()
    send_and_deliver(user, Channel.EMAIL, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as exc:
        verification.verification_check(actor=user, channel=Channel.EMAIL, code=wrong)
    assert "code" in exc.value.message_dict
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_wrong_code_counts_and_fifth_wrong_code_locks_the_code(django_capture_on_commit_callbacks):
    user = UserFactory()
    send_and_deliver(user, Channel.EMAIL, django_capture_on_commit_callbacks)
    right = code_from_mail()
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(verification.MAX_ATTEMPTS):
        with pytest.raises(ValidationError, match="not right"):
            verification.verification_check(actor=user, channel=Channel.EMAIL, code=wrong)
    with pytest.raises(ValidationError, match="Too many wrong attempts"):
        verification.verification_check(actor=user, channel=Channel.EMAIL, code=right)
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_expired_code_is_refused(time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to("2026-03-01 10:00", tick=False)
    user = UserFactory()
    send_and_deliver(user, Channel.EMAIL, django_capture_on_commit_callbacks)
    time_machine.shift(10 * 60 + 1)
    with pytest.raises(ValidationError, match="expired"):
        verification.verification_check(actor=user, channel=Channel.EMAIL, code=code_from_mail())


def test_code_cannot_be_used_twice(django_capture_on_commit_callbacks):
    user = UserFactory()
    send_and_deliver(user, Channel.EMAIL, django_capture_on_commit_callbacks)
    code = code_from_mail()
    verification.verification_check(actor=user, channel=Channel.EMAIL, code=code)
    with pytest.raises(ValidationError, match="already been used"):
        verification.verification_check(actor=user, channel=Channel.EMAIL, code=code)


def test_resending_is_rate_limited_and_supersedes(time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to("2026-03-01 10:00", tick=False)
    user = UserFactory()
    send_and_deliver(user, Channel.EMAIL, django_capture_on_commit_callbacks)
    first = code_from_mail()
    with pytest.raises(ValidationError, match="Please wait"):
        verification.verification_send(actor=user, channel=Channel.EMAIL)
    assert VerificationCode.objects.filter(user=user).count() == 1
    time_machine.shift(61)
    send_and_deliver(user, Channel.EMAIL, django_capture_on_commit_callbacks)
    second = code_from_mail()
    if first != second:
        with pytest.raises(ValidationError):
            verification.verification_check(actor=user, channel=Channel.EMAIL, code=first)
    verification.verification_check(actor=user, channel=Channel.EMAIL, code=second)
    for _ in range(3):
        time_machine.shift(61)
        send_and_deliver(user, Channel.EMAIL, django_capture_on_commit_callbacks)
    time_machine.shift(61)
    with pytest.raises(ValidationError, match="last hour"):
        verification.verification_send(actor=user, channel=Channel.EMAIL)


@pytest.mark.parametrize("bad", ["07700900123", "+44 77", "+999123456789", "call me", ""])
def test_non_e164_mobile_is_refused_and_nothing_changes(bad):
    user = UserFactory(mobile="+447911123456")
    with pytest.raises(ValidationError) as exc:
        verification.user_set_mobile(actor=user, user=user, mobile=bad)
    assert "E.164" in " ".join(exc.value.message_dict["mobile"])
    user.refresh_from_db()
    assert user.mobile == "+447911123456"


def test_new_mobile_is_stored_in_e164_and_must_be_verified_again(django_capture_on_commit_callbacks):
    user = UserFactory(mobile="+447911123456")
    User.objects.filter(pk=user.pk).update(mobile_verified_at="2026-01-01T00:00Z")
    user = verification.user_set_mobile(actor=user, user=user, mobile="+1 202 555 0143")
    assert user.mobile == "+12025550143" and user.mobile_verified_at is None
    send_and_deliver(user, Channel.MOBILE, django_capture_on_commit_callbacks)
    [message] = sms.outbox
    assert message.to == "+12025550143"
    code = re.search(r"\d{6}", message.body).group(0)
    verification.verification_check(actor=user, channel=Channel.MOBILE, code=code)
    user.refresh_from_db()
    assert user.mobile_verified_at is not None


def test_code_for_an_old_number_is_refused_after_the_number_changes(django_capture_on_commit_callbacks):
    user = UserFactory(mobile="+447911123456")
    send_and_deliver(user, Channel.MOBILE, django_capture_on_commit_callbacks)
    code = re.search(r"\d{6}", sms.outbox[-1].body).group(0)
    verification.user_set_mobile(actor=user, user=user, mobile="+447911123457")
    with pytest.raises(ValidationError, match="no longer yours"):
        verification.verification_check(actor=user, channel=Channel.MOBILE, code=code)


def test_send_without_a_mobile_says_so():
    user = UserFactory(mobile="")
    with pytest.raises(ValidationError, match="mobile number first"):
        verification.verification_send(actor=user, channel=Channel.MOBILE)


# --- views -------------------------------------------------------------------------------------


def test_verify_email_page_send_and_verify(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    client.force_login(user)
    page = client.get("/accounts/verify/email/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Send Verification Code" in html and "Not verified" in html
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/accounts/verify/email/send/", follow=True)
    assert "on its way" in response.content.decode()
    verification.verification_deliver(code_id=VerificationCode.objects.get(user=user).pk)
    wrong = client.post("/accounts/verify/email/", {"code": "12345x"})
    assert wrong.status_code == 200 and "6-digit" in wrong.content.decode()
    response = client.post("/accounts/verify/email/", {"code": code_from_mail()}, follow=True)
    assert "Verified" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is not None
    # The notification is gone once verified.
    assert 'aria-label="Verify on Verify Email"' not in client.get("/").content.decode()


def test_emailed_link_verifies_after_a_click(client, settings, django_capture_on_commit_callbacks):
    user = UserFactory()
    send_and_deliver(user, Channel.EMAIL, django_capture_on_commit_callbacks)
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0).removeprefix(settings.PANEL_URL)
    assert client.get(link).status_code == 200  # opening the link alone changes nothing
    user.refresh_from_db()
    assert user.email_verified_at is None
    assert client.post(link).status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at is not None
    again = client.post(link)
    assert again.status_code == 200 and "already been used" in again.content.decode()


def test_mobile_edit_shows_a_clear_error_for_non_e164(client):
    user = UserFactory(mobile="")
    client.force_login(user)
    response = client.post("/accounts/verify/mobile/edit/", {"mobile": "07700 900123"})
    assert response.status_code == 200 and "E.164" in response.content.decode()
    response = client.post("/accounts/verify/mobile/edit/", {"mobile": "+447911123456"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.mobile == "+447911123456"


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/verify/email/",
        "/accounts/verify/mobile/",
        "/accounts/verify/mobile/edit/",
        "/accounts/my-account/user/",
        "/accounts/my-account/security/",
    ],
)
def test_own_account_pages_need_a_login_only(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(UserFactory())  # no group at all
    assert client.get(url).status_code == 200


# --- real worker ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_verification_email(celery_worker):
    user = UserFactory(email="worker@example.test")
    row = verification.verification_send(actor=user, channel=Channel.EMAIL)
    assert wait_for(lambda: VerificationCode.objects.filter(pk=row.pk, sent_at__isnull=False).exists())
    assert [m.to for m in mail.outbox] == [["worker@example.test"]]
    verification.verification_check(actor=user, channel=Channel.EMAIL, code=code_from_mail())
    user.refresh_from_db()
    assert user.email_verified_at is not None
