import pytest

from tests.portal.dns import portal_dns_fixture

portal_dns = pytest.fixture(portal_dns_fixture)
