"""The benchmark's own pages: their query count stays the same when the customer count triples."""

import importlib.util
from pathlib import Path

import pytest

from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db

BENCH = Path(__file__).resolve().parents[2] / "bench" / "customer_list.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_customer_list", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_query_count_does_not_grow_with_customers(client):
    bench = load_bench()
    admin = AdminFactory()
    client.force_login(admin)
    bench.populate(60, admin=admin)
    small = bench.measure(client, 60, rounds=1)["queries"]
    bench.populate(120, admin=admin)
    large = bench.measure(client, 180, rounds=1)["queries"]
    assert small == large
