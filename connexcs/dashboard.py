"""The dashboard: the figures an operator looks at first, each only for those who may see its area.

Each app may provide `<app>/dashboard.py` with `figures(*, user) -> list[Figure]` (discovered the way
seed_demo finds `<app>/demo.py`, so the core imports no app). Figures come out in INSTALLED_APPS order.
"""

import importlib
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from .views import BreadcrumbMixin

# The slot for today's calls stays on the page (saying why it is empty) until an app fills it.
CALLS_TODAY = "calls_today"
# Money and traffic first, then work in progress, then one's own account.
ORDER = [
    "customers_out_of_balance",
    CALLS_TODAY,
    "asr_today",
    "revenue_today",
    "stale_customer_cards",
    "running_jobs",
    "verification",
]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: str
    url: str | None = None
    tone: str = "secondary"  # a Bootstrap colour: success, warning, danger, info, secondary
    note: str = ""


def figures(*, user) -> list[Figure]:
    found: list[Figure] = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.dashboard")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.dashboard":
                raise
            continue
        if module.__name__ == __name__:
            continue
        found.extend(module.figures(user=user))
    if not any(figure.key == CALLS_TODAY for figure in found):
        found.append(
            Figure(
                CALLS_TODAY,
                "Today's Calls",
                "—",
                note="No CDRs yet: calls appear here once a switch posts them.",
            )
        )
    rank = {key: index for index, key in enumerate(ORDER)}
    return sorted(found, key=lambda figure: rank.get(figure.key, len(ORDER)))


class DashboardView(LoginRequiredMixin, BreadcrumbMixin, TemplateView):
    """Landing page for any signed-in staff member."""

    template_name = "dashboard.html"
    title = "Dashboard"

    def get_breadcrumbs(self):
        return []  # the page is the breadcrumb root; "Dashboard / Dashboard" says nothing

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = figures(user=self.request.user)
        return context
