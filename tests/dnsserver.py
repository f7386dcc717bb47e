"""A tiny authoritative DNS server on a loopback UDP port, for resolver tests.

Answers from a zone dict {(name, rdtype): [rdata text]}; names it does not know get NXDOMAIN,
known names with no records of the asked type get an empty NOERROR answer, and names listed in
`silent` get no answer at all (so the client times out).
"""

import socket
import threading

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset


class LocalDNSServer:
    def __init__(self, zone: dict[tuple[str, str], list[str]] | None = None, silent: set[str] | None = None):
        self.zone = {
            (name.lower().rstrip("."), rdtype): values for (name, rdtype), values in (zone or {}).items()
        }
        self.silent = {name.lower().rstrip(".") for name in (silent or set())}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()

    def _serve(self):
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                reply = self._answer(dns.message.from_wire(data))
            except Exception:  # noqa: S112 - a malformed query must not kill the test server
                continue
            if reply is not None:
                self.sock.sendto(reply.to_wire(), peer)

    def _answer(self, query):
        question = query.question[0]
        name = question.name.to_text().lower().rstrip(".")
        rdtype = dns.rdatatype.to_text(question.rdtype)
        if name in self.silent:
            return None
        reply = dns.message.make_response(query)
        reply.flags |= dns.flags.AA
        known = {n for n, _ in self.zone}
        if name not in known:
            reply.set_rcode(dns.rcode.NXDOMAIN)
            return reply
        values = self.zone.get((name, rdtype), [])
        if values:
            reply.answer.append(
                dns.rrset.from_text_list(question.name, 60, dns.rdataclass.IN, rdtype, values)
            )
        return reply


ZONE = {
    ("pbx.example.test", "A"): ["203.0.113.5"],
    ("pbx.example.test", "AAAA"): ["2001:db8::5"],
    ("_sip._udp.example.test", "SRV"): ["20 10 5060 sbc2.example.test.", "10 60 5060 sbc1.example.test."],
    ("sbc1.example.test", "A"): ["203.0.113.11"],
    ("sbc2.example.test", "A"): ["203.0.113.12"],
    ("textonly.example.test", "TXT"): ['"no addresses here"'],
}
SILENT = {"slow.example.test"}


def dns_server_fixture(settings):
    """Start the local server and point settings.DNS_NAMESERVERS at it."""
    with LocalDNSServer(ZONE, SILENT) as server:
        settings.DNS_NAMESERVERS = [server.address]
        settings.DNS_TIMEOUT = 1.0
        yield server
