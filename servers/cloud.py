"""Where servers come from, behind one small interface.

`CloudSource` talks to a provider through apache-libcloud; every provider error, refusal or timeout
becomes a `ProviderError` whose message is shown to the operator. SERVERS_PROVIDER_ENDPOINT (a URL)
points the driver at another host, e.g. a local server speaking the provider's API in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from libcloud.common.exceptions import BaseHTTPError
from libcloud.common.types import InvalidCredsError, LibcloudError
from libcloud.compute.base import Node, NodeImage, NodeLocation, NodeSize
from libcloud.compute.providers import Provider, get_driver
from requests.exceptions import RequestException

from .choices import Driver

# Debian 12 on each supported provider.
IMAGES = {Driver.DIGITALOCEAN: "debian-12-x64"}
LIBCLOUD_PROVIDERS = {Driver.DIGITALOCEAN: Provider.DIGITAL_OCEAN}


class ProviderError(Exception):
    """A provider refused or did not answer; the message is fit to show."""


@dataclass(frozen=True)
class Choice:
    id: str
    name: str


def _driver(driver: str, api_key: str):
    # libcloud's DigitalOcean v2 driver does not pass host, port or timeout on to its connection,
    # so they are set on the connection and it reconnects.
    instance = get_driver(LIBCLOUD_PROVIDERS[Driver(driver)])(api_key)
    connection = instance.connection
    connection.timeout = settings.SERVERS_PROVIDER_TIMEOUT
    endpoint = settings.SERVERS_PROVIDER_ENDPOINT
    if endpoint:
        parts = urlsplit(endpoint)
        connection.secure = parts.scheme == "https"
        connection.host = parts.hostname
        connection.port = parts.port or (443 if connection.secure else 80)
    connection.connect()
    return instance


def _call(what: str, fn, /, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except InvalidCredsError as exc:
        raise ProviderError(f"The provider refused the API key: {_text(exc)}") from exc
    except TimeoutError as exc:
        raise ProviderError(
            f"The provider did not answer within {settings.SERVERS_PROVIDER_TIMEOUT} s."
        ) from exc
    except RequestException as exc:
        if "timed out" in str(exc).lower():
            raise ProviderError(
                f"The provider did not answer within {settings.SERVERS_PROVIDER_TIMEOUT} s."
            ) from exc
        raise ProviderError(f"The provider could not be reached ({what}).") from exc
    except (BaseHTTPError, LibcloudError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ProviderError(f"The provider could not {what}: {_text(exc)}") from exc


def _text(exc: Exception) -> str:
    text = getattr(exc, "message", None) or getattr(exc, "value", None) or str(exc)
    return str(text)[:300]


class CloudSource:
    def __init__(self, *, driver: str, api_key: str):
        self.driver_name = driver
        self.api_key = api_key

    @property
    def driver(self):
        return _call("connect", _driver, self.driver_name, self.api_key)

    def locations(self) -> list[Choice]:
        found = _call("list locations", self.driver.list_locations)
        return [Choice(loc.id, loc.name) for loc in found]

    def sizes(self, location: str = "") -> list[Choice]:
        found = _call("list sizes", self.driver.list_sizes)
        return [
            Choice(s.id, f"{s.name} ({s.ram} MB, ${s.price}/h)")
            for s in found
            if not location or location in (s.extra or {}).get("regions", [location])
        ]

    def create(self, *, name: str, location: str, size: str, user_data: str) -> Node:
        driver = self.driver
        return _call(
            "create the server",
            driver.create_node,
            name=name,
            size=NodeSize(size, size, None, None, None, None, driver),
            image=NodeImage(IMAGES[Driver(self.driver_name)], "Debian 12", driver),
            location=NodeLocation(location, location, None, driver),
            ex_user_data=user_data,
        )

    def nodes(self) -> list[Node]:
        return _call("list servers", self.driver.list_nodes)

    def destroy(self, node_id: str) -> None:
        driver = self.driver
        if not _call("delete the server", driver.destroy_node, Node(node_id, "", None, [], [], driver)):
            raise ProviderError("The provider did not confirm the deletion.")

    def reboot(self, node_id: str) -> None:
        driver = self.driver
        if not _call("reboot the server", driver.reboot_node, Node(node_id, "", None, [], [], driver)):
            raise ProviderError("The provider did not confirm the reboot.")


def source_for(provider) -> CloudSource:
    return CloudSource(driver=provider.driver, api_key=provider.api_key)
