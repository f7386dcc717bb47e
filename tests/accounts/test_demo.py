import pytest

from accounts import demo
from accounts.models import AccountSettings
from connexcs.models import AuditEvent
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent():
    admin = AdminFactory()
    demo.seed(admin=admin)
    demo.seed(admin=admin)
    assert AccountSettings.load().company_name == "Demo Carrier Ltd"
    assert AuditEvent.objects.filter(action="account.update").count() == 1
