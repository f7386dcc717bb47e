from django.utils import timezone

from connexcs.retries import retrying_task

from . import selectors, services


@retrying_task()
def check_domain(domain_id: int) -> None:
    services.domain_check_dns(domain_id=domain_id)


@retrying_task(ignore_result=False)
def recheck_domains() -> int:
    """Beat: queue a check for every domain not checked within DNS_REFRESH_SECONDS."""
    ids = selectors.domain_ids_due_for_check(now=timezone.now())
    for domain_id in ids:
        check_domain.delay(domain_id)
    return len(ids)
