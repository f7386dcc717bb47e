"""Address classification and resolution against a real DNS server on loopback."""

import pytest
from django.core.exceptions import ValidationError

from connexcs.dns import AddressKind, classify, resolve
from tests.customers.conftest import dns_server  # noqa: F401 - fixture


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        ("192.0.2.1", AddressKind.IP, "192.0.2.1"),
        (" 2001:DB8::1 ", AddressKind.IP, "2001:db8::1"),
        ("10.0.0.0/8", AddressKind.CIDR, "10.0.0.0/8"),
        ("10.1.2.3/24", AddressKind.CIDR, "10.1.2.0/24"),
        ("10.1.2.3/32", AddressKind.IP, "10.1.2.3"),
        ("2001:db8::/32", AddressKind.CIDR, "2001:db8::/32"),
        ("PBX.Example.com.", AddressKind.HOST, "pbx.example.com"),
        ("_sip._udp.example.com", AddressKind.SRV, "_sip._udp.example.com"),
    ],
)
def test_classify_accepts_every_form(text, kind, canonical):
    assert classify(text) == (kind, canonical)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("10.0.0.1/33", "CIDR"),
        ("999.1.1.1", "IP address"),
        ("10.0.0", "IP address"),
        ("2001:db8::zz", "IP address"),
        ("-bad-.example.com", "host name"),
        ("_sip.example.com", "SRV"),
        ("", "Enter"),
        ("localhost", "host name"),
    ],
)
def test_classify_rejects_bad_addresses_with_a_reason(text, word):
    with pytest.raises(ValidationError) as exc:
        classify(text)
    assert word in exc.value.messages[0]


def test_resolve_host_returns_ipv4_and_ipv6(dns_server):  # noqa: F811
    result = resolve(AddressKind.HOST, "pbx.example.test")
    assert result.error == "" and result.addresses == ["203.0.113.5", "2001:db8::5"]


def test_resolve_srv_follows_targets_in_priority_order(dns_server):  # noqa: F811
    result = resolve(AddressKind.SRV, "_sip._udp.example.test")
    assert result.addresses == ["203.0.113.11", "203.0.113.12"]


def test_resolve_nxdomain_is_an_error_not_an_exception(dns_server):  # noqa: F811
    result = resolve(AddressKind.HOST, "nowhere.example.test")
    assert result.addresses == [] and "NXDOMAIN" in result.error


def test_resolve_name_without_addresses(dns_server):  # noqa: F811
    result = resolve(AddressKind.HOST, "textonly.example.test")
    assert result.addresses == [] and "no addresses" in result.error


def test_resolve_timeout_is_reported(dns_server):  # noqa: F811
    result = resolve(AddressKind.HOST, "slow.example.test")
    assert result.addresses == [] and "timed out" in result.error
