"""No 500s on user input: crawl the panel as the demo admin, submit every form with hostile values.

The crawl starts at the dashboard, follows every in-panel link and posts every form it finds twice:
once as rendered (the defaults) and once with hostile values in every field. Any 500 fails the test
and names the page and form.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from connexcs.management.commands.seed_demo import DEMO_EMAIL

SKIP_PREFIXES = ("/accounts/logout", "/django-admin", "/static", "/api/")
HOSTILE_TEXT = "'\"><script>x</script>\x00 ñ 💥" + "9" * 300
HOSTILE_NUMBER = "-99999999999999999999.12345678"
MAX_PAGES = 800
QUERY_VARIANTS_PER_PATH = 3  # sort and page links: a few per list are enough
# Forms that remove things run after the crawl, so the pages behind them are visited first.
DESTRUCTIVE = ("delete", "revoke", "disable", "rollback", "cancel")


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action"),
                "fields": [],
            }
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea") and a.get("name"):
            kind = (a.get("type") or "text").lower() if tag == "input" else "textarea"
            if kind in ("checkbox", "radio") and "checked" not in a:
                kind = f"{kind}-off"
            self._form["fields"].append((a["name"], kind, a.get("value") or ""))
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"].append((a["name"], "select", ""))
        elif self._select and tag == "option":
            name, kind, value = self._form["fields"][-1]
            if not value and a.get("value"):
                self._form["fields"][-1] = (name, kind, a["value"])
        elif tag == "button" and self._form is not None and a.get("name"):
            self._form["fields"].append((a["name"], "button", a.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def form_data(fields, hostile: bool) -> dict:
    data: dict = {}
    for name, kind, value in fields:
        if kind.endswith("-off"):
            continue
        if kind == "file":
            data[name] = SimpleUploadedFile(
                "deck.csv", b"prefix,name,cost\n44x,\x00bad,-1\n" if hostile else b""
            )
        elif kind == "hidden" or kind in ("submit", "button", "checkbox", "radio"):
            data[name] = value
        elif hostile:
            data[name] = HOSTILE_NUMBER if kind == "number" else HOSTILE_TEXT
        else:
            data[name] = value
    return data


def in_panel(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.netloc and parts.path.startswith("/") and not parts.path.startswith(SKIP_PREFIXES)


@pytest.mark.django_db
def test_no_page_or_form_answers_500(settings):
    settings.ROUTING_BACKGROUND_RELOAD = False
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(email=DEMO_EMAIL))

    seen: set[str] = set()
    variants: dict[str, int] = {}
    queue = ["/"]
    failures: list[str] = []
    deferred: list[tuple[str, str, dict]] = []
    forms_posted = 0

    def post(action, url, form, hostile):
        nonlocal forms_posted
        answer = client.post(action, form_data(form["fields"], hostile))
        forms_posted += 1
        if answer.status_code >= 500:
            names = [name for name, _, _ in form["fields"]]
            failures.append(f"POST {action} (from {url}, hostile={hostile}, fields={names})")

    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or (url != path and variants.get(path, 0) >= QUERY_VARIANTS_PER_PATH):
            continue
        seen.add(url)
        if url != path:
            variants[path] = variants.get(path, 0) + 1
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"GET {url} -> {response.status_code}")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = PageParser()
        parser.feed(response.content.decode())
        for href in parser.links:
            target = urljoin(url, href).split("#")[0]
            if in_panel(target) and target not in seen:
                queue.append(target)
        for form in parser.forms:
            action = urljoin(url, form["action"] or url)
            if form["method"] != "post" or not in_panel(action):
                continue
            if any(word in action for word in DESTRUCTIVE):
                deferred.append((action, url, form))
                continue
            for hostile in (True, False):
                post(action, url, form, hostile)
    for action, url, form in deferred:
        post(action, url, form, hostile=True)
        post(action, url, form, hostile=False)
    print(f"crawled {len(seen)} pages, posted {forms_posted} forms")
    assert len(seen) > 40 and forms_posted > 40, (len(seen), forms_posted)  # the crawl really ran
    assert failures == []
