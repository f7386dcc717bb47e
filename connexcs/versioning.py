"""Change counters that tell every process when the data it caches has moved on.

Services that change what the routing engine answers from (auth, payments, card revisions,
ingress routes, gateways) call `bump("routing")`. After commit, the bump adds one to a row in
PostgreSQL (the truth, readable whenever the data itself is) and to a key in Redis (the fast
path). The two counters are independent: a reader remembers the value of each it saw and treats
a change of either as a change. A bump that cannot reach Redis still moves the PostgreSQL row, so
a reader that also looks at PostgreSQL now and then (the routing engine does, every second) is
never fooled by a Redis that missed a bump. A bump never raises: the write it announces is
already committed, and an error page would make the person repeat it.
"""

import logging
from functools import cache

import redis
from django.conf import settings
from django.db import DatabaseError, connection, transaction

log = logging.getLogger(__name__)

PREFIX = "connexcs:version:"
# Short, so a Redis that stops answering costs a reader a fraction of its staleness budget.
REDIS_TIMEOUT = 0.25


class Unreachable(Exception):
    """The store holding a counter did not answer."""


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT)


def client() -> redis.Redis:
    return _client(settings.REDIS_URL)


def _table() -> str:
    from .models import Version

    return connection.ops.quote_name(Version._meta.db_table)


def _announce(name: str) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table()} (name, value) VALUES (%s, 1) "  # noqa: S608 - our table name
                f"ON CONFLICT (name) DO UPDATE SET value = {_table()}.value + 1",
                [name],
            )
    except DatabaseError:
        log.exception("could not bump version %r in PostgreSQL", name)
    try:
        client().incr(PREFIX + name)
    except redis.RedisError:
        log.warning("could not bump version %r in Redis; readers will see it in PostgreSQL", name)


def bump(name: str = "routing") -> None:
    # robust: the write has committed; an outage must not turn it into an error page.
    transaction.on_commit(lambda: _announce(name), robust=True)


def current(name: str = "routing") -> int:
    """The PostgreSQL counter (the truth). Raises Unreachable when PostgreSQL does not answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {_table()} WHERE name = %s", [name])  # noqa: S608
            row = cursor.fetchone()
    except DatabaseError as exc:
        # A broken connection stays broken; drop it so the next look reconnects.
        connection.close_if_unusable_or_obsolete()
        raise Unreachable(str(exc)) from exc
    return row[0] if row else 0


def fast(name: str = "routing") -> int:
    """The Redis counter. Raises Unreachable when Redis does not answer."""
    try:
        value = client().get(PREFIX + name)
    except redis.RedisError as exc:
        raise Unreachable(str(exc)) from exc
    return int(value) if value else 0
