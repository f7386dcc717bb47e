import pytest

from tests.dnsserver import dns_server_fixture

dns_server = pytest.fixture(dns_server_fixture)
