"""A shared change counter in Redis, so every process sees data changes within moments.

Services that change what the routing engine answers from (auth, payments, card revisions,
ingress routes, gateways) call `bump("routing")`; readers compare `current("routing")` with the
value their cache was built at. The bump happens after commit, so a reader never reloads early.
"""

from functools import cache

import redis
from django.conf import settings
from django.db import transaction

PREFIX = "connexcs:version:"


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def client() -> redis.Redis:
    return _client(settings.REDIS_URL)


def bump(name: str = "routing") -> None:
    transaction.on_commit(lambda: client().incr(PREFIX + name))


def current(name: str = "routing") -> int:
    value = client().get(PREFIX + name)
    return int(value) if value else 0
