import pytest
from django.core.management import call_command

from accounts.models import PermissionGroup, User
from connexcs.management.commands.seed_demo import DEMO_EMAIL

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_prints_the_login(capsys):
    call_command("seed_demo")
    counts = (User.objects.count(), PermissionGroup.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), PermissionGroup.objects.count()) == counts
    out = capsys.readouterr().out
    assert f"{DEMO_EMAIL} / connexcs-demo" in out
    admin = User.objects.get(email=DEMO_EMAIL)
    assert admin.is_admin and admin.check_password("connexcs-demo")
