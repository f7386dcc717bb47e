"""No raw database wording on user input: every panel form, posted with edge values that pass the
field checks but break the models' constraints (0, -1, 7, a letter), answers in words a person
can act on, never "Constraint '…' is violated." or a database error."""

from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from connexcs.management.commands.seed_demo import DEMO_EMAIL
from tests.connexcs.test_no_server_errors import DESTRUCTIVE, PageParser, in_panel

RAW = ("is violated", "violates", "IntegrityError", "duplicate key", "null value in column", "psycopg")
EDGE_VALUES = ("0", "-1", "7", "a")
MAX_PAGES = 400


def edge_data(fields, value: str) -> dict:
    data = {}
    for name, kind, default in fields:
        if kind.endswith("-off") or kind == "file":
            continue
        data[name] = value if kind in ("number", "text") else default
    return data


@pytest.mark.django_db
def test_constraint_violations_read_as_field_messages(settings):
    settings.ROUTING_BACKGROUND_RELOAD = False
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(email=DEMO_EMAIL))
    seen: set[str] = set()
    queue = ["/"]
    raw: list[str] = []
    posted = 0
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or "?" in url:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = PageParser()
        parser.feed(response.content.decode())
        queue += [t for t in (urljoin(url, h).split("#")[0] for h in parser.links) if in_panel(t)]
        for form in parser.forms:
            action = urljoin(url, form["action"] or url)
            if form["method"] != "post" or not in_panel(action) or any(w in action for w in DESTRUCTIVE):
                continue
            for value in EDGE_VALUES:
                answer = client.post(action, edge_data(form["fields"], value), follow=True)
                posted += 1
                body = answer.content.decode(errors="replace")
                raw += [f"{urlsplit(action).path} value={value!r}: {n}" for n in RAW if n in body]
                assert answer.status_code < 500, (action, value)
    assert posted > 40
    assert raw == []
