import pytest
from django.db import transaction

from connexcs import versioning


@pytest.mark.django_db(transaction=True)
def test_bump_is_visible_only_after_commit():
    before = versioning.current("test-scope")
    with transaction.atomic():
        versioning.bump("test-scope")
        assert versioning.current("test-scope") == before
    assert versioning.current("test-scope") == before + 1


@pytest.mark.django_db(transaction=True)
def test_rolled_back_write_does_not_bump():
    before = versioning.current("test-scope")
    with pytest.raises(RuntimeError), transaction.atomic():
        versioning.bump("test-scope")
        raise RuntimeError
    assert versioning.current("test-scope") == before
