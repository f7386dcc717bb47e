"""Every write to rate cards, by sub-domain. Drafts are unpublished revisions; publishing flips a pointer.

Callers import from here (`from ratecards.services import provider_card_create`), not the modules.
"""

from .builds import build_job_create, build_run, build_stale_cards, card_rules, load_providers
from .common import normalize_prefix, parse_billing
from .customer_cards import (
    customer_card_create,
    customer_card_update,
    profit_rule_create,
    profit_rule_delete,
    profit_rule_update,
)
from .exchange_rates import exchange_factor, exchange_rate_set
from .imports import import_job_create, import_run, upload_dir
from .jobs import Cancelled, job_cancel, job_claim, job_progress
from .provider_cards import (
    provider_card_create,
    provider_card_update,
    provider_draft_create,
    provider_draft_save,
    provider_rate_add,
    provider_rate_delete,
    provider_rate_update,
    provider_revision_publish,
    provider_revision_rollback,
)
from .reaper import ratecard_jobs_reap

__all__ = [
    "Cancelled",
    "build_job_create",
    "build_run",
    "build_stale_cards",
    "card_rules",
    "customer_card_create",
    "customer_card_update",
    "exchange_factor",
    "exchange_rate_set",
    "import_job_create",
    "import_run",
    "job_cancel",
    "job_claim",
    "job_progress",
    "load_providers",
    "normalize_prefix",
    "parse_billing",
    "profit_rule_create",
    "profit_rule_delete",
    "profit_rule_update",
    "provider_card_create",
    "provider_card_update",
    "provider_draft_create",
    "provider_draft_save",
    "provider_rate_add",
    "provider_rate_delete",
    "provider_rate_update",
    "provider_revision_publish",
    "provider_revision_rollback",
    "ratecard_jobs_reap",
    "upload_dir",
]
