"""Setup > Settings > Servers and My Account > My Servers: permissions, pages, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import Area
from servers.choices import ServerStatus
from servers.models import Cluster, Server
from tests.servers.factories import cloud_provider, complete_checklist, server
from tests.viewtests import ViewTestCases

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    cluster = Cluster.objects.create(name="main")
    return {
        "server": server("lon-1", cluster=cluster, ip="203.0.113.7"),
        "provider": cloud_provider(),
        "cluster": cluster,
    }


class TestServerViews(ViewTestCases):
    area = Area.SERVER
    other_area = Area.CUSTOMER
    read_only = {
        "servers:server_list",
        "servers:server_detail",
        "servers:server_config",
        "servers:cluster_list",
        "servers:provider_list",
        "servers:my_servers",
    }

    @pytest.fixture
    def pages(self, world):
        pk = {"pk": world["server"].pk}
        return [
            ("servers:server_list", {}, "get"),
            ("servers:server_add", {}, "get"),
            ("servers:server_detail", pk, "get"),
            ("servers:server_edit", pk, "get"),
            ("servers:server_config", pk, "get"),
            ("servers:server_reboot", pk, "post"),
            ("servers:server_destroy", pk, "get"),
            ("servers:cluster_list", {}, "get"),
            ("servers:cluster_add", {}, "get"),
            ("servers:provider_list", {}, "get"),
            ("servers:provider_add", {}, "get"),
            ("servers:provider_delete", {"pk": world["provider"].pk}, "get"),
            ("servers:my_servers", {}, "get"),
        ]


def test_the_list_shows_the_reference_columns(admin_client, world):
    html = admin_client.get(reverse("servers:server_list")).content.decode()
    for column in ("IP", "Name", "Type", "Cluster", "Channels", "CPS", "Status", "Expires", "Last heartbeat"):
        assert f">{column}<" in html or f">{column}</a>" in html, column
    assert "203.0.113.7" in html and "SIP latency" in html and "Add Server" in html


def test_my_servers_is_a_tab_of_my_account_and_read_only(admin_client, world):
    server("gone-1", status=ServerStatus.DESTROYED)
    html = admin_client.get(reverse("servers:my_servers")).content.decode()
    assert "My Servers" in html and "lon-1" in html and "gone-1" not in html
    assert reverse("servers:server_detail", kwargs={"pk": world["server"].pk}) not in html
    assert reverse("servers:my_servers") in admin_client.get(reverse("accounts:my_account")).content.decode()


def test_setup_settings_is_enabled_in_the_menu(admin_client):
    html = admin_client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("servers:server_list")}"' in html


def test_add_server_lists_what_is_missing_with_links(admin_client):
    html = admin_client.get(reverse("servers:server_add")).content.decode()
    assert 'id="checklist"' in html and "Deploy" not in html.split('id="checklist"')[1]
    for url_name in (
        "accounts:verify_email",
        "carriers:carrier_add",
        "ratecards:provider_add",
        "customers:customer_add",
    ):
        assert f'href="{reverse(url_name)}"' in html


def test_add_server_shows_a_provider_error_as_a_message(admin_client, admin_user, settings):
    from django.utils import timezone

    admin_user.email_verified_at = admin_user.mobile_verified_at = timezone.now()
    admin_user.save()
    complete_checklist()
    cloud_provider()
    settings.SERVERS_PROVIDER_ENDPOINT = "http://127.0.0.1:9"
    response = admin_client.get(reverse("servers:server_add"))
    assert response.status_code == 200 and "could not be reached" in response.content.decode()
    assert "Own host" in response.content.decode()


def test_deploying_an_own_host_shows_the_install_command_once(admin_client, admin_user):
    from django.utils import timezone

    admin_user.email_verified_at = admin_user.mobile_verified_at = timezone.now()
    admin_user.save()
    complete_checklist()
    data = {"location": "own", "name": "own-1", "server_type": "switch", "confirm": "on"}
    response = admin_client.post(reverse("servers:server_add"), data)
    assert response.status_code == 200
    assert (
        "curl -fsSL http" in response.content.decode()
        and "/api/v1/servers/install/cxi_" in response.content.decode()
    )
    bad = admin_client.post(reverse("servers:server_add"), {**data, "name": "bad name", "confirm": ""})
    assert bad.status_code == 200 and "Letters, digits and hyphens" in bad.content.decode()
    assert Server.objects.count() == 1


def test_the_rendered_config_downloads_without_a_secret(admin_client, world):
    response = admin_client.get(reverse("servers:server_config", kwargs={"pk": world["server"].pk}))
    text = response.content.decode()
    assert response["Content-Disposition"] == 'attachment; filename="kamailio-lon-1.cfg"'
    assert "listen=udp:203.0.113.7:5060" in text and '#!define CLUSTER "main"' in text
    assert "cxr_the-token-installed-on-this-server" in text


def test_provider_form_never_echoes_the_key(admin_client, fake_do):
    response = admin_client.post(
        reverse("servers:provider_add"), {"name": "DO", "driver": "digitalocean", "api_key": "wrong-secret"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Unable to authenticate" in html and "wrong-secret" not in html


@pytest.mark.parametrize("name", ["servers:server_list", "servers:my_servers", "servers:cluster_list"])
def test_list_query_counts_do_not_grow(admin_client, name):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(reverse(name)).status_code == 200
        return len(ctx.captured_queries)

    cluster = Cluster.objects.create(name="c0")
    server("s-0", cluster=cluster)
    one = count()
    for i in range(1, 8):
        server(
            f"s-{i}",
            cluster=Cluster.objects.create(name=f"c{i}"),
            provider=cloud_provider(f"p{i}"),
            source="cloud",
        )
    assert count() == one


def verified(user):
    from django.utils import timezone

    user.email_verified_at = user.mobile_verified_at = timezone.now()
    user.save()
    complete_checklist()


def test_rename_from_the_server_page(admin_client, admin_user, world):
    url = reverse("servers:server_edit", kwargs={"pk": world["server"].pk})
    data = {"name": "edge-1", "max_channels": 500, "max_cps": 20, "auto_upgrade": "on"}
    assert admin_client.post(url, data).status_code == 302
    world["server"].refresh_from_db()
    assert (world["server"].name, world["server"].max_channels) == ("edge-1", 500)
    refused = admin_client.post(url, {**data, "name": "no_underscores"})
    assert refused.status_code == 200 and "Letters, digits and hyphens" in refused.content.decode()


def test_redeploy_of_an_own_host_shows_a_new_install_command(admin_client, admin_user):
    verified(admin_user)
    from servers import services

    deployed = services.server_deploy(actor=admin_user, name="own-1", location="own", confirm=True)
    response = admin_client.post(reverse("servers:server_redeploy", kwargs={"pk": deployed.server.pk}))
    html = response.content.decode()
    assert response.status_code == 200 and "/api/v1/servers/install/cxi_" in html
    assert deployed.install_command.split("/install/")[1].split()[0] not in html  # the old one is void


def test_destroy_through_the_page(admin_client, admin_user, world):
    url = reverse("servers:server_destroy", kwargs={"pk": world["server"].pk})
    assert "Destroy" in admin_client.get(url).content.decode()
    assert admin_client.post(url).status_code == 302
    world["server"].refresh_from_db()
    assert world["server"].status == ServerStatus.DESTROYED
    assert admin_client.get(url).status_code == 404  # nothing left to destroy


def test_a_cloud_deploy_the_provider_refuses_is_shown_on_the_form(admin_client, admin_user, fake_do):
    verified(admin_user)
    provider = cloud_provider()
    fake_do.fail_next = None
    original = fake_do.handle

    def refuse_create(handler, method):
        if method == "POST":
            fake_do.fail_next = (422, "You have reached the droplet limit.")
        return original(handler, method)

    fake_do.handle = refuse_create
    data = {"location": f"{provider.pk}:lon1", "name": "lon-1", "server_type": "switch", "confirm": "on"}
    response = admin_client.post(reverse("servers:server_add"), data)
    assert response.status_code == 200 and "droplet limit" in response.content.decode()
    assert not Server.objects.exists()
