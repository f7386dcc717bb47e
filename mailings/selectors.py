"""Reads of Customers > Send."""

from django.db.models import Count, Q, QuerySet

from .choices import ResultStatus
from .models import Mailing, MailingResult


def mailing_list(*, actor) -> QuerySet[Mailing]:
    return Mailing.objects.select_related("created_by").annotate(
        sent=Count("results", filter=Q(results__status=ResultStatus.SENT)),
        skipped=Count("results", filter=Q(results__status=ResultStatus.SKIPPED)),
        failed=Count("results", filter=Q(results__status=ResultStatus.FAILED)),
        handled=Count("results"),
    )


def mailing_results(*, mailing: Mailing) -> QuerySet[MailingResult]:
    return mailing.results.all()
