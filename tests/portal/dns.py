"""Portal names as an operator's customers would set them up (PORTAL_CNAME_TARGET is portal.localhost)."""

from tests.dnsserver import LocalDNSServer

PORTAL_ZONE = {
    ("ok.brand.test", "CNAME"): ["portal.localhost."],
    ("shop.brand.test", "CNAME"): ["portal.localhost."],
    ("a-record.brand.test", "A"): ["203.0.113.5"],
    ("wrong.brand.test", "CNAME"): ["elsewhere.example.test."],
}
PORTAL_SILENT = {"slow.brand.test"}


def portal_dns_fixture(settings):
    with LocalDNSServer(PORTAL_ZONE, PORTAL_SILENT) as server:
        settings.DNS_NAMESERVERS = [server.address]
        settings.DNS_TIMEOUT = 1.0
        settings.PORTAL_CNAME_TARGET = "portal.localhost"
        yield server
