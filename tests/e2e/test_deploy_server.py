"""Seed 000, "Deploy Server", step by step in a browser, at desktop and phone width.

The cloud provider is a local server speaking DigitalOcean's v2 API. The "machine" it creates is
played by running the user-data's install script in a throwaway root and then its heartbeat, which
reports to the live panel; a real Celery worker mails the IP address.
"""

import os
import re
import subprocess

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from servers.models import Server
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, AdminFactory
from tests.helpers import wait_for
from tests.servers.factories import cloud_provider, complete_checklist
from tests.servers.fake_do import FakeDigitalOcean

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 800}
SHOTS = os.environ.get("E2E_SCREENSHOTS", "")


@pytest.fixture
def fake_do(settings):
    fake = FakeDigitalOcean().start()
    settings.SERVERS_PROVIDER_ENDPOINT = fake.url
    yield fake
    fake.stop()


def boot_the_node(user_data: str, root) -> None:
    """What cloud-init does on the new machine: write the install script and run it (no apt, no systemd)."""
    import json

    config = json.loads(user_data.split("\n", 1)[1])
    script = root / "connexcs-install.sh"
    script.write_text(config["write_files"][0]["content"])
    env = {
        "PATH": os.environ["PATH"],
        "CX_ROOT": str(root),
        "CX_INSTALL_PACKAGES": "no",
        "CX_START_SERVICES": "no",
    }
    subprocess.run(["sh", str(script)], env=env, check=True, capture_output=True, timeout=60)
    heartbeat = {"PATH": os.environ["PATH"], "CX_HEARTBEAT_ENV": str(root / "etc/connexcs/heartbeat.env")}
    subprocess.run([str(root / "usr/local/sbin/connexcs-heartbeat")], env=heartbeat, check=True, timeout=60)


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_deploy_server_as_the_guide_says(page, celery_worker, fake_do, tmp_path, viewport):
    now = timezone.now()
    AdminFactory(email="ops@example.test", email_verified_at=now, mobile_verified_at=now)
    complete_checklist()
    cloud_provider()
    mail.outbox.clear()
    page.set_viewport_size(viewport)
    log_in(page, "ops@example.test", PASSWORD)
    label = "desktop" if viewport is DESKTOP else "phone"

    # 1. Click on Setup > Settings > Servers
    if viewport is PHONE:
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Servers")).to_be_visible()
    # 2. Click on Add Server
    page.get_by_role("link", name="Add Server").click()
    # 3. Choose Server Location
    page.get_by_label("Server Location").select_option(label="London 1 (lon1)")
    # 4. Enter the Server Name
    page.get_by_label("Server Name").fill("lon-1")
    # 5. Check the confirmation box and deploy the server.
    page.get_by_label(re.compile("deploy this server")).check()
    shot(page, f"deploy-{label}")
    page.get_by_role("button", name="Deploy").click()
    expect(page.get_by_text("Deploying lon-1.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="lon-1")
    expect(row).to_contain_text("Deploying")

    # The machine boots and reports.
    boot_the_node(next(iter(fake_do.droplets.values()))["user_data"], tmp_path)

    # 6. The server IP address will be emailed to your registered email address...
    assert wait_for(lambda: mail.outbox)
    message = mail.outbox[0]
    assert message.to == ["ops@example.test"] and "127.0.0.1" in message.body
    # ... the ip address can also be found from the server list section.
    page.reload()
    row = page.get_by_role("row").filter(has_text="lon-1")
    expect(row).to_contain_text("127.0.0.1")
    expect(row).to_contain_text("Running")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(page, f"list-{label}")
    assert Server.objects.get().ip == "127.0.0.1"

    # The server's page, then Destroy: the droplet is deleted at the provider.
    row.get_by_role("link", name="127.0.0.1").click()
    expect(page.get_by_role("heading", name="lon-1")).to_be_visible()
    expect(page.get_by_role("heading", name="Capacity Failover")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(page, f"detail-{label}")
    page.get_by_role("link", name="Destroy").click()
    page.get_by_role("button", name="Destroy").click()
    expect(page.get_by_text("Destroyed lon-1")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="lon-1")).to_contain_text("Destroyed")
    assert fake_do.droplets == {}


def test_deploy_waits_for_the_checklist(page):
    AdminFactory(email="ops@example.test")
    log_in(page, "ops@example.test", PASSWORD)
    page.goto("/servers/add/")
    checklist = page.locator("#checklist")
    expect(checklist).to_contain_text("Verify your email address")
    expect(checklist).to_contain_text("Add an ingress route")
    expect(page.get_by_role("button", name="Deploy")).to_have_count(0)
    shot(page, "checklist")
    checklist.get_by_role("link", name="Add a carrier").click()
    expect(page.get_by_role("heading", name="Add Carrier")).to_be_visible()
