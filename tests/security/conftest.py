import pyotp
import pytest

from accounts import two_factor
from tests.accounts.conftest import smtp_server  # noqa: F401 - the real local SMTP server fixture

T0 = 1_800_000_000  # a TOTP step boundary, in 2027
T1 = T0 + 600  # later: the enrolment's step is out of the drift window


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def enrol(user, clock) -> str:
    """Turn 2FA on for `user` at T0, then move the clock to T1; returns the TOTP secret."""
    clock.move_to(T0, tick=False)
    record = two_factor.two_factor_begin(actor=user)
    two_factor.two_factor_confirm(actor=user, code=pyotp.TOTP(record.secret).now())
    clock.move_to(T1, tick=False)
    return record.secret
