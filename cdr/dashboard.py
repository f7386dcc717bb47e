"""Dashboard figures from today's (UTC) hourly rollups: calls, ASR and revenue."""

from django.urls import reverse

from accounts.choices import Area
from connexcs.dashboard import CALLS_TODAY, Figure
from connexcs.money import format_money
from connexcs.permissions import can

from .report_selectors import today_start, today_summary


def figures(*, user) -> list[Figure]:
    if not can(user, Area.REPORT):
        return []
    summary = today_summary()
    day = today_start().date().isoformat()
    url = f"{reverse('cdr:breakout')}?date_from={day}&date_to={day}&period=hour"
    revenue = ", ".join(
        format_money(amount, currency) for currency, amount in sorted(summary.revenue.items())
    )
    return [
        Figure(
            CALLS_TODAY,
            "Today's Calls",
            f"{summary.attempts:,}",
            url=url,
            tone="info" if summary.attempts else "secondary",
            note=f"{summary.answered:,} connected, since 00:00 UTC.",
        ),
        Figure(
            "asr_today",
            "Today's ASR",
            "—" if summary.asr is None else f"{summary.asr} %",
            url=url,
            tone="info" if summary.asr is not None else "secondary",
            note="Connected calls / attempts.",
        ),
        Figure(
            "revenue_today",
            "Today's Revenue",
            revenue or "—",
            url=url,
            tone="success" if summary.revenue else "secondary",
            note="Charged to customers for today's calls.",
        ),
    ]
