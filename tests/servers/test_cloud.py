"""The libcloud source against a local fake of DigitalOcean's v2 API: create, list, destroy, errors."""

import pytest

from servers.choices import Driver
from servers.cloud import CloudSource, ProviderError

pytestmark = pytest.mark.django_db


def source(key="do-test-key"):
    return CloudSource(driver=Driver.DIGITALOCEAN, api_key=key)


def test_locations_and_sizes_are_read_from_the_provider(fake_do):
    assert [(c.id, c.name) for c in source().locations()] == [("lon1", "London 1"), ("nyc3", "New York 3")]
    assert [c.id for c in source().sizes("lon1")] == ["s-1vcpu-1gb", "s-2vcpu-4gb"]


def test_create_list_reboot_destroy(fake_do):
    node = source().create(name="lon-1", location="lon1", size="s-1vcpu-1gb", user_data="#cloud-config\n{}")

    method, path, body = fake_do.requests[-1]
    assert (method, path) == ("POST", "/v2/droplets")
    assert (
        body["image"] == "debian-12-x64"
        and body["region"] == "lon1"
        and body["user_data"].startswith("#cloud")
    )
    assert [n.id for n in source().nodes()] == [node.id]
    source().reboot(str(node.id))
    assert fake_do.requests[-1][:2] == ("POST", f"/v2/droplets/{node.id}/actions")
    source().destroy(str(node.id))
    assert source().nodes() == []


def test_a_wrong_key_is_a_message(fake_do):
    with pytest.raises(ProviderError, match="refused the API key: Unable to authenticate you"):
        source("wrong").locations()


def test_a_provider_error_carries_the_providers_message(fake_do):
    fake_do.fail_next = (422, "You have reached the droplet limit.")
    with pytest.raises(ProviderError, match="droplet limit"):
        source().create(name="x", location="lon1", size="s-1vcpu-1gb", user_data="")
    with pytest.raises(ProviderError, match="Region is not available"):
        source().create(name="x", location="old1", size="s-1vcpu-1gb", user_data="")
    with pytest.raises(ProviderError, match="could not be found"):
        source().destroy("424242")


def test_a_timeout_is_a_message(fake_do, settings):
    settings.SERVERS_PROVIDER_TIMEOUT = 1
    fake_do.delay = 2.5
    with pytest.raises(ProviderError, match="did not answer within 1 s"):
        source().locations()


def test_an_unreachable_provider_is_a_message(settings):
    settings.SERVERS_PROVIDER_ENDPOINT = "http://127.0.0.1:9"
    with pytest.raises(ProviderError, match="could not be reached"):
        source().locations()
