import pytest
from django.utils import timezone

from tests.servers.fake_do import FakeDigitalOcean


@pytest.fixture
def fake_do(settings):
    fake = FakeDigitalOcean().start()
    settings.SERVERS_PROVIDER_ENDPOINT = fake.url
    settings.SERVERS_PROVIDER_TIMEOUT = 2
    yield fake
    fake.stop()


@pytest.fixture
def checklist_done(db):
    """Everything the getting-started checklist asks for."""
    from tests.servers.factories import complete_checklist

    return complete_checklist


@pytest.fixture
def operator(db):
    from tests.factories import AdminFactory

    now = timezone.now()
    return AdminFactory(email_verified_at=now, mobile_verified_at=now)
