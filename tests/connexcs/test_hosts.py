import pytest

from connexcs import hosts


@pytest.mark.django_db  # the portal's resolver looks unknown hosts up among verified domains
@pytest.mark.parametrize("host", ["evil.example.com", "testserver.evil.com", "", "127.0.0.2"])
def test_unknown_host_gets_400(client, host):
    response = (
        client.get("/accounts/login/", HTTP_HOST=host)
        if host
        else client.get("/accounts/login/", HTTP_HOST="")
    )
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["testserver", "localhost:8000", "LOCALHOST", "127.0.0.1:1234"])
def test_panel_hosts_answer(client, host):
    assert client.get("/accounts/login/", HTTP_HOST=host).status_code == 200


@pytest.mark.django_db
def test_host_list_comes_from_settings(client, settings):
    settings.PANEL_HOSTS = ["panel.example.net"]
    assert client.get("/healthz", HTTP_HOST="testserver").status_code == 400
    assert client.get("/healthz", HTTP_HOST="panel.example.net").status_code == 200


@pytest.mark.django_db
def test_registered_resolver_admits_its_hosts(client):
    def resolver(domain):
        return "portal" if domain == "portal.customer.test" else None

    hosts.register_host_resolver(resolver)
    try:
        assert hosts.classify("portal.customer.test") == "portal"
        assert client.get("/healthz", HTTP_HOST="portal.customer.test").status_code == 200
        assert client.get("/healthz", HTTP_HOST="other.customer.test").status_code == 400
    finally:
        hosts._resolvers.remove(resolver)
