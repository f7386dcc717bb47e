import threading

import pyotp
import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.test import Client

from accounts import two_factor
from accounts.models import AccountSettings, RecoveryCode, TwoFactor
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

T0 = 1_800_000_000  # a step boundary (divisible by 30), in 2027
T1 = T0 + 600  # later: the enrolment's step is out of the drift window


def enrol(user, clock):
    """Enrol at T0 (which uses T0's step), then move the clock to T1."""
    clock.move_to(T0, tick=False)
    record = two_factor.two_factor_begin(actor=user)
    codes = two_factor.two_factor_confirm(actor=user, code=pyotp.TOTP(record.secret).now())
    clock.move_to(T1, tick=False)
    return record.secret, codes


def login(client, user, password=PASSWORD, ip="10.0.0.1"):
    return client.post("/accounts/login/", {"username": user.email, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def test_enrol_needs_a_valid_code_then_gives_ten_recovery_codes(clock):
    user = UserFactory()
    record = two_factor.two_factor_begin(actor=user)
    with pytest.raises(ValidationError) as exc:
        two_factor.two_factor_confirm(actor=user, code="000000")
    assert "code" in exc.value.message_dict
    assert not two_factor.is_enabled(user)
    codes = two_factor.two_factor_confirm(actor=user, code=pyotp.TOTP(record.secret).now())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert two_factor.is_enabled(user)
    stored = set(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert not stored & set(codes)  # only hashes are kept


def test_secret_is_encrypted_at_rest(clock):
    user = UserFactory()
    secret, _ = enrol(user, clock)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_twofactor WHERE user_id = %s", [user.pk])
        (raw,) = cursor.fetchone()
    assert secret not in raw and raw.startswith("gAAAA")
    assert TwoFactor.objects.get(user=user).secret == secret


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-60, False), (-30, True), (0, True), (30, True), (60, False)]
)
def test_one_step_of_drift_either_way(clock, offset, accepted):
    user = UserFactory()
    secret, _ = enrol(user, clock)  # enrolment used an old step, out of the way
    code = pyotp.TOTP(secret).at(T1 + offset)
    assert two_factor.two_factor_verify(user=user, code=code) is accepted


def test_a_code_is_never_accepted_twice(clock):
    user = UserFactory()
    secret, _ = enrol(user, clock)
    code = pyotp.TOTP(secret).at(T1)
    assert two_factor.two_factor_verify(user=user, code=code)
    assert not two_factor.two_factor_verify(user=user, code=code)
    clock.shift(30)  # still inside the drift window, but already used
    assert not two_factor.two_factor_verify(user=user, code=code)
    # An older step is a replay too, even if it was never used itself.
    assert not two_factor.two_factor_verify(user=user, code=pyotp.TOTP(secret).at(T1 - 30))
    assert two_factor.two_factor_verify(user=user, code=pyotp.TOTP(secret).at(T1 + 30))


def test_recovery_codes_work_once(clock):
    user = UserFactory()
    _, codes = enrol(user, clock)
    assert two_factor.two_factor_verify(user=user, code=codes[0].upper())
    assert not two_factor.two_factor_verify(user=user, code=codes[0])
    assert two_factor.remaining_recovery_codes(user) == 9


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_of_one_code_accepts_exactly_one(clock):
    user = UserFactory()
    secret, _ = enrol(user, clock)  # an ancient step, so "now" is unused
    code = pyotp.TOTP(secret).now()
    barrier = threading.Barrier(4)
    results = []

    def submit():
        try:
            barrier.wait()
            results.append(two_factor.two_factor_verify(user=user, code=code))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]


def test_disabling_needs_the_password(clock):
    user = UserFactory()
    enrol(user, clock)
    with pytest.raises(ValidationError) as exc:
        two_factor.two_factor_disable(actor=user, password="wrong")
    assert "password" in exc.value.message_dict
    assert two_factor.is_enabled(user)
    two_factor.two_factor_disable(actor=user, password=PASSWORD)
    assert not two_factor.is_enabled(user) and not RecoveryCode.objects.filter(user=user).exists()


# --- login ---------------------------------------------------------------------------------------


def test_login_asks_for_the_code_and_rotates_the_session_at_each_step(clock):
    user = UserFactory()
    secret, _ = enrol(user, clock)
    client = Client()
    client.get("/accounts/login/")
    first_key = client.session.session_key
    response = login(client, user)
    assert response.status_code == 302 and response.url == "/accounts/login/two-factor/"
    second_key = client.session.session_key
    assert second_key != first_key
    assert client.get("/").status_code == 302  # not logged in yet
    page = client.get("/accounts/login/two-factor/")
    assert "Authentication Code" in page.content.decode()
    wrong = client.post("/accounts/login/two-factor/", {"code": "000000"})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    response = client.post("/accounts/login/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response.url == "/"
    assert client.session.session_key not in (first_key, second_key)
    assert client.get("/").status_code == 200


def test_login_code_replay_is_refused(clock):
    user = UserFactory()
    secret, _ = enrol(user, clock)
    code = pyotp.TOTP(secret).now()
    first = Client()
    login(first, user)
    assert first.post("/accounts/login/two-factor/", {"code": code}).status_code == 302
    second = Client()
    login(second, user)
    response = second.post("/accounts/login/two-factor/", {"code": code})
    assert response.status_code == 200 and "already used" in response.content.decode()


def test_two_factor_step_without_a_password_goes_back_to_login(client):
    response = client.get("/accounts/login/two-factor/")
    assert response.status_code == 302 and response.url == "/accounts/login/"


def test_five_wrong_codes_start_over(clock):
    user = UserFactory()
    enrol(user, clock)
    client = Client()
    login(client, user)
    for _ in range(4):
        client.post("/accounts/login/two-factor/", {"code": "000000"}, REMOTE_ADDR="10.0.0.1")
    response = client.post("/accounts/login/two-factor/", {"code": "000000"}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code in (302, 403, 429)
    assert client.get("/accounts/login/two-factor/").status_code == 302
    # django-axes counted the wrong codes as failed logins for this user and address.
    assert AccessAttempt.objects.filter(username=user.email, failures_since_start__gte=5).exists()


def test_admin_can_require_two_factor_for_all_staff(clock):
    AccountSettings.objects.update_or_create(pk=1, defaults={"require_two_factor": True})
    user = UserFactory()
    client = Client()
    response = login(client, user)
    assert response.status_code == 302 and response.url == "/accounts/my-account/security/"
    assert client.get("/").url == "/accounts/my-account/security/"  # every page leads to enrolment
    assert client.get("/accounts/my-account/security/").status_code == 200
    assert client.get("/accounts/my-account/security/enable/").status_code == 200
    secret = TwoFactor.objects.get(user=user).secret
    response = client.post("/accounts/my-account/security/enable/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    page = client.get("/accounts/my-account/security/").content.decode()
    assert page.count("<li>") >= 10 and "shown only now" in page
    assert "shown only now" not in client.get("/accounts/my-account/security/").content.decode()
    assert client.get("/").status_code == 200


def test_enable_page_shows_qr_and_secret_and_refuses_a_wrong_code(client, clock):
    user = UserFactory()
    client.force_login(user)
    page = client.get("/accounts/my-account/security/enable/").content.decode()
    secret = TwoFactor.objects.get(user=user).secret
    assert "<svg" in page and secret in page
    response = client.post("/accounts/my-account/security/enable/", {"code": "123456"})
    assert response.status_code == 200 and "does not match" in response.content.decode()
    assert not two_factor.is_enabled(user)


def test_disable_view_needs_the_password(client, clock):
    user = UserFactory()
    enrol(user, clock)
    client.force_login(user)
    response = client.post("/accounts/my-account/security/disable/", {"password": "nope"}, follow=True)
    assert "not right" in response.content.decode() and two_factor.is_enabled(user)
    client.post("/accounts/my-account/security/disable/", {"password": PASSWORD})
    assert not two_factor.is_enabled(user)


def test_email_at_every_login_really_sends_it(django_capture_on_commit_callbacks):
    from accounts import services

    AccountSettings.objects.update_or_create(pk=1, defaults={"email_on_login": True})
    user = UserFactory(email="ops@example.test")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert login(Client(), user, ip="192.0.2.7").status_code == 302
    assert len(callbacks) == 1
    services.user_send_login_email(user_id=user.pk, ip_address="192.0.2.7")
    assert mail.outbox[0].to == ["ops@example.test"] and "192.0.2.7" in mail.outbox[0].body


def test_no_login_email_when_the_option_is_off(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        login(Client(), user)
    assert callbacks == []


def test_a_user_disabled_between_the_two_steps_is_sent_back_to_login(clock):
    user = UserFactory()
    secret, _ = enrol(user, clock)
    client = Client()
    login(client, user)
    user.is_active = False
    user.save()
    response = client.post("/accounts/login/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert client.get("/").status_code == 302
