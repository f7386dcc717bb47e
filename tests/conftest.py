import pytest

from connexcs.celery import app as connexcs_celery_app
from tests.factories import AdminFactory, UserFactory


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # PBKDF2 at production strength costs ~0.5 s per user on this machine; the suite creates hundreds.
    # tests/accounts/test_auth.py::test_production_hasher_is_pbkdf2 checks the real setting.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_user(db):
    return AdminFactory()


@pytest.fixture
def staff_user(db):
    """A signed-in-able User with no group: may read nothing."""
    return UserFactory()


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


# celery.contrib.pytest: run the project's real app (Redis broker) in an in-process worker.
@pytest.fixture(scope="session")
def celery_config():
    from django.conf import settings

    return {
        "broker_url": settings.CELERY_BROKER_URL,
        "result_backend": settings.CELERY_RESULT_BACKEND,
    }


@pytest.fixture
def celery_app(celery_config):
    return connexcs_celery_app


@pytest.fixture(scope="session")
def celery_worker_parameters():
    return {"perform_ping_check": False, "queues": ("celery",)}
