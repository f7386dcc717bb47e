from celery import shared_task
from django.utils import timezone

from . import selectors, services


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def check_domain(domain_id: int) -> None:
    services.domain_check_dns(domain_id=domain_id)


@shared_task
def recheck_domains() -> int:
    """Beat: queue a check for every domain not checked within DNS_REFRESH_SECONDS."""
    ids = selectors.domain_ids_due_for_check(now=timezone.now())
    for domain_id in ids:
        check_domain.delay(domain_id)
    return len(ids)
